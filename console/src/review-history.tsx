/**
 * Every decision recorded on a document under review, oldest first: when,
 * who, which value, accepted or corrected, and the value before and after.
 */
import type { RecordedDecision } from '../../contracts/review-api.ts';
import { pathLabel, showValue } from './review-model.ts';
import { Empty, time } from './ui.tsx';

export const ReviewHistory = ({ decisions }: { decisions: readonly RecordedDecision[] }) =>
  decisions.length === 0 ? (
    <Empty>No decisions yet.</Empty>
  ) : (
    <div class="scroll">
      <table data-testid="review-history">
        <caption class="sr-only">Review decisions, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Reviewer</th>
            <th scope="col">Value</th>
            <th scope="col">Decision</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((r, index) => (
            <tr
              key={`${r.at}-${index}`}
              data-path={r.decision.path}
              data-action={r.decision.action}
            >
              <td>{time(r.at)}</td>
              <td>{r.reviewer}</td>
              <td>{pathLabel(r.decision.path)}</td>
              <td>{r.decision.action === 'accept' ? 'accepted' : 'corrected'}</td>
              <td>{r.decision.action === 'correct' ? showValue(r.previous) : ''}</td>
              <td>
                {r.decision.action === 'correct' ? showValue(r.decision.value) : '(as extracted)'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
