import { describe, expect, it } from 'vitest';
import { humanTime, statusCounts } from '../../src/report/wording';
import { plural } from '../../src/util';

describe('report wording', () => {
  it('times read as a person writes them, in UTC, without milliseconds', () => {
    expect(humanTime('2026-11-30T03:49:07.123Z')).toBe('30 Nov 2026, 03:49 UTC');
    expect(humanTime('2027-01-05T23:05:00Z')).toBe('5 Jan 2027, 23:05 UTC');
  });

  it('one finding, two findings', () => {
    expect(plural(1, 'finding')).toBe('1 finding');
    expect(plural(0, 'finding')).toBe('0 findings');
    expect(plural(2, 'check')).toBe('2 checks');
  });

  it('counts statuses in the one report order (worst first), leaving zeros out', () => {
    expect(statusCounts({ pass: 12, skipped: 1, fail: 3, error: 0, warn: 2 })).toBe('3 fail, 2 warn, 12 pass, 1 skipped');
  });
});
