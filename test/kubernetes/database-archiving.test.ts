import { describe, expect, it } from 'vitest';
import { archivingWorks } from '../../src/datastores/kubernetes/database-archiving';

describe('archivingWorks', () => {
  it('says nothing of archiving for a standby: its primary archives, not the server the url names', () => {
    expect(archivingWorks({ state: 'standby' })).toBeNull();
  });

  it('is not conclusive when the database could not be read', () => {
    expect(archivingWorks({ state: 'unreadable', reason: 'pg_settings could not be read' })).toBeNull();
  });

  it('is not conclusive when the last success is old and whether segments wait since cannot be told', () => {
    expect(archivingWorks({ state: 'unconfirmed', lastArchivedTime: '2026-11-30T06:00:00.000Z', ageMinutes: 120, why: 'the segment being written is not known' })).toBeNull();
  });

  it('is working only when segments are archived in time', () => {
    expect(archivingWorks({ state: 'archiving', lastArchivedTime: '2026-11-30T08:00:00.000Z', ageMinutes: 2, pending: 0 })).toBe(true);
    expect(archivingWorks({ state: 'behind', lastArchivedTime: '2026-11-30T06:00:00.000Z', ageMinutes: 120, pending: 40 })).toBe(false);
    expect(archivingWorks({ state: 'off' })).toBe(false);
  });
});
