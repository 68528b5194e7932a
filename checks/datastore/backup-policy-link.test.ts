import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check, { linkProblem } from './backup-policy-link';
import { resolvePolicy } from '../../src/config/policy';
import type { BackupPolicyLinkFacts } from '../../src/datastores/backup-policy-link';
import type { DatastoreConfig } from '../../src/config/schema';

function evaluate(facts: BackupPolicyLinkFacts) {
  const datastore = { name: 'db', type: 'postgres', url: 'postgres://h/db' } as DatastoreConfig;
  return runCheck(check, { service: { name: 's', environment: 'production', datastores: [] }, datastore, facts, policy: resolvePolicy({ policy: {} }, 'production'), now: new Date() });
}

describe('datastore.backup-policy-link', () => {
  it('rejects the placeholders of seed 000 and other non-links', () => {
    expect(linkProblem('https://todo/saas/continuity0003.md')).toMatch(/placeholder host "todo"/);
    expect(linkProblem('https://example.com/backups')).toMatch(/placeholder/);
    expect(linkProblem('http://wiki.internal/backups')).toMatch(/not https/);
    expect(linkProblem('https://wiki.internal/TBD')).toMatch(/placeholder/);
    expect(linkProblem('see wiki')).toBe('is not a URL');
    expect(linkProblem('https://wiki.internal/sre/backups/orders')).toBeUndefined();
  });
  it('fails without a link and passes with a real one', () => {
    expect(evaluate({ link: null, reachability: null })[0]!.status).toBe('fail');
    expect(evaluate({ link: 'https://wiki.internal/backups', reachability: null })[0]).toMatchObject({ status: 'pass', message: 'backup policy link set (reachability not checked)' });
  });
  it('fails when the reachability probe failed', () => {
    expect(evaluate({ link: 'https://wiki.internal/backups', reachability: { status: 404, ok: false, detail: 'HTTP 404' } })[0]!.message).toMatch(/not reachable \(HTTP 404\)/);
  });
});
