// Redaction by construction: distinctive secrets placed in every config field
// that can hold one (through ${...} and as URL userinfo), every error path
// triggered (unreachable datastore, sinks refusing with bodies that quote the
// credential, an SMTP server echoing the AUTH exchange, an unreachable history
// database whose password holds unencoded `#` and `/`); then every output file,
// log line, history file and alert payload is searched: no secret, in any form.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../src/embedded-postgres';
import { runCli } from '../support/cli';

/** Each distinctive, so a hit names the field it came from. */
const SECRETS = {
  DOCS_SAAS: 'docs-saas-Zq7pL2xv',
  DOCS_ADDON_PASSWORD: 'docs-addon-Vw3nM8ky',
  ANSWER: 'answer-Kt4bR9cz',
  BACKUP_POLICY: 'backup-policy-Hj6sD1wq',
  PG_PASSWORD: 'pg-pass-Rt5yU7io',
  PG_LITERAL: 'pg-literal-Bn2mX4ce',
  SLACK_PATH: 'slack-path-Gf8hJ3kl',
  WEBHOOK_TOKEN: 'webhook-token-Pq1wE5rt',
  WEBHOOK_SECRET: 'webhook-secret-Ys6uI0op-0123456789',
  SMTP_USER: 'smtp-user-Lk9jH2gf',
  SMTP_PASSWORD: 'smtp-pass-Dc3vB7nm',
  HISTORY_PASSWORD: 'hist#pass/Wx4zA8qs',
} as const;

function forms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])];
}

let work: string;
let receiver: http.Server;
let receiverPort: number;
const received: string[] = [];
let smtp: SMTPServer;
let smtpPort: number;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'continuity-secrets-'));
  await mkdir(path.join(work, 'repo', 'migrations'), { recursive: true });
  await writeFile(path.join(work, 'repo', 'migrations', '001_orders.sql'), 'create table orders (id bigint);\n');
  // Refuses everything with a body quoting the request path, as a proxy or a Slack error page may.
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push(`${req.url ?? ''}\n${JSON.stringify(req.headers)}\n${body}`);
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end(`invalid_token: no such hook ${req.url ?? ''}`);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
  // Echoes the AUTH exchange, raw and base64, in its refusal.
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      const plain = Buffer.from(`\0${auth.username}\0${auth.password}`).toString('base64');
      callback(new Error(`rejected AUTH PLAIN ${plain} (${auth.username}:${auth.password})`));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(resolve));
  await new Promise<void>((resolve) => {
    receiver.close(() => resolve());
    receiver.closeAllConnections();
  });
  await rm(work, { recursive: true, force: true });
});

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir)) {
    const file = path.join(dir, name);
    if ((await stat(file)).isDirectory()) found.push(...(await filesUnder(file)));
    else found.push(file);
  }
  return found;
}

function hits(text: string): string[] {
  return Object.entries(SECRETS).flatMap(([name, secret]) => forms(secret).filter((f) => text.includes(f)).map((f) => `${name} as ${f}`));
}

it('leaks no secret into reports, logs, history or alert payloads, whatever fails', async () => {
  const closed = await freePort();
  const env = {
    DOCS_SAAS: SECRETS.DOCS_SAAS,
    ANSWER: SECRETS.ANSWER,
    BACKUP_POLICY: SECRETS.BACKUP_POLICY,
    PG_PASSWORD: SECRETS.PG_PASSWORD,
    WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/hooks/${SECRETS.WEBHOOK_TOKEN}`,
    WEBHOOK_SECRET: SECRETS.WEBHOOK_SECRET,
    SMTP_USER: SECRETS.SMTP_USER,
    SMTP_PASSWORD: SECRETS.SMTP_PASSWORD,
  };
  const config = (history: string) =>
    [
      'services:',
      '  - name: orders',
      '    owner: team-orders',
      '    repo: repo',
      '    docs:',
      '      saas: https://wiki.internal/${DOCS_SAAS}',
      `      addon: https://reader:${SECRETS.DOCS_ADDON_PASSWORD}@wiki.internal/addon`,
      '    answers:',
      '      ssl: "Yes, see ${ANSWER}"',
      '    datastores:',
      '      - name: orders-db',
      '        type: postgres',
      `        url: postgres://app:\${PG_PASSWORD}@127.0.0.1:${closed}/orders?sslmode=disable`,
      '        backupPolicy: https://wiki.internal/backups/${BACKUP_POLICY}',
      '      - name: legacy-db',
      '        type: postgres',
      `        url: postgres://app:${SECRETS.PG_LITERAL}@127.0.0.1:${closed}/legacy?sslmode=disable`,
      'scan:',
      '  connectTimeoutMs: 500',
      history,
      'alerts:',
      '  digestIntervalDays: 0',
      '  retry: { attempts: 2, initialDelayMs: 10, maxDelayMs: 10 }',
      '  sinks:',
      `    - { name: chat, type: slack, url: "http://127.0.0.1:${receiverPort}/services/T0/B0/${SECRETS.SLACK_PATH}" }`,
      '    - { name: hook, type: webhook, url: "${WEBHOOK_URL}", secret: "${WEBHOOK_SECRET}" }',
      `    - name: mail\n      type: email\n      from: continuity@example.com\n      to: [ops@example.com]\n      smtp: { host: 127.0.0.1, port: ${smtpPort}, requireTLS: false, user: "\${SMTP_USER}", password: "\${SMTP_PASSWORD}" }`,
      '',
    ].join('\n');
  await writeFile(path.join(work, 'files.yaml'), config('history:\n  dir: history'));
  await writeFile(
    path.join(work, 'pg-history.yaml'),
    config(`history:\n  url: postgres://continuity:${encodeURIComponent(SECRETS.HISTORY_PASSWORD)}@127.0.0.1:${closed}/continuity`),
  );
  // The same password unencoded: `#` and `/` make a URL parser cut it elsewhere; the config is refused without quoting it.
  await writeFile(
    path.join(work, 'pg-history-unencoded.yaml'),
    config(`history:\n  url: postgres://continuity:${SECRETS.HISTORY_PASSWORD}@127.0.0.1:${closed}/continuity`),
  );

  const formats = ['--format', 'md,json,html,sarif,junit'];
  const withFiles = await runCli(['scan', '--config', 'files.yaml', '--out', 'out-files', ...formats], { cwd: work, env });
  const withPostgres = await runCli(['scan', '--config', 'pg-history.yaml', '--out', 'out-pg', ...formats], { cwd: work, env });
  const unencoded = await runCli(['scan', '--config', 'pg-history-unencoded.yaml', '--out', 'out-unencoded', ...formats], { cwd: work, env });
  const diff = await runCli(['diff', '--config', 'files.yaml'], { cwd: work, env });
  const pgDiff = await runCli(['diff', '--config', 'pg-history.yaml'], { cwd: work, env });

  // The error paths did run: every sink refused, the datastores and the PostgreSQL history were unreachable.
  expect(withFiles.stderr).toContain('alert delivery failed');
  expect(withFiles.stderr).toContain('"sink":"mail"');
  expect(withFiles.stderr).toContain('invalid_token');
  expect(withPostgres.code).toBe(3);
  expect(withPostgres.stderr).toContain('the history could not be read');
  expect(unencoded.code).toBe(2);
  expect(unencoded.stderr).toMatch(/pg-history-unencoded.yaml:\d+: history.url: not a URL/);
  expect(received.length).toBeGreaterThanOrEqual(2);

  const files = [...(await filesUnder(path.join(work, 'out-files'))), ...(await filesUnder(path.join(work, 'out-pg'))), ...(await filesUnder(path.join(work, 'history')))];
  expect(files.some((f) => f.endsWith('state.json'))).toBe(true);
  const outputs: [string, string][] = [
    ...(await Promise.all(files.map(async (f): Promise<[string, string]> => [path.relative(work, f), await readFile(f, 'utf8')]))),
    ...[withFiles, withPostgres, unencoded, diff, pgDiff].flatMap((r, i): [string, string][] => [
      [`run ${i} stdout`, r.stdout],
      [`run ${i} stderr`, r.stderr],
    ]),
    ...received.map((r, i): [string, string] => [`request ${i} to the receiver`, r.replace(/^[^\n]*\n/, '')]),
  ];
  const leaks = outputs.flatMap(([where, text]) => hits(text).map((h) => `${where}: ${h}`));
  expect(leaks).toEqual([]);
}, 120_000);
