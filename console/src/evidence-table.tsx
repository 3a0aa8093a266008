/**
 * A finished document's evidence on its detail page: each value with its
 * confidence, how its quote was found, its page and the quote itself,
 * lowest confidence first.
 */
import type { ConfidenceMap, EvidenceMap, ReviewFlag } from '../../contracts/evidence.ts';
import { pathLabel, reviewFields, showValue } from './review-model.ts';
import { Empty, pct } from './ui.tsx';

export const EvidenceTable = ({
  fields,
  evidence,
  confidence,
  flags,
}: {
  fields: unknown;
  evidence: EvidenceMap;
  confidence: ConfidenceMap;
  flags: readonly ReviewFlag[];
}) => {
  const rows = reviewFields(fields, confidence, flags).filter(
    (f) => f.value !== null || f.flags.length > 0,
  );
  if (rows.length === 0) return <Empty>No values, so no evidence.</Empty>;
  return (
    <div class="scroll">
      <table data-testid="evidence">
        <caption>Evidence per value, lowest confidence first</caption>
        <thead>
          <tr>
            <th scope="col">Value</th>
            <th scope="col">Extracted</th>
            <th scope="col">Confidence</th>
            <th scope="col">Found</th>
            <th scope="col">Page</th>
            <th scope="col">Quote</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((f) => {
            const e = evidence[f.path];
            return (
              <tr key={f.path} data-path={f.path}>
                <th scope="row">{pathLabel(f.path)}</th>
                <td>{showValue(f.value)}</td>
                <td>{pct(f.confidence, 0)}</td>
                <td>{e ? e.match : 'no evidence'}</td>
                <td>{e?.page ?? '—'}</td>
                <td>{e?.quote ? <q>{e.quote}</q> : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
};
