import { describe, expect, it } from 'vitest';
import { resolvePolicy } from '../../src/config/policy';
import { PolicyConfigSchema } from '../../src/config/schema';

describe('resolvePolicy', () => {
  it('applies defaults, top-level overrides, then the environment layer', () => {
    const policy = PolicyConfigSchema.parse({
      pitrMinRetentionDays: 14,
      sequentialScan: { minLiveRows: 5000 },
      environments: { production: { pitrMinRetentionDays: 35 } },
    });
    const production = resolvePolicy({ policy }, 'production');
    expect(production.pitrMinRetentionDays).toBe(35);
    expect(production.sequentialScan).toEqual({ minLiveRows: 5000, minIndexScanShare: 0.95, minStatsAgeDays: 1 });
    expect(resolvePolicy({ policy }, 'staging').pitrMinRetentionDays).toBe(14);
  });

  it('carries no protection requirement for dev databases unless configured (seed 001)', () => {
    expect(resolvePolicy({ policy: {} }, 'dev').protectionRequired).toBe(false);
    expect(resolvePolicy({ policy: {} }, 'production').protectionRequired).toBe(true);
    const strictDev = PolicyConfigSchema.parse({ environments: { dev: { protectionRequired: true } } });
    expect(resolvePolicy({ policy: strictDev }, 'dev').protectionRequired).toBe(true);
  });
});
