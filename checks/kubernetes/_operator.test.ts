import { describe, expect, it } from 'vitest';
import { observed } from '../../src/engine/types';
import { runCheck } from '../../test/support/check-tester';
import { CLUSTERS, cnpgDatastore, cnpgFacts, NOW, policy, service } from '../../test/kubernetes/facts';
import type { OperatorPostgresFacts } from '../../src/datastores/kubernetes/facts';
import walArchiving from './wal-archiving';
import recoveryWindow from './recovery-window';

const ARCHIVER = 'pg_stat_archiver, pg_settings';
const run = (check: typeof walArchiving, facts: OperatorPostgresFacts) => runCheck(check, { service, datastore: cnpgDatastore(), facts, policy: policy(), now: NOW })[0]!.status;

describe('archivingVerdict', () => {
  // recovery-window judges archiving through archivingVerdict, wal-archiving with its own messages: the two must not drift apart.
  it('lets kubernetes.recovery-window judge WAL archiving as kubernetes.wal-archiving does, for every operator report and database view', () => {
    const views = [
      null,
      { ok: false as const, source: ARCHIVER, reason: 'connect ECONNREFUSED' },
      ...[true, false, null].map((working) => observed(ARCHIVER, { working, line: `working ${working}` })),
    ];
    const seen = new Set<string>();
    for (const healthy of [true, false, null]) {
      const archiving = observed(CLUSTERS, { configured: true, healthy, message: `healthy ${healthy}`, since: null, source: CLUSTERS, field: 'status.conditions[ContinuousArchiving]' });
      for (const databaseArchiving of views) {
        const facts = cnpgFacts({ archiving, databaseArchiving });
        const archived = run(walArchiving, facts);
        seen.add(archived);
        // The fixture's window meets the policy: only archiving decides the window's status.
        expect([healthy, databaseArchiving, run(recoveryWindow, facts)]).toEqual([healthy, databaseArchiving, archived]);
      }
    }
    expect([...seen].sort()).toEqual(['fail', 'pass', 'unknown']);
  });
});
