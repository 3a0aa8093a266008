/** Every fixture `medextract invoke --help` names has a use: its function, or why it is no handler's event. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_USES, fixtureHelp } from '#cli/invoke-fixtures.ts';
import { FUNCTION_NAMES } from '#contracts/functions.ts';
import { EVENT_NAMES, eventPath } from '#events/index.ts';

describe('invoke fixtures', () => {
  it('describes exactly the fixtures in events/, each file present', () => {
    expect(Object.keys(FIXTURE_USES).sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) expect(existsSync(eventPath(name))).toBe(true);
  });

  it('gives every function at least one fixture and says what the rest need', () => {
    const covered = new Set(Object.values(FIXTURE_USES).map((use) => use.fn));
    for (const fn of FUNCTION_NAMES) expect(covered.has(fn)).toBe(true);
    for (const use of Object.values(FIXTURE_USES)) {
      if (use.fn === null) expect(use.needs).toBeTruthy();
    }
  });

  it('lists each fixture with its function in the help text', () => {
    const help = fixtureHelp();
    for (const [name, use] of Object.entries(FIXTURE_USES)) {
      expect(help).toMatch(new RegExp(`${name}\\s+${use.fn ?? '\\(no function\\)'}`));
    }
  });
});
