import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load';
import { problemsOf } from '../support/config-problems';
import { redact } from '../../src/secrets';

const valid = `
services:
  - name: orders
    owner: team-orders
    environment: production
    datastores:
      - name: orders-db
        type: postgres
        url: postgres://scanner:\${ORDERS_DB_PASSWORD}@db.internal:5432/orders
        backupPolicy: https://wiki.internal/backups/orders
`;

describe('parseConfig', () => {
  it('accepts a valid config, fills defaults and interpolates environment variables', () => {
    const config = parseConfig(valid, 'continuity.yaml', { ORDERS_DB_PASSWORD: 's3cret-pass' });
    expect(config.scan.concurrency).toBe(8);
    expect(config.waivers).toEqual([]);
    const ds = config.services[0]!.datastores[0]!;
    expect(ds.type === 'postgres' && ds.url).toBe('postgres://scanner:s3cret-pass@db.internal:5432/orders');
  });

  it('registers interpolated passwords so they are redacted from any later message', () => {
    parseConfig(valid, 'continuity.yaml', { ORDERS_DB_PASSWORD: 'another-s3cret' });
    expect(redact('auth failed for another-s3cret')).toBe('auth failed for [redacted]');
  });

  it('names a missing environment variable, its key path and line', () => {
    const [problem] = problemsOf(valid);
    expect(problem).toEqual({
      path: 'services[0].datastores[0].url',
      line: 9,
      message: 'environment variable ORDERS_DB_PASSWORD is not set',
    });
  });

  it('names an unknown key with its path and line', () => {
    const problems = problemsOf(valid.replace('owner: team-orders', 'owner: team-orders\n    ownr: typo'), {
      ORDERS_DB_PASSWORD: 'x',
    });
    expect(problems).toContainEqual({ path: 'services[0].ownr', line: 5, message: 'unknown key "ownr"' });
  });

  it('names a value of the wrong type', () => {
    const problems = problemsOf(`scan:\n  concurrency: many\nservices:\n  - name: a\n`);
    expect(problems[0]).toMatchObject({ path: 'scan.concurrency', line: 2 });
    expect(problems[0]!.message).toMatch(/number/);
  });

  it('names an unknown datastore type', () => {
    const problems = problemsOf(`services:\n  - name: a\n    datastores:\n      - name: x\n        type: mongodb\n`);
    expect(problems[0]).toMatchObject({ path: 'services[0].datastores[0].type', line: 5 });
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(`services:\n  - name: a\n    datastores: [\n`);
    expect(problems[0]!.message).toMatch(/^YAML syntax/);
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('rejects duplicate datastore names within a service', () => {
    const text = `services:\n  - name: a\n    datastores:\n      - {name: x, type: postgres, url: "postgres://h/db"}\n      - {name: x, type: postgres, url: "postgres://h/db2"}\n`;
    expect(problemsOf(text)).toEqual([{ path: 'services[0].datastores[1].name', line: 5, message: 'duplicate name' }]);
  });

  it('validates waiver expiry dates', () => {
    const text = `services:\n  - name: a\nwaivers:\n  - {check: x, resource: y, reason: r, approver: p, expires: next-week}\n`;
    expect(problemsOf(text)[0]).toMatchObject({ path: 'waivers[0].expires', line: 4 });
  });

  it('formats every problem as file:line: path: message', () => {
    try {
      parseConfig(valid, 'conf/continuity.yaml', {});
    } catch (error) {
      expect((error as Error).message).toBe(
        'conf/continuity.yaml:9: services[0].datastores[0].url: environment variable ORDERS_DB_PASSWORD is not set',
      );
    }
  });
});
