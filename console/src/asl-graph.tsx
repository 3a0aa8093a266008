/**
 * The extract state machine drawn from `statemachines/extract.asl.json` as a
 * layered graph (SVG): states in layers by their longest distance from
 * StartAt, Next/Catch/Default edges, the execution's path highlighted and
 * each visited state's duration, attempts and error beside it.
 */
import asl from '../../statemachines/extract.asl.json';
import type { StateVisit } from './types.ts';
import { ms } from './ui.tsx';

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Catch?: Array<{ Next: string }>;
  Choices?: Array<{ Next: string }>;
}

const states = (asl as { StartAt: string; States: Record<string, AslState> }).States;
const startAt = (asl as { StartAt: string }).StartAt;

const edgesOf = (name: string): Array<{ to: string; kind: 'next' | 'catch' }> => {
  const s = states[name];
  if (!s) return [];
  const out: Array<{ to: string; kind: 'next' | 'catch' }> = [];
  if (s.Next) out.push({ to: s.Next, kind: 'next' });
  if (s.Default) out.push({ to: s.Default, kind: 'next' });
  for (const c of s.Choices ?? []) out.push({ to: c.Next, kind: 'next' });
  for (const c of s.Catch ?? []) out.push({ to: c.Next, kind: 'catch' });
  return out;
};

/** Layer = longest path from StartAt over Next edges, catches placed one layer below their source. */
const layers = (): Map<string, number> => {
  const layer = new Map<string, number>([[startAt, 0]]);
  for (let round = 0; round < Object.keys(states).length; round += 1) {
    for (const [name] of Object.entries(states)) {
      const at = layer.get(name);
      if (at === undefined) continue;
      for (const e of edgesOf(name)) {
        const want = at + 1;
        if ((layer.get(e.to) ?? -1) < want && want < 20) layer.set(e.to, want);
      }
    }
  }
  return layer;
};

const BOX_W = 170;
const BOX_H = 54;
const GAP_X = 40;
const GAP_Y = 46;

export const AslGraph = ({ visits }: { visits: readonly StateVisit[] }) => {
  const layer = layers();
  const rows = new Map<number, string[]>();
  for (const [name, l] of layer) rows.set(l, [...(rows.get(l) ?? []), name]);
  const width = Math.max(...[...rows.values()].map((r) => r.length)) * (BOX_W + GAP_X) + GAP_X;
  const height = (Math.max(...rows.keys()) + 1) * (BOX_H + GAP_Y) + GAP_Y;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [l, names] of rows) {
    const rowWidth = names.length * (BOX_W + GAP_X) - GAP_X;
    for (const [i, name] of names.entries()) {
      pos.set(name, {
        x: (width - rowWidth) / 2 + i * (BOX_W + GAP_X),
        y: GAP_Y / 2 + l * (BOX_H + GAP_Y),
      });
    }
  }
  const visited = new Map(visits.map((v) => [v.name, v]));
  const order = visits.map((v) => v.name);
  const taken = (from: string, to: string) => {
    const i = order.indexOf(from);
    return i >= 0 && order[i + 1] === to;
  };
  return (
    <figure class="asl">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        role="img"
        aria-label={`State machine; this execution went through ${order.join(', ') || 'no states yet'}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
          </marker>
        </defs>
        {Object.keys(states).flatMap((from) =>
          edgesOf(from).map((e) => {
            const a = pos.get(from);
            const b = pos.get(e.to);
            if (!a || !b) return null;
            const on = taken(from, e.to);
            return (
              <line
                key={`${from}-${e.to}-${e.kind}`}
                x1={a.x + BOX_W / 2}
                y1={a.y + BOX_H}
                x2={b.x + BOX_W / 2}
                y2={b.y}
                class={`edge ${e.kind}${on ? ' taken' : ''}`}
                marker-end="url(#arrow)"
              />
            );
          }),
        )}
        {[...pos.entries()].map(([name, p]) => {
          const v = visited.get(name);
          const failed = v && (v.error || v.attemptErrors.length > 0);
          return (
            <g
              key={name}
              class={`state${v ? ' visited' : ''}${v?.error ? ' failed' : ''}`}
              data-state={name}
              data-visited={v ? 'true' : 'false'}
            >
              <rect x={p.x} y={p.y} width={BOX_W} height={BOX_H} rx="6" />
              <text x={p.x + 8} y={p.y + 19} class="name">
                {name}
              </text>
              <text x={p.x + 8} y={p.y + 38} class="meta">
                {v
                  ? `${ms(v.durationMs)} · ${v.attempts} attempt${v.attempts === 1 ? '' : 's'}${failed ? ' · error' : ''}`
                  : states[name]?.Type}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        Highlighted: the states this execution entered; dashed edges are Catch routes.
      </figcaption>
    </figure>
  );
};
