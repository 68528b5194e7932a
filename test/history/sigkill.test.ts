// A process killed with SIGKILL in the middle of a history write, then
// restarted: the history is intact, and every alert is delivered exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FileHistoryStore } from '../../src/history/file-store';
import type { AlertMessage } from '../../src/alerts/message';
import { sign } from '../../src/alerts/sinks/webhook';
import { startAlertReceiver, type AlertReceiver } from '../support/alert-receiver';

const WRITER = fileURLToPath(new URL('../support/history-writer.ts', import.meta.url));
const SECRET = 'sigkill-test-shared-secret-0123456789';

let receiver: AlertReceiver;
let dir: string;
beforeAll(async () => {
  receiver = await startAlertReceiver();
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-sigkill-'));
});
afterAll(async () => {
  await receiver.close();
  await rm(dir, { recursive: true, force: true });
});

function startWriter(): { child: ChildProcess; lines: AsyncIterable<string>; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir, receiver.url('/hook'), SECRET], {
    // tsx keeps its cache in the temp dir: this test's own, removed with it.
    env: { ...process.env, TMPDIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines: createInterface({ input: child.stdout! }), exit };
}

it('survives SIGKILL during a history write: nothing corrupted, lost or sent twice', async () => {
  const scansDir = path.join(dir, 'scans');
  await mkdir(scansDir, { recursive: true });

  // Run 1: killed as soon as the third scan's file is being written.
  const first = startWriter();
  let killedDuringWrite: string | undefined;
  let armed = false;
  const watcher = watch(scansDir, (_event, name) => {
    if (armed && !killedDuringWrite && name?.endsWith('.tmp')) {
      killedDuringWrite = name;
      first.child.kill('SIGKILL');
    }
  });
  for await (const line of first.lines) {
    if (line === 'recording 3') armed = true;
  }
  const firstExit = await first.exit;
  watcher.close();
  expect(firstExit.signal).toBe('SIGKILL');
  expect(killedDuringWrite).toMatch(/^scan-3-\d+\.json\.\d+\.[0-9a-f]+\.tmp$/);
  // The interrupted temporary file is still there: the kill did land mid-write.
  expect((await readdir(scansDir)).some((f) => f.endsWith('.tmp'))).toBe(true);
  const stateAfterKill = JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8')) as { scans: { scanId: string }[] };
  expect(stateAfterKill.scans).toHaveLength(2);

  // Run 2: the restarted process records scans 3 and 4 and delivers.
  const second = startWriter();
  const secondLines: string[] = [];
  for await (const line of second.lines) secondLines.push(line);
  expect(await second.exit).toEqual({ code: 0, signal: null });
  expect(secondLines).toEqual(['recording 3', 'recorded 3', 'recording 4', 'recorded 4', 'done']);

  const store = await FileHistoryStore.open(dir, { keep: 10 });
  const entries = await store.list();
  expect(entries).toHaveLength(4);
  for (const entry of entries) expect((await store.get(entry.scanId))?.services[0]?.findings).toHaveLength(40_002);
  expect((await readdir(scansDir)).filter((f) => !f.endsWith('.json'))).toEqual([]);
  expect(await store.pending()).toEqual([]);

  // Exactly the alerts of the sequence, each once, each correctly signed.
  const received = receiver.accepted();
  for (const request of received) {
    expect(request.headers['x-continuity-signature']).toBe(sign(SECRET, String(request.headers['x-continuity-timestamp']), request.body));
  }
  const messages = received.map((r) => JSON.parse(r.body) as AlertMessage);
  const keys = received.map((r) => r.headers['idempotency-key']);
  expect(new Set(keys).size).toBe(keys.length);
  expect(
    messages.map((m) => (m.kind === 'digest' ? `digest ${m.openFindings.map((f) => f.checkId).join(',')}` : `${m.events[0]!.type} ${m.events[0]!.checkId}`)),
  ).toEqual(['new-failure pg.ssl', 'new-failure pg.fk', 'digest pg.ssl', 'resolved pg.ssl', 'digest pg.fk']);
  await store.close();
});
