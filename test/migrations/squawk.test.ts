// The Squawk differential test: continuity and squawk-cli (a devDependency that
// ships its binary) lint the same corpus (test/migrations/squawk/corpus.ts); for
// every Squawk rule with a continuity equivalent, both must agree, or the case
// must be listed in squawk/disagreements.ts with the server's evidence (checked
// by squawk-evidence.server.test.ts). Style-only Squawk rules are left out, each
// with its reason in squawk/rules.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { LINT_RULES } from '../../src/migrations/rules';
import { CORPUS } from './squawk/corpus';
import { runDifferential, type Differential } from './squawk/differential';
import { DISAGREEMENTS } from './squawk/disagreements';
import { SQUAWK_RULES } from './squawk/rules';

let result: Differential;
beforeAll(async () => {
  result = await runDifferential();
});

const key = (d: { case: string; squawkRule: string; squawk: boolean; continuity: boolean }) => `${d.case} | ${d.squawkRule} | squawk ${d.squawk ? 'flags' : 'silent'}, continuity ${d.continuity ? 'flags' : 'silent'}`;

describe('continuity and Squawk on a shared corpus', () => {
  it('has at least 150 cases of its own, with unique ids', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(150);
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
  });

  it('makes every rule both linters have fire on some case, on each side', () => {
    const squawkSeen = new Set([...result.squawkFired.values()].flatMap((s) => [...s]));
    const continuitySeen = new Set([...result.continuityFired.values()].flatMap((s) => [...s]));
    const mapped = Object.entries(SQUAWK_RULES).filter(([, m]) => 'continuity' in m);
    expect(mapped.filter(([rule]) => !squawkSeen.has(rule)).map(([rule]) => rule)).toEqual([]);
    const equivalents = new Set(mapped.flatMap(([, m]) => ('continuity' in m ? m.continuity.map((c) => (typeof c === 'string' ? c : c.rule)) : [])));
    expect([...equivalents].filter((rule) => !continuitySeen.has(rule))).toEqual([]);
    expect([...equivalents].filter((rule) => !LINT_RULES.some((r) => r.id === rule))).toEqual([]);
  });

  it('knows every rule Squawk reports: mapped to continuity, or left out with a reason', () => {
    const squawkSeen = new Set([...result.squawkFired.values()].flatMap((s) => [...s]));
    expect([...squawkSeen].filter((rule) => !SQUAWK_RULES[rule])).toEqual([]);
  });

  it('agrees with Squawk, except where disagreements.ts explains why with the server\'s evidence', () => {
    const disagreements = result.comparisons.filter((c) => c.squawk !== c.continuity);
    const agreeing = result.comparisons.length - disagreements.length;
    process.stdout.write(
      `squawk differential: ${CORPUS.length} cases, ${result.comparisons.length} case-rule pairs where either linter flags, ${agreeing} agree (${((agreeing / result.comparisons.length) * 100).toFixed(1)}%), ${disagreements.length} explained disagreements\n`,
    );
    const explained = new Set(DISAGREEMENTS.map(key));
    const unexplained = disagreements.filter((d) => !explained.has(key(d))).map((d) => `${key(d)}\n    squawk: ${d.squawkMessages.join(' / ')}\n    continuity: ${d.continuityMessages.join(' / ')}`);
    expect(unexplained).toEqual([]);
    const occurring = new Set(disagreements.map(key));
    expect(DISAGREEMENTS.map(key).filter((k) => !occurring.has(k))).toEqual([]);
  });
});
