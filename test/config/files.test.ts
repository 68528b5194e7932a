import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { configJsonSchema } from '../../src/config/json-schema';
import { loadConfig, parseConfig } from '../../src/config/load';

describe('config files shipped in config/', () => {
  it('continuity.schema.json is the one generated from the zod schema (run `npm run schema`)', async () => {
    const committed = JSON.parse(await readFile('config/continuity.schema.json', 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });

  it('the example configuration is valid', async () => {
    // As copied, with the one database password it documents exported and nothing else.
    const config = await loadConfig('config/continuity.example.yaml', { CONTINUITY_SCANNER_PASSWORD: 'x' });
    expect(config.services.map((s) => s.name)).toEqual(['orders', 'reporting']);
    // The waiver and the alert sinks are commented out: they would name a table and need secrets the user has not got.
    expect(config.waivers).toEqual([]);
    expect(config.alerts.sinks).toEqual([]);
  });

  it('the commented-out waiver and alert sinks of the example are valid once uncommented', async () => {
    const text = await readFile('config/continuity.example.yaml', 'utf8');
    const uncommented = text.replace(/^( *)(waivers|sinks): \[\]$/gm, '$1$2:').replace(/^#(?= {2})/gm, ' ');
    const config = parseConfig(uncommented, 'uncommented.yaml', {
      CONTINUITY_SCANNER_PASSWORD: 'x',
      SLACK_WEBHOOK_ORDERS: 'https://hooks.slack.test/services/T/B/x',
      CONTINUITY_WEBHOOK_SECRET: 'a-webhook-secret-of-16+',
      SMTP_PASSWORD: 'z',
    });
    expect(config.waivers.map((w) => w.resource)).toEqual(['orders-db:public.audit_log']);
    expect(config.alerts.sinks.map((s) => s.name)).toEqual(['orders-slack', 'incident-bridge', 'dba-mail']);
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
