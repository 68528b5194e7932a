import { describe, expect, it } from 'vitest';
import { CHECK_NOW, runCheck } from '../../test/support/check-tester';
import check from './migration-roundtrip';
import { resolvePolicy } from '../../src/config/policy';
import { ServiceSchema } from '../../src/config/schema';
import type { MigrationRoundTripFacts } from '../../src/migrations/verify';

function evaluate(facts: MigrationRoundTripFacts) {
  return runCheck(check, {
    service: ServiceSchema.parse({ name: 'svc', repo: 'repo' }),
    facts,
    policy: resolvePolicy({ policy: {} }, 'production'),
    now: CHECK_NOW,
  });
}

describe('repo.migration-roundtrip', () => {
  it('passes when every down restores the schema', () => {
    const [summary, ...rest] = evaluate({
      name: 'repo',
      postgresVersion: '17.6',
      sets: [{ tool: 'golang-migrate', directory: 'db', results: [{ migration: '1_a', up: 'db/1_a.up.sql', down: 'db/1_a.down.sql', outcome: 'restored' }] }],
    });
    expect(summary!.status).toBe('pass');
    expect(rest).toEqual([]);
  });

  it('fails a down that leaves a column behind, with the difference as evidence', () => {
    const findings = evaluate({
      name: 'repo',
      postgresVersion: '17.6',
      sets: [{
        tool: 'golang-migrate',
        directory: 'db',
        results: [{ migration: '3_status', up: 'db/3_status.up.sql', down: 'db/3_status.down.sql', outcome: 'not-restored', diff: { extra: ["column: public.orders.status text not null default 'new'::text"], missing: [] } }],
      }],
    });
    expect(findings[0]!.status).toBe('fail');
    expect(findings[1]!.location).toEqual({ path: 'db/3_status.down.sql', line: 1 });
    expect(findings[1]!.evidence.map((e) => e.value)).toContain("column: public.orders.status text not null default 'new'::text");
  });

  it('is unknown, not a pass, when every verified down restores but another set could not be run', () => {
    const [summary, skipped] = evaluate({
      name: 'repo',
      postgresVersion: '17.6',
      sets: [
        { tool: 'golang-migrate', directory: 'db', results: [{ migration: '1_a', up: 'db/1_a.up.sql', down: 'db/1_a.down.sql', outcome: 'restored' }] },
        { tool: 'prisma', directory: 'prisma/migrations', results: [], unsupported: 'prisma is not supported' },
      ],
    });
    expect(summary!.status).toBe('unknown');
    expect(summary!.message).toContain('not fully assessed: not verified: prisma (prisma/migrations): prisma is not supported');
    expect(summary!.answerText).toMatch(/^Not fully assessed: /);
    expect(skipped!.status).toBe('skipped');
  });

  it('skips tools it cannot run', () => {
    const [finding] = evaluate({ name: 'repo', postgresVersion: 'not started', sets: [{ tool: 'prisma', directory: 'prisma/migrations', results: [], unsupported: 'prisma is not supported' }] });
    expect(finding!.status).toBe('skipped');
  });
});
