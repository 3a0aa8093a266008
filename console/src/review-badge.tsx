/**
 * The navigation's count of documents waiting for review, refreshed every
 * 10 s; nothing is shown while the queue cannot be read.
 */
import { loadQueue } from './pages/reviews.tsx';
import { useApi } from './ui.tsx';

export const ReviewBadge = () => {
  const queue = useApi(loadQueue, [], { everyMs: 10_000, while: () => true });
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
