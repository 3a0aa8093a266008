/**
 * The navigation's count of documents waiting for review, refreshed every
 * 10 s and at once when a review page records a decision or an approval;
 * nothing is shown while the queue cannot be read.
 */
import { useEffect } from 'preact/hooks';
import { loadQueue } from './pages/reviews.tsx';
import { useApi } from './ui.tsx';

/** The window event a review page sends after a decision or an approval. */
export const REVIEWS_CHANGED = 'medextract:reviews-changed';

export const ReviewBadge = () => {
  const queue = useApi(loadQueue, [], { everyMs: 10_000, while: () => true });
  const { reload } = queue;
  useEffect(() => {
    addEventListener(REVIEWS_CHANGED, reload);
    return () => removeEventListener(REVIEWS_CHANGED, reload);
  }, [reload]);
  const page = queue.data;
  if (!page || page.items.length === 0) return null;
  const count = `${page.items.length}${page.nextCursor ? '+' : ''}`;
  return (
    <span class="count" data-testid="review-count">
      <span aria-hidden="true">{count}</span>
      <span class="sr-only">, {count} waiting</span>
    </span>
  );
};
