// verify-migrations on a real embedded PostgreSQL: each down must restore the previous schema.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import migrationRoundTrip from '../../checks/repo/migration-roundtrip';
import { repoOnlyConfig } from '../../src/cli/repo-options';
import { roundTripCollector } from '../../src/collectors/repo/round-trip';
import { runScan } from '../../src/engine/scan';
import type { ServiceCollector } from '../../src/engine/types';
import { silentLogger } from '../../src/log';
import { FIXTURE_REPOS } from '../support/repo-facts';

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
    expect(status.evidence.map((e) => e.value)).toContain("column: public.orders.status text not null default 'new'::text");
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
});
