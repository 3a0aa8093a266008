/**
 * Review queue: the NEEDS_REVIEW documents from `GET /api/reviews` with
 * their flag count, lowest confidence and times, refreshed every 5 s while
 * the page is open; each row opens the review page.
 */
import type { ReviewQueuePage } from '../../../contracts/review-api.ts';
import { api } from '../api.ts';
import { Empty, pct, Show, shortId, time, useApi } from '../ui.tsx';

export const QUEUE_POLL_MS = 5000;

export const loadQueue = () => api<ReviewQueuePage>('/api/reviews');

export const ReviewsPage = () => {
  const queue = useApi(loadQueue, [], { everyMs: QUEUE_POLL_MS, while: () => true });
  return (
    <section aria-labelledby="reviews-title">
      <h1 id="reviews-title">Review</h1>
      <p class="note">
        Documents the pipeline was not sure of: a required field missing, a value whose quote was
        not found in the document, or a confidence below the prompt version's threshold. Open one to
        check each value against the page, accept or correct it, and approve.
      </p>
      <Show state={queue} what="the review queue">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>Nothing to review: every finished document was grounded and confident.</Empty>
          ) : (
            <div class="scroll">
              <table data-testid="review-queue">
                <caption class="sr-only">
                  Documents that need review, most flags and lowest confidence first
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Document</th>
                    <th scope="col">Flags</th>
                    <th scope="col">Lowest confidence</th>
                    <th scope="col">Version</th>
                    <th scope="col">Received</th>
                    <th scope="col">Finished</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.documentId} data-document={item.documentId}>
                      <td>
                        <a href={`#/review/${item.documentId}`}>
                          Review {shortId(item.documentId)}
                        </a>
                      </td>
                      <td>{item.flagCount}</td>
                      <td>{pct(item.lowestConfidence, 0)}</td>
                      <td>{item.promptVersion ?? '—'}</td>
                      <td>{time(item.receivedAt)}</td>
                      <td>{time(item.completedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.nextCursor && (
                <p class="state">
                  More documents wait beyond these {page.items.length}; approve some to see the
                  rest.
                </p>
              )}
            </div>
          )
        }
      </Show>
      {queue.data && (
        <p class="state" role="status">
          Refreshing every {QUEUE_POLL_MS / 1000} s.
        </p>
      )}
    </section>
  );
};
