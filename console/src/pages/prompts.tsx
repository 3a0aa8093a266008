/**
 * Prompts: the bundled versions, one version's metadata and schema, a text
 * diff of two versions, and the production alias with its history.
 */
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Empty, Show, time, useApi } from '../ui.tsx';

interface Summary {
  version: string;
  status: string;
  created: string;
  modelId: string;
  fields: number;
  requiredFields: number;
  latestChange: string;
}
interface Details {
  version: string;
  metadata: Record<string, unknown>;
  schema: {
    fieldPaths: number;
    topLevel: Array<{ path: string; type: string; required: boolean }>;
  };
}
interface Line {
  op: 'same' | 'added' | 'removed';
  text: string;
}
interface Diff {
  schema: {
    added: string[];
    removed: string[];
    changed: Array<{ path: string; changed: string[] }>;
  };
  metadata: string[];
  text: {
    system: { changed: boolean; lines: Line[] };
    userTemplate: { changed: boolean; lines: Line[] };
  };
}
interface Alias {
  current: { version: string; updatedAt: string } | null;
  moves: Array<{
    seq: number;
    at: string;
    actor: string;
    reason: string;
    before: string | null;
    after: string;
    experimentId: string | null;
  }>;
}

const TextDiff = ({ title, lines }: { title: string; lines: Line[] }) => (
  <>
    <h4>{title}</h4>
    {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus to scroll by keyboard */}
    <pre class="diff" tabIndex={0}>
      {lines.map((l, i) => (
        <span key={i} class={l.op}>
          {l.op === 'added' ? '+ ' : l.op === 'removed' ? '- ' : '  '}
          {l.text}
          {'\n'}
        </span>
      ))}
    </pre>
  </>
);

const VersionDetail = ({ version }: { version: string }) => {
  const d = useApi(() => api<Details>(`/api/prompts/versions/${version}`), [version]);
  return (
    <Show state={d} what={`version ${version}`}>
      {(v) => (
        <>
          <h3>Version {v.version}</h3>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling block must take focus to scroll by keyboard */}
          <pre class="fields" tabIndex={0}>
            {JSON.stringify(v.metadata, null, 2)}
          </pre>
          <table>
            <caption>Schema: {v.schema.fieldPaths} field paths, top level</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Type</th>
                <th scope="col">Required</th>
              </tr>
            </thead>
            <tbody>
              {v.schema.topLevel.map((f) => (
                <tr key={f.path}>
                  <td>{f.path}</td>
                  <td>{f.type}</td>
                  <td>{f.required ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Show>
  );
};

const DiffView = ({ versions }: { versions: string[] }) => {
  const [from, setFrom] = useState(versions[0] ?? '');
  const [to, setTo] = useState(versions[versions.length - 1] ?? '');
  const diff = useApi(() => api<Diff>(`/api/prompts/diff/${from}/${to}`), [from, to]);
  return (
    <section aria-labelledby="diff-title">
      <h2 id="diff-title">Diff</h2>
      <div class="filters">
        <label>
          From
          <select value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          To
          <select value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            {versions.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
      </div>
      <Show state={diff} what="the diff">
        {(d) => (
          <>
            <p>
              Schema: {d.schema.added.length} added, {d.schema.removed.length} removed,{' '}
              {d.schema.changed.length} changed.
              {d.metadata.length > 0 && ` Metadata: ${d.metadata.join('; ')}`}
            </p>
            <TextDiff title="System prompt" lines={d.text.system.lines} />
            <TextDiff title="User template" lines={d.text.userTemplate.lines} />
          </>
        )}
      </Show>
    </section>
  );
};

export const PromptsPage = () => {
  const list = useApi(() => api<{ versions: Summary[] }>('/api/prompts/versions'), []);
  const alias = useApi(() => api<Alias>('/api/prompts/aliases/production'), []);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="prompts-title">
      <h1 id="prompts-title">Prompts</h1>
      <Show state={list} what="prompt versions">
        {(l) =>
          l.versions.length === 0 ? (
            <Empty>No prompt versions are bundled.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col">Model</th>
                    <th scope="col">Fields (required)</th>
                    <th scope="col">Latest change</th>
                  </tr>
                </thead>
                <tbody>
                  {l.versions.map((v) => (
                    <tr key={v.version}>
                      <th scope="row">
                        <button
                          type="button"
                          class="link"
                          aria-expanded={open === v.version}
                          onClick={() => setOpen(open === v.version ? null : v.version)}
                        >
                          {v.version}
                        </button>
                      </th>
                      <td>{v.status}</td>
                      <td>{v.created}</td>
                      <td>{v.modelId}</td>
                      <td>
                        {v.fields} ({v.requiredFields})
                      </td>
                      <td>{v.latestChange}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {open && <VersionDetail version={open} />}
              <DiffView versions={l.versions.map((v) => v.version)} />
            </>
          )
        }
      </Show>
      <section aria-labelledby="alias-title">
        <h2 id="alias-title">Production alias</h2>
        <Show state={alias} what="the alias">
          {(a) => (
            <>
              <p>
                Now:{' '}
                {a.current
                  ? `${a.current.version} (since ${time(a.current.updatedAt)})`
                  : 'not set'}
              </p>
              {a.moves.length === 0 ? (
                <Empty>The alias has never moved.</Empty>
              ) : (
                <table>
                  <caption>History</caption>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">From</th>
                      <th scope="col">To</th>
                      <th scope="col">Actor</th>
                      <th scope="col">Reason</th>
                      <th scope="col">Experiment</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.moves.map((m) => (
                      <tr key={m.seq}>
                        <td>{time(m.at)}</td>
                        <td>{m.before ?? '—'}</td>
                        <td>{m.after}</td>
                        <td>{m.actor}</td>
                        <td>{m.reason}</td>
                        <td>{m.experimentId ?? '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </>
          )}
        </Show>
      </section>
    </section>
  );
};
