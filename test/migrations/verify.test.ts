// verify-migrations on a real embedded PostgreSQL: each down must restore the previous schema.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import migrationRoundTrip from '../../checks/repo/migration-roundtrip';
import { repoOnlyConfig } from '../../src/cli/repo-options';
import { roundTripCollector } from '../../src/collectors/repo/round-trip';
import { runScan } from '../../src/engine/scan';
import type { ServiceCollector } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import type { MigrationSet } from '../../src/migrations/types';
import { verifyRoundTrips } from '../../src/migrations/verify';
import { FIXTURE_REPOS } from '../support/repo-facts';

/** A golang-migrate set of [name, up, down] migrations. */
function roundTripSet(migrations: [string, string, string][]): MigrationSet {
  return {
    tool: 'golang-migrate',
    directory: 'db',
    marker: 'db',
    forwardOnly: false,
    autoMigration: false,
    notes: [],
    dialect: 'postgresql',
    dialectSource: 'test',
    migrations: migrations.map(([id, up, down]) => ({ id, up: `db/${id}.up.sql`, down: { status: 'present', path: `db/${id}.down.sql` }, sql: [], runnable: { up, down } })),
  };
}

async function verify(name: string) {
  const scan = await runScan({
    config: repoOnlyConfig(path.join(FIXTURE_REPOS, name)),
    configPath: null,
    collectors: [],
    serviceCollectors: [roundTripCollector as ServiceCollector],
    checks: [migrationRoundTrip],
    log: silentLogger,
  });
  return scan;
}

describe('verify-migrations', () => {
  it('catches the golang-migrate down that leaves a column behind, and the empty down', async () => {
    const scan = await verify('golang-migrate');
    const findings = scan.services[0]!.findings;
    const status = findings.find((f) => f.resource.endsWith('000003_add_status.down.sql'))!;
    expect(status.status).toBe('fail');
    expect(status.message).toContain('down did not restore the schema');
    expect(status.evidence.map((e) => e.value)).toContain("column: public.orders.status text not null default = 'new'");
    expect(findings.find((f) => f.resource.endsWith('000002_add_note.down.sql'))!.status).toBe('fail');
    expect(findings[0]!.message).toMatch(/^3 of 5 migrations round-trip/);
    // The embedded server's password never reaches the result.
    expect(JSON.stringify(scan)).not.toMatch(/postgres:\/\/postgres:[0-9a-f]{24}@/);
  });

  it('runs sqitch reverts and dbmate downs; an up that cannot run in a transaction is reported', async () => {
    const sqitch = (await verify('sqitch')).services[0]!.findings;
    expect(sqitch[0]!.message).toMatch(/^2 of 4 migrations round-trip/);
    expect(sqitch.find((f) => f.message.includes('add_applicant_fk'))!.message).toContain('CREATE INDEX CONCURRENTLY cannot run inside a transaction block');
    expect(sqitch.find((f) => f.message.includes('add_applicant_email'))!.message).toContain('has no down script');
    const dbmate = (await verify('dbmate')).services[0]!.findings;
    expect(dbmate.find((f) => f.message.includes('20240103000000_add_last_seen'))!.message).toContain('did not restore');
  });

  it('catches downs that leave an extension, a policy, row-level security, a domain, a composite type or a comment behind', async () => {
    const set = roundTripSet([
      ['1_orders', 'create table orders (id int)', 'drop table orders'],
      ['2_policy', 'alter table orders enable row level security; create policy mine on orders using (id > 0)', 'alter table orders disable row level security'],
      ['3_rls', 'alter table orders force row level security', 'select 1'],
      ['4_extension', 'create extension pgcrypto', 'select 1'],
      ['5_domain', 'create domain positive as int check (value > 0)', 'select 1'],
      ['6_composite', 'create type pair as (a int, b text)', 'select 1'],
      ['7_comment', "comment on table orders is 'every order'", 'select 1'],
    ]);
    const { sets } = await verifyRoundTrips('repo', [set], new AbortController().signal);
    const left = Object.fromEntries(sets[0]!.results.map((r) => [r.migration, r.outcome === 'not-restored' ? r.diff!.extra : r.outcome]));
    expect(left).toEqual({
      '1_orders': 'restored',
      '2_policy': ['policy: public.orders mine permissive for * to public using ((id > 0)) with check ()'],
      '3_rls': ['row security: public.orders enabled=true forced=true'],
      '4_extension': [expect.stringMatching(/^extension: pgcrypto [\d.]+ schema=public$/)],
      '5_domain': ['domain: public.positive integer positive_check CHECK ((VALUE > 0))'],
      '6_composite': ['composite: public.pair (a integer, b text)'],
      '7_comment': ['comment: table public.orders: every order'],
    });
  });

  it('compares defaults by meaning: the same constant written two ways is restored, a different one is not', async () => {
    const set = roundTripSet([
      ['1_features', "create type feature as enum ('a', 'b'); create table plans (id int, features feature[] not null default '{}', price numeric default 0, created timestamptz default now())", 'drop table plans; drop type feature'],
      ['2_drop_default', 'alter table plans alter column features drop default', 'alter table plans alter column features set default ARRAY[]::feature[]'],
      ['3_price', 'alter table plans alter column price drop default', "alter table plans alter column price set default '0'::numeric"],
      ['4_created', 'alter table plans alter column created drop default', "alter table plans alter column created set default clock_timestamp()"],
      ['5_other', 'alter table plans alter column features drop default', "alter table plans alter column features set default '{a}'"],
    ]);
    const { sets } = await verifyRoundTrips('repo', [set], new AbortController().signal);
    const outcomes = Object.fromEntries(sets[0]!.results.map((r) => [r.migration, r.outcome === 'not-restored' ? r.diff : r.outcome]));
    expect(outcomes['1_features']).toBe('restored');
    expect(outcomes['2_drop_default']).toBe('restored');
    expect(outcomes['3_price']).toBe('restored');
    // now() and clock_timestamp() give the same value only by accident: functions are compared as written.
    expect(outcomes['4_created']).toEqual({ extra: ['column: public.plans.created timestamp with time zone default clock_timestamp()'], missing: ['column: public.plans.created timestamp with time zone default now()'] });
    // Migration 2 left the column without a default: a down that sets one does not restore that.
    expect(outcomes['5_other']).toEqual({ extra: ["column: public.plans.features feature[] not null default = '{a}'"], missing: ['column: public.plans.features feature[] not null'] });
  });

  it('stops the server and removes its data directory when the deadline passes mid-verification', async () => {
    // A private temporary directory: the server's data directory is created there, and nothing else runs in it.
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'continuity-deadline-'));
    await chmod(tmp, 0o755); // the server may run as another user
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    try {
      const controller = new AbortController();
      const slow = Array.from({ length: 20 }, (_, i): [string, string, string] => [`${i + 1}_slow`, 'select pg_sleep(0.2)', 'select 1']);
      const run = verifyRoundTrips('repo', [roundTripSet(slow)], controller.signal);
      const dataDirs = async () => (await readdir(tmp)).filter((d) => d.startsWith('continuity-pg-'));
      const started = Date.now();
      while ((await dataDirs()).length === 0 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 20));
      expect(await dataDirs()).toHaveLength(1);
      controller.abort(new Error('timed out after 1s'));
      await expect(run).rejects.toThrow('timed out after 1s');
      expect(await dataDirs()).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
