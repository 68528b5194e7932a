// The layers hold at run time (rules in .dependency-cruiser.cjs): checks reach
// no collector, I/O module, parser or renderer, the engine renders nothing, and
// there is no runtime import cycle. Type-only imports are erased and allowed.
import { describe, expect, it } from 'vitest';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseConfig from 'dependency-cruiser/config-utl/extract-depcruise-config';

describe('layers', () => {
  it('.dependency-cruiser.cjs finds no violation in src/ and checks/', async () => {
    const config = await extractDepcruiseConfig('./.dependency-cruiser.cjs');
    const result = await cruise(['src', 'checks'], { ...config.options, validate: true, ruleSet: { forbidden: config.forbidden } } as never);
    const output = typeof result.output === 'string' ? JSON.parse(result.output) : result.output;
    const violations = (output.summary.violations as { rule: { name: string }; from: string; to: string }[]).map(
      (v) => `${v.rule.name}: ${v.from} -> ${v.to}`,
    );
    expect(violations).toEqual([]);
    expect(output.summary.totalCruised).toBeGreaterThan(100);
  }, 120_000);
});
