// `npx continuity serve` stopped with SIGTERM: the signal reaches npm exec,
// which ends its shell; the continuity process must stop too, not linger with its port bound.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('continuity serve under npm exec', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(path.join(os.tmpdir(), 'continuity-npx-'));
  });
  afterAll(() => rm(cwd, { recursive: true, force: true }));

  it('stops (exit after "stopped", port released) when npm exec receives SIGTERM', async () => {
    // The example's datastores are not reachable from here: no scan at start, so the shutdown is immediate.
    const example = await readFile(path.join(ROOT, 'config/continuity.example.yaml'), 'utf8');
    const configFile = path.join(cwd, 'continuity.yaml');
    await writeFile(configFile, example.replace(/^(\s*)scanOnStart: true\b/m, '$1scanOnStart: false'));
    const npm = spawn(
      'npm',
      ['exec', '--yes', `--package=${ROOT}`, '--', 'continuity', 'serve', '--config', configFile, '--port', '0'],
      { cwd, env: { ...process.env, CONTINUITY_SCANNER_PASSWORD: 'scanner-password' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let port: number | undefined;
    for await (const line of createInterface({ input: npm.stderr! })) {
      const entry = JSON.parse(line) as { msg: string; port?: number };
      if (entry.msg === 'listening') {
        port = entry.port;
        break;
      }
    }
    expect(port).toBeGreaterThan(0);
    // The continuity process holds the write end of this pipe: it ends when that process has exited.
    const rest: string[] = [];
    const drained = (async () => {
      for await (const line of createInterface({ input: npm.stderr! })) rest.push((JSON.parse(line) as { msg: string }).msg);
    })();
    npm.kill('SIGTERM');
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    expect(rest).toEqual(['stopping', 'stopped']);
    expect(await refused(port!)).toBe(true);
  });
});
