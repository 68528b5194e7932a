import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema';
import { loadConfig } from '../../src/config/load';

describe('config files shipped in config/', () => {
  it('continuity.schema.json is the one generated from the zod schema (run `npm run schema`)', async () => {
    const committed = JSON.parse(await readFile('config/continuity.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('the example configuration is valid', async () => {
    const config = await loadConfig('config/continuity.example.yaml', { ORDERS_DB_PASSWORD: 'x', REPORTING_DB_PASSWORD: 'y', SLACK_WEBHOOK_ORDERS: 'https://hooks.slack.test/services/T/B/x', CONTINUITY_WEBHOOK_SECRET: 'a-webhook-secret-of-16+', SMTP_PASSWORD: 'z' });
    expect(config.services.map((s) => s.name)).toEqual(['orders', 'reporting']);
    expect(config.waivers).toHaveLength(1);
  });

  it('the JSON Schema rejects unknown keys, like the validator', () => {
    const schema = configJsonSchema() as { additionalProperties?: boolean };
    expect(schema.additionalProperties).toBe(false);
  });
});

describe('docs/checks.md', () => {
  it('is the catalog rendered from the checks (run `npm run docs`)', async () => {
    const { ALL_CHECKS } = await import('../../checks');
    const { renderCheckCatalog } = await import('../../src/report/check-catalog');
    expect(await readFile('docs/checks.md', 'utf8')).toBe(renderCheckCatalog(ALL_CHECKS));
  });

  it('every check has its own test file next to it', async () => {
    const { ALL_CHECKS } = await import('../../checks');
    const { readdir } = await import('node:fs/promises');
    const files = new Set((await readdir('checks', { recursive: true })).map(String));
    const untested = ALL_CHECKS.filter((c) => {
      const [area, name] = c.id.split('.');
      return ![...files].some((f) => f === `${area}/${name}.test.ts`);
    });
    expect(untested.map((c) => c.id)).toEqual([]);
  });
});
