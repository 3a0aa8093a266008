/** `medextract logs`: EMF lines left out, functions merged by time, the last n kept. */
import { describe, expect, it } from 'vitest';
import { formatLine, isEmfLine, linesOf, lineTime, mergeLines } from '#cli/log-lines.ts';

const log = (iso: string, message: string) =>
  JSON.stringify({ level: 'INFO', message, timestamp: iso });
const emf = (ms: number) => JSON.stringify({ _aws: { Timestamp: ms, CloudWatchMetrics: [] } });

describe('log lines', () => {
  it('reads Powertools and EMF timestamps and nothing from plain text', () => {
    expect(lineTime(log('2026-11-27T15:00:01.000Z', 'x'))).toBe(Date.parse('2026-11-27T15:00:01Z'));
    expect(lineTime(emf(1_000))).toBe(1_000);
    expect(lineTime('plain text')).toBeNull();
    expect(lineTime('{not json')).toBeNull();
    expect(isEmfLine(emf(1))).toBe(true);
    expect(isEmfLine(log('2026-11-27T15:00:00Z', '_aws'))).toBe(false);
  });

  it('leaves EMF lines out unless asked for', () => {
    const content = `${log('2026-11-27T15:00:00Z', 'a')}\n${emf(1)}\n\n`;
    expect(linesOf('score', content, false).map((l) => l.text)).toEqual([
      log('2026-11-27T15:00:00Z', 'a'),
    ]);
    expect(linesOf('score', content, true)).toHaveLength(2);
  });

  it('merges functions by time, keeps untimed lines after their predecessor, keeps the last n', () => {
    const starter = linesOf(
      'starter',
      [
        log('2026-11-27T15:00:00Z', 's1'),
        'untimed after s1',
        log('2026-11-27T15:00:03Z', 's2'),
      ].join('\n'),
      false,
    );
    const score = linesOf('score', log('2026-11-27T15:00:02Z', 'c1'), false);
    const merged = mergeLines([starter, score], 10);
    expect(
      merged.map(
        (l) => `${l.fn}:${l.text.includes('"message"') ? JSON.parse(l.text).message : l.text}`,
      ),
    ).toEqual(['starter:s1', 'starter:untimed after s1', 'score:c1', 'starter:s2']);
    expect(mergeLines([starter, score], 2).map((l) => l.fn)).toEqual(['score', 'starter']);
    expect(formatLine(merged[2] ?? { fn: 'x', text: '', at: null }, true)).toMatch(/^score {10}\{/);
    expect(formatLine(merged[2] ?? { fn: 'x', text: '', at: null }, false)).toMatch(/^\{/);
  });
});
