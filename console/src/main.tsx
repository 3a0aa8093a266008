/**
 * The console's shell: hash routes (ids only, never object keys, in URLs),
 * the navigation, a fixed page title per page, and the page in view.
 */
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { DlqPage } from './pages/dlq.tsx';
import { DocumentDetailPage } from './pages/document-detail.tsx';
import { DocumentsPage } from './pages/documents.tsx';
import { ExperimentDetailPage } from './pages/experiment-detail.tsx';
import { ExperimentsPage } from './pages/experiments.tsx';
import { FunctionsPage } from './pages/functions.tsx';
import { MetricsPage } from './pages/metrics.tsx';
import { PromptsPage } from './pages/prompts.tsx';
import { ReviewPage } from './pages/review.tsx';
import { ReviewsPage } from './pages/reviews.tsx';
import { ReviewBadge } from './review-badge.tsx';

const NAV = [
  ['#/', 'Documents'],
  ['#/review', 'Review'],
  ['#/metrics', 'Metrics'],
  ['#/functions', 'Functions'],
  ['#/experiments', 'Experiments'],
  ['#/prompts', 'Prompts'],
  ['#/dlq', 'DLQ'],
] as const;

const routeOf = (hash: string): { page: string; id?: string } => {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [page = 'documents', id] = parts;
  return id === undefined ? { page } : { page, id };
};

const App = () => {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  const { page, id } = routeOf(hash);
  const section =
    page === 'documents' || page === ''
      ? 'Documents'
      : (NAV.find(([h]) => h === `#/${page}`)?.[1] ?? 'Not found');
  useEffect(() => {
    document.title = `${section} · MedExtract console`;
    document.getElementById('main')?.focus();
  }, [section, id]);
  const current = `#/${page === 'documents' ? '' : page}`;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header>
        <span class="brand">MedExtract</span>
        <nav aria-label="Pages">
          <ul>
            {NAV.map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={current === href ? 'page' : undefined}>
                  {label}
                  {href === '#/review' && <ReviewBadge />}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {page === 'documents' && id ? <DocumentDetailPage id={id} /> : null}
        {page === 'documents' && !id ? <DocumentsPage /> : null}
        {page === 'metrics' && <MetricsPage />}
        {page === 'functions' && <FunctionsPage />}
        {page === 'experiments' && id ? <ExperimentDetailPage id={id} /> : null}
        {page === 'experiments' && !id ? <ExperimentsPage /> : null}
        {page === 'prompts' && <PromptsPage />}
        {page === 'dlq' && <DlqPage />}
        {page === 'review' && id ? <ReviewPage id={id} /> : null}
        {page === 'review' && !id ? <ReviewsPage /> : null}
        {!['documents', 'review', 'metrics', 'functions', 'experiments', 'prompts', 'dlq'].includes(
          page,
        ) && (
          <p class="state">
            No such page. <a href="#/">Go to the documents</a>.
          </p>
        )}
      </main>
    </>
  );
};

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
