import { describe, expect, it } from 'vitest';
import { comparableValue, diffScans } from '../../src/drift/diff';
import { finding, scanOf } from '../support/scan-fixtures';

const retention = (days: number, status: 'pass' | 'fail' = 'pass') =>
  finding({ checkId: 'pg.retention', status, evidence: [{ source: 'rds:DescribeDBInstances', field: 'retention days', value: days }] });

describe('diffScans', () => {
  it('reports nothing between identical scans', () => {
    const findings = [retention(35), finding({ checkId: 'pg.ssl', status: 'fail' })];
    expect(diffScans(scanOf(findings), scanOf(findings))).toEqual([]);
  });

  it('reports pass -> fail and pass -> warn as new-failure with before and after evidence', () => {
    const before = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' }), finding({ checkId: 'pg.fk', status: 'pass', severity: 'medium' })]);
    const after = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' }), finding({ checkId: 'pg.fk', status: 'warn', severity: 'medium' })]);
    const events = diffScans(before, after);
    expect(events.map((e) => [e.type, e.checkId, e.severity])).toEqual([
      ['new-failure', 'pg.ssl', 'high'],
      ['new-failure', 'pg.fk', 'medium'],
    ]);
    expect(events[0]!.before).toEqual({ status: 'pass', evidence: [{ source: 'test', field: 'status', value: 'pass' }] });
    expect(events[0]!.after).toEqual({ status: 'fail', evidence: [{ source: 'test', field: 'status', value: 'fail' }] });
  });

  it('reports fail -> pass as resolved, and a failing resource that disappeared as resolved', () => {
    const before = scanOf([
      finding({ checkId: 'pg.ssl', status: 'fail' }),
      finding({ checkId: 'pg.fk', status: 'fail', resource: 'orders-db:public.inventory' }),
    ]);
    const after = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' }), finding({ checkId: 'pg.fk', status: 'pass' })]);
    expect(diffScans(before, after).map((e) => [e.type, e.checkId, e.resource])).toEqual([
      ['resolved', 'pg.ssl', 'orders-db'],
      ['resolved', 'pg.fk', 'orders-db:public.inventory'],
    ]);
  });

  it('does not report as resolved the findings of a check the later scan did not run (--check, --exclude-check)', () => {
    const before = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' }), finding({ checkId: 'pg.fk', status: 'fail', resource: 'orders-db:public.inventory' })]);
    const after = { ...scanOf([finding({ checkId: 'pg.fk', status: 'fail', resource: 'orders-db:public.inventory' })]) };
    after.checks = after.checks.filter((c) => c.id !== 'pg.ssl');
    expect(diffScans(before, after)).toEqual([]);
  });

  it('reports a new failing resource as new-failure, a new passing one as nothing', () => {
    const before = scanOf([finding({ checkId: 'pg.fk', status: 'pass' })]);
    const after = scanOf([
      finding({ checkId: 'pg.fk', status: 'fail', resource: 'orders-db:public.items' }),
      finding({ checkId: 'pg.ssl', status: 'pass' }),
    ]);
    expect(diffScans(before, after).map((e) => [e.type, e.resource])).toEqual([['new-failure', 'orders-db:public.items']]);
  });

  it('reports pass -> error and pass -> unknown as lost-visibility, but not fail -> error', () => {
    const before = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' }), finding({ checkId: 'pg.fk', status: 'pass', resource: 'a' }), finding({ checkId: 'pg.fk', status: 'fail', resource: 'b' })]);
    const after = scanOf([finding({ checkId: 'pg.ssl', status: 'error' }), finding({ checkId: 'pg.fk', status: 'unknown', resource: 'a' }), finding({ checkId: 'pg.fk', status: 'error', resource: 'b' })]);
    expect(diffScans(before, after).map((e) => [e.type, e.resource])).toEqual([
      ['lost-visibility', 'orders-db'],
      ['lost-visibility', 'a'],
    ]);
  });

  it('does not resolve the per-table failures of a check that now cannot read the datastore', () => {
    const items = finding({ checkId: 'pg.fk', status: 'fail', resource: 'orders-db:public.items' });
    const before = scanOf([items, finding({ checkId: 'pg.ssl', status: 'fail', datastore: 'other-db', resource: 'other-db:public.t' })], {
      datastores: ['orders-db', 'other-db'],
    });
    for (const blind of ['error', 'unknown'] as const) {
      const after = scanOf(
        [
          finding({ checkId: 'pg.fk', status: blind, resource: 'orders-db', message: 'could not collect postgres facts: ECONNREFUSED' }),
          // Blind on orders-db: the pg.ssl failure on other-db is still resolved.
          finding({ checkId: 'pg.ssl', status: blind }),
        ],
        { datastores: ['orders-db', 'other-db'] },
      );
      expect(diffScans(before, after).map((e) => [e.type, e.checkId, e.resource])).toEqual([['resolved', 'pg.ssl', 'other-db:public.t']]);
    }
  });

  it('reports a trended numeric evidence moving the wrong way while still passing (retention 35 -> 30)', () => {
    const events = diffScans(scanOf([retention(35)]), scanOf([retention(30)]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'evidence-worsened', checkId: 'pg.retention', severity: 'high' });
    expect(events[0]!.message).toContain('retention days: 35 -> 30');
    // Better, equal, or an untrended check: nothing.
    expect(diffScans(scanOf([retention(30)]), scanOf([retention(35)]))).toEqual([]);
    expect(diffScans(scanOf([retention(35)]), scanOf([retention(35)]))).toEqual([]);
    // Once it fails, it is a new failure, not a worsening.
    expect(diffScans(scanOf([retention(35)]), scanOf([retention(7, 'fail')])).map((e) => e.type)).toEqual(['new-failure']);
  });

  it('compares ISO dates as time (a certificate replaced by one expiring sooner)', () => {
    expect(comparableValue('2027-01-01T00:00:00.000Z')).toBe(Date.parse('2027-01-01T00:00:00.000Z'));
    expect(comparableValue('12')).toBe(12);
    expect(comparableValue('12 of 30')).toBeUndefined();
    expect(comparableValue(null)).toBeUndefined();
  });

  it('reports datastores added and removed, and the new datastore failures, not the removed one\'s', () => {
    const before = scanOf(
      [finding({ checkId: 'pg.ssl', status: 'pass' }), finding({ checkId: 'pg.ssl', status: 'fail', datastore: 'old-db', resource: 'old-db' })],
      { datastores: ['orders-db', 'old-db'] },
    );
    const after = scanOf(
      [finding({ checkId: 'pg.ssl', status: 'pass' }), finding({ checkId: 'pg.ssl', status: 'fail', datastore: 'new-db', resource: 'new-db' })],
      { datastores: ['orders-db', 'new-db'] },
    );
    expect(diffScans(before, after).map((e) => [e.type, e.resource, e.severity])).toEqual([
      ['datastore-added', 'new-db', 'medium'],
      ['datastore-removed', 'old-db', 'low'],
      ['new-failure', 'new-db', 'high'],
    ]);
  });

  it('reports a waiver that expired as waiver-expired, and a waiver removed from config as new-failure', () => {
    const waiver = { reason: 'migration pending', approver: 'dba', expires: '2025-02-01' };
    const before = scanOf([
      finding({ checkId: 'pg.ssl', status: 'waived', waiver: { ...waiver, expired: false } }),
      finding({ checkId: 'pg.fk', status: 'waived', waiver: { ...waiver, expired: false } }),
    ]);
    const after = scanOf([
      finding({ checkId: 'pg.ssl', status: 'fail', waiver: { ...waiver, expired: true } }),
      finding({ checkId: 'pg.fk', status: 'fail' }),
    ]);
    const events = diffScans(before, after);
    expect(events.map((e) => [e.type, e.checkId])).toEqual([
      ['waiver-expired', 'pg.ssl'],
      ['new-failure', 'pg.fk'],
    ]);
    expect(events[0]!.message).toContain('expired on 2025-02-01');
  });

  it('compares only services present in both scans', () => {
    const before = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' })], { service: 'billing' });
    const after = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { service: 'orders' });
    expect(diffScans(before, after)).toEqual([]);
  });
});
