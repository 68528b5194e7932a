// A datastore that cannot be scanned: the cause and its fix, once per datastore,
// in the terminal, the Markdown and the HTML, against a real PostgreSQL server.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli';
import { startPlaintextServer, type EmbeddedServer } from '../support/postgres';
import type { ScanResult } from '../../src/model';

const TLS_FIX = 'add `sslmode=disable` to the URL for a dev database, or enable TLS on the server (https://www.postgresql.org/docs/current/ssl-tcp.html)';

describe('continuity scan: datastores that could not be scanned', () => {
  let server: EmbeddedServer;
  let hung: net.Server;
  let work: string;
  let result: CliResult;
  let out: string;

  beforeAll(async () => {
    server = await startPlaintextServer();
    // Accepts connections and never answers: a firewall that drops, a hung server.
    hung = net.createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const hungPort = (hung.address() as net.AddressInfo).port;
    work = await mkdtemp(path.join(os.tmpdir(), 'continuity-errors-'));
    const url = (user: string, db: string, query = '', port = server.port) => `postgres://${user}:\${PW}@127.0.0.1:${port}/${db}${query}`;
    const config = path.join(work, 'continuity.yaml');
    await writeFile(
      config,
      [
        'scan:',
        '  connectTimeoutMs: 1500',
        'services:',
        '  - name: shop',
        '    environment: production',
        '    datastores:',
        `      - { name: no-tls, type: postgres, url: "${url('postgres', 'postgres')}" }`,
        `      - { name: bad-password, type: postgres, url: "${url('postgres', 'postgres', '?sslmode=disable').replace('${PW}', 'wrong-password')}" }`,
        `      - { name: no-db, type: postgres, url: "${url('postgres', 'nope', '?sslmode=disable')}" }`,
        `      - { name: hung, type: postgres, url: "${url('postgres', 'postgres', '?sslmode=disable', hungPort)}" }`,
        '',
      ].join('\n'),
    );
    out = path.join(work, 'out');
    result = await runCli(['scan', '--config', config, '--out', out], { env: { PW: server.password } });
  });
  afterAll(async () => {
    await server?.stop();
    hung?.close();
    await rm(work, { recursive: true, force: true });
  });

  it('exits 3 and names each cause once, with its fix, in the terminal', () => {
    expect(result.code).toBe(3);
    const terminal = result.stdout;
    expect(terminal).toContain('not scanned shop/no-tls: postgres: The server does not support SSL connections');
    expect(terminal).toContain(TLS_FIX);
    expect(terminal).toContain('not scanned shop/bad-password: postgres: password authentication failed for user "postgres"');
    expect(terminal).toContain('the server refused the password of role "postgres"');
    expect(terminal).toContain('not scanned shop/no-db: postgres: database "nope" does not exist');
    expect(terminal).toContain('there is no database "nope" on this server');
    // The configured connect timeout, named: not twice it, not the default.
    expect(terminal).toMatch(/not scanned shop\/hung: postgres: no answer within 1\.5 s from 127\.0\.0\.1:\d+/);
    expect(terminal).toContain('scan.connectTimeoutMs: 1500');
    expect(terminal.split(TLS_FIX)).toHaveLength(2);
    expect(terminal).not.toContain('could not collect');
  });

  it('keeps the cause and the fix in scan.json', async () => {
    const scan = JSON.parse(await readFile(path.join(out, 'scan.json'), 'utf8')) as ScanResult;
    const hungStore = scan.services[0]!.datastores.find((d) => d.name === 'hung')!;
    expect(hungStore.collectionError).toMatch(/^postgres: no answer within 1\.5 s from 127\.0\.0\.1:\d+$/);
    expect(hungStore.collectionErrorFix).toMatch(/^the server did not answer within 1\.5 s/);
    // scan.json keeps an error finding per check: drift tracks each.
    expect(scan.services[0]!.findings.filter((f) => f.datastore === 'no-tls' && f.status === 'error').length).toBeGreaterThan(5);
  });

  it('names each cause once in the Markdown, with its fix, and not once per check', async () => {
    const markdown = await readFile(path.join(out, 'shop.md'), 'utf8');
    expect(markdown).toContain('## Not scanned');
    expect(markdown).toMatch(/- \*\*no-tls\*\* \(postgres\) could not be scanned: postgres: The server does not support SSL connections\.<br>Fix: the server does not offer TLS/);
    expect(markdown.split('The server does not support SSL connections')).toHaveLength(2);
    expect(markdown.split(TLS_FIX)).toHaveLength(2);
    expect(markdown).not.toContain('could not collect postgres facts');
    expect(markdown).toContain('| no-tls | postgres | production | not read: the datastore could not be scanned (see Not scanned) |');
  });

  it('names each cause once in the HTML, with its fix', async () => {
    const html = await readFile(path.join(out, 'shop.html'), 'utf8');
    expect(html).toContain('<h2 id="not-scanned-h">Not scanned</h2>');
    expect(html).toContain('<strong>Fix:</strong> the server does not offer TLS and the URL requires it (the default): add &#x60;sslmode&#x3D;disable&#x60;');
    // Once under Not scanned, once in the datastore table (a link to it).
    expect(html.split('The server does not support SSL connections')).toHaveLength(3);
    expect(html).not.toContain('could not collect postgres facts');
  });
});
