/**
 * Documents (home): every upload from the ledger with status, reason,
 * version, arm, completeness, cost and time; filters; polling every 2 s
 * while any upload is RECEIVED or PROCESSING; PDF upload by drag and drop
 * or file input through a presigned PUT.
 */
import { useRef, useState } from 'preact/hooks';
import { api, post, query } from '../api.ts';
import type { DocumentRecord, Upload } from '../types.ts';
import { Empty, ms, pct, Show, shortId, time, usd, useApi } from '../ui.tsx';
import { UploadBox } from './upload.tsx';

const STATUSES = ['', 'RECEIVED', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'IGNORED', 'SUPERSEDED'];
const busy = (u: Upload) => u.status === 'RECEIVED' || u.status === 'PROCESSING';

interface Row extends Upload {
  detail?: DocumentRecord;
}

/** Records of finished uploads, kept for the page's life (memory only, never browser storage). */
const finished = new Map<string, DocumentRecord>();

/** A page of uploads; finished ones completed with their record (version, arm, completeness, cost). */
const loadRows = async (filters: Record<string, string>): Promise<Row[]> => {
  const page = await api<{ documents: Upload[] }>(
    `/api/documents${query({ ...filters, limit: '100' })}`,
  );
  return Promise.all(
    page.documents.map(async (u) => {
      if (busy(u)) return u;
      const cacheKey = `${u.documentId}:${u.status}:${u.attempt}`;
      const known = finished.get(cacheKey);
      if (known) return { ...u, detail: known };
      try {
        const detail = await api<DocumentRecord>(`/api/documents/${u.documentId}`);
        finished.set(cacheKey, detail);
        return { ...u, detail };
      } catch {
        return u;
      }
    }),
  );
};

export const DocumentsPage = () => {
  const [status, setStatus] = useState('');
  const [version, setVersion] = useState('');
  const [prefix, setPrefix] = useState('');
  /** The ledger records an upload a moment after its PUT: keep polling a while after one. */
  const uploadedAt = useRef(0);
  const filters = { status, prompt_version: version, prefix };
  const rows = useApi(() => loadRows(filters), [status, version, prefix], {
    everyMs: 2000,
    while: (list) => list.some(busy) || Date.now() - uploadedAt.current < 15_000,
  });
  return (
    <section aria-labelledby="documents-title">
      <h1 id="documents-title">Documents</h1>
      <UploadBox
        upload={async (file) => {
          const link = await post<{ url: string; key: string }>('/api/uploads', {
            file_name: file.name,
          });
          const put = await fetch(link.url, {
            method: 'PUT',
            body: file,
            headers: { 'content-type': 'application/pdf' },
          });
          if (!put.ok) throw new Error(`the storage answered ${put.status}`);
          uploadedAt.current = Date.now();
          rows.reload();
        }}
      />
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Prompt version
          <input
            value={version}
            placeholder="e.g. 2.0.0"
            onChange={(e) => setVersion(e.currentTarget.value)}
          />
        </label>
        <label>
          Key prefix
          <input
            value={prefix}
            placeholder="e.g. 2026/"
            onChange={(e) => setPrefix(e.currentTarget.value)}
          />
        </label>
        <button type="button" onClick={rows.reload}>
          Refresh
        </button>
      </form>
      <Show state={rows} what="documents">
        {(list) =>
          list.length === 0 ? (
            <Empty>No uploads match. Drop a PDF above or change the filters.</Empty>
          ) : (
            <div class="scroll">
              <table>
                <caption class="sr-only">Uploads, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Document</th>
                    <th scope="col">Key</th>
                    <th scope="col">Status</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Version</th>
                    <th scope="col">Arm</th>
                    <th scope="col">Completeness</th>
                    <th scope="col">Cost</th>
                    <th scope="col">Latency</th>
                    <th scope="col">Received</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((row) => (
                    <tr key={`${row.documentId}-${row.receivedAt}`} data-status={row.status}>
                      <td>
                        <a href={`#/documents/${row.documentId}`}>{shortId(row.documentId)}</a>
                      </td>
                      <td class="key">{row.key.replace(/^incoming\//, '')}</td>
                      <td>
                        <span class={`badge ${row.status.toLowerCase()}`}>{row.status}</span>
                      </td>
                      <td>{row.reason ?? ''}</td>
                      <td>{row.promptVersion ?? '—'}</td>
                      <td>{row.detail?.arm ?? '—'}</td>
                      <td>{pct(row.detail?.completeness)}</td>
                      <td>{usd(row.detail?.costMicroUsd)}</td>
                      <td>{ms(row.detail?.latencyMs)}</td>
                      <td>{time(row.receivedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
      {rows.data?.some(busy) && (
        <p class="state" role="status">
          Work in progress: refreshing every 2 s.
        </p>
      )}
    </section>
  );
};
