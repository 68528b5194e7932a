import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os, { hostname } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileHistoryStore } from '../../src/history/file-store';
import type { Logger } from '../../src/log';
import { driftSinceHistory } from '../../src/history/record';
import type { OutboxItem } from '../../src/history/types';
import { finding, scanOf } from '../support/scan-fixtures';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-history-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function item(id: string): OutboxItem {
  return {
    id,
    sink: 'hook',
    createdAt: '2025-01-06T09:00:00.000Z',
    attempts: 0,
    message: { kind: 'drift', key: id, service: 'orders', environment: 'production', scanId: 's', scanFinishedAt: 't', events: [], openFindings: [] },
  };
}

describe('FileHistoryStore', () => {
  it('keeps every scan, lists newest first, finds the latest per service and the one before', async () => {
    const store = await FileHistoryStore.open(await tempDir(), { keep: 10 });
    const a = scanOf([finding({ checkId: 'pg.ssl', status: 'pass' })], { at: '2025-01-06T09:00:00.000Z', scanId: 'a' });
    const b = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { at: '2025-01-13T09:00:00.000Z', scanId: 'b', service: 'billing' });
    const c = scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { at: '2025-01-20T09:00:00.000Z', scanId: 'c' });
    for (const scan of [a, b, c]) await store.record({ scan, outbox: [], digests: [] });
    expect((await store.list()).map((e) => e.scanId)).toEqual(['c', 'b', 'a']);
    expect((await store.list({ service: 'orders' })).map((e) => e.scanId)).toEqual(['c', 'a']);
    expect((await store.latestFor('orders'))?.scanId).toBe('c');
    expect((await store.latestFor('orders', { before: 'c' }))?.scanId).toBe('a');
    expect(await store.latestFor('orders', { before: 'a' })).toBeUndefined();
    expect(await store.get('c')).toEqual(c);
    await expect(store.record({ scan: c, outbox: [], digests: [] })).rejects.toThrow(/already recorded/);
  });

  it('keeps the last N scans per service and deletes the files of older ones', async () => {
    const dir = await tempDir();
    const store = await FileHistoryStore.open(dir, { keep: 2 });
    for (let i = 1; i <= 4; i++) {
      await store.record({ scan: scanOf([], { scanId: `o${i}`, at: `2025-01-0${i}T09:00:00.000Z` }), outbox: [], digests: [] });
    }
    await store.record({ scan: scanOf([], { scanId: 'b1', service: 'billing', at: '2025-01-05T09:00:00.000Z' }), outbox: [], digests: [] });
    expect((await store.list()).map((e) => e.scanId)).toEqual(['b1', 'o4', 'o3']);
    expect((await readdir(path.join(dir, 'scans'))).sort()).toEqual(['b1.json', 'o3.json', 'o4.json']);
  });

  it('queues deliveries with the scan, never the same id twice, and forgets them once delivered', async () => {
    const store = await FileHistoryStore.open(await tempDir(), { keep: 10 });
    await store.record({ scan: scanOf([], { scanId: 'a' }), outbox: [item('x'), item('y')], digests: [{ service: 'orders', at: '2025-01-06T09:00:00.000Z' }] });
    await store.markFailed('x', 'HTTP 503', new Date('2025-01-06T09:01:00Z'));
    await store.markDelivered('y');
    // A second commit that queues x and y again (same idempotency keys) adds nothing.
    await store.record({ scan: scanOf([], { scanId: 'b' }), outbox: [item('x'), item('y'), item('z')], digests: [] });
    const pending = await store.pending();
    expect(pending.map((p) => [p.id, p.attempts, p.lastError])).toEqual([
      ['x', 1, 'HTTP 503'],
      ['z', 0, undefined],
    ]);
    expect(await store.lastDigestAt('orders')).toBe('2025-01-06T09:00:00.000Z');
    expect(await store.lastDigestAt('billing')).toBeUndefined();
  });

  it('removes on open what an interrupted write left: temporary files and scan files never committed', async () => {
    const dir = await tempDir();
    const store = await FileHistoryStore.open(dir, { keep: 10 });
    await store.record({ scan: scanOf([], { scanId: 'a' }), outbox: [], digests: [] });
    await writeFile(path.join(dir, 'scans', 'b.json'), '{"partial":');
    await writeFile(path.join(dir, 'scans', 'c.json.123.abcd.tmp'), '{');
    await writeFile(path.join(dir, 'state.json.123.abcd.tmp'), '{');
    const reopened = await FileHistoryStore.open(dir, { keep: 10 });
    expect((await reopened.list()).map((e) => e.scanId)).toEqual(['a']);
    expect(await readdir(path.join(dir, 'scans'))).toEqual(['a.json']);
    expect((await readdir(dir)).sort()).toEqual(['scans', 'state.json']);
  });

  it('reads state.json once to find the latest scan of a service', async () => {
    const store = await FileHistoryStore.open(await tempDir(), { keep: 10 });
    await store.record({ scan: scanOf([], { scanId: 'a' }), outbox: [], digests: [] });
    const readState = vi.spyOn(FileHistoryStore.prototype as unknown as { readState(): Promise<unknown> }, 'readState');
    try {
      expect((await store.latestFor('orders'))?.scanId).toBe('a');
      expect(readState).toHaveBeenCalledTimes(1);
    } finally {
      readState.mockRestore();
    }
  });

  it('drift reads the previous scan once when it is both the service\'s latest and the newest of all', async () => {
    const store = await FileHistoryStore.open(await tempDir(), { keep: 10 });
    await store.record({ scan: scanOf([finding({ checkId: 'pg.ssl', status: 'pass' })], { scanId: 'a' }), outbox: [], digests: [] });
    const get = vi.spyOn(store, 'get');
    const latestFor = vi.spyOn(store, 'latestFor');
    const drift = await driftSinceHistory(store, scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { scanId: 'b' }));
    expect(drift.map((d) => [d.service, d.previousScanId, d.events.map((e) => e.type)])).toEqual([['orders', 'a', ['new-failure']]]);
    expect(latestFor.mock.calls.length + get.mock.calls.length).toBe(1);
  });

  it('waits for a lock held by a live process and names it when giving up', async () => {
    const dir = await tempDir();
    await FileHistoryStore.open(dir, { keep: 10 });
    await writeFile(path.join(dir, 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2025-01-06T09:00:00.000Z' }));
    await expect(FileHistoryStore.open(dir, { keep: 10, lockTimeoutMs: 300 })).rejects.toThrow(
      `${path.join(dir, 'lock')} is held by process ${process.pid} on ${hostname()} since 2025-01-06T09:00:00.000Z`,
    );
  });

  it('breaks the lock of a process that died holding it (kill -9)', async () => {
    const dir = await tempDir();
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(path.join(dir, 'lock'), JSON.stringify({ pid: dead, host: hostname(), since: '2025-01-06T09:00:00.000Z' }));
    const store = await FileHistoryStore.open(dir, { keep: 10, lockTimeoutMs: 2000 });
    await store.record({ scan: scanOf([], { scanId: 'a' }), outbox: [], digests: [] });
    expect((await readdir(dir)).sort()).toEqual(['scans', 'state.json']);
  });

  it('moves a damaged state.json aside, names it with the byte offset and rebuilds the index from the scan files', async () => {
    const dir = await tempDir();
    const store = await FileHistoryStore.open(dir, { keep: 10 });
    for (const [scanId, at] of [['a', '2025-01-06T09:00:00.000Z'], ['b', '2025-01-13T09:00:00.000Z']] as const) {
      await store.record({ scan: scanOf([], { scanId, at }), outbox: [item(scanId)], digests: [] });
    }
    await writeFile(path.join(dir, 'state.json'), '{"version":1,"scans":[{"scanId":"a"},,]}');
    const warnings = capture();
    const reopened = await FileHistoryStore.open(dir, { keep: 10, log: warnings.log });
    expect((await reopened.list()).map((e) => e.scanId)).toEqual(['b', 'a']);
    expect((await reopened.latestFor('orders'))?.scanId).toBe('b');
    const aside = (await readdir(dir)).filter((f) => f.startsWith('state.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(path.join(dir, aside[0]!), 'utf8')).toBe('{"version":1,"scans":[{"scanId":"a"},,]}');
    expect(warnings.messages).toEqual([
      `${path.join(dir, 'state.json')} is not valid JSON at byte 37 (Unexpected token ','): moved aside; the index was rebuilt from the scan files and undelivered alerts it held are lost`,
    ]);
  });

  it('moves a damaged scan file aside and answers from the scan before it', async () => {
    const dir = await tempDir();
    const store = await FileHistoryStore.open(dir, { keep: 10 });
    await store.record({ scan: scanOf([], { scanId: 'a', at: '2025-01-06T09:00:00.000Z' }), outbox: [], digests: [] });
    await store.record({ scan: scanOf([], { scanId: 'b', at: '2025-01-13T09:00:00.000Z' }), outbox: [], digests: [] });
    await writeFile(path.join(dir, 'scans', 'b.json'), '{"scanId":"b","services":[');
    const warnings = capture();
    const reopened = await FileHistoryStore.open(dir, { keep: 10, log: warnings.log });
    expect((await reopened.latestFor('orders'))?.scanId).toBe('a');
    expect((await reopened.list()).map((e) => e.scanId)).toEqual(['a']);
    expect((await readdir(path.join(dir, 'scans'))).filter((f) => f.startsWith('b.json.corrupt-'))).toHaveLength(1);
    expect(warnings.messages).toEqual([
      `${path.join(dir, 'scans', 'b.json')} is not valid JSON at byte 26 (Unexpected end of JSON input): moved aside and dropped from the history`,
    ]);
  });

  it('drops, with a warning naming them, index entries whose scan file is missing', async () => {
    const dir = await tempDir();
    const store = await FileHistoryStore.open(dir, { keep: 10 });
    for (const scanId of ['a', 'b']) await store.record({ scan: scanOf([], { scanId }), outbox: [], digests: [] });
    await rm(path.join(dir, 'scans', 'a.json'));
    const warnings = capture();
    const reopened = await FileHistoryStore.open(dir, { keep: 10, log: warnings.log });
    expect((await reopened.list()).map((e) => e.scanId)).toEqual(['b']);
    expect(warnings.entries).toEqual([
      { dropped: ['a'], msg: `history index entries dropped: their scan files are missing from ${path.join(dir, 'scans')}` },
    ]);
  });
});

/** A logger that keeps its warnings. */
function capture(): { log: Logger; messages: string[]; entries: { dropped?: string[]; msg: string }[] } {
  const entries: { dropped?: string[]; msg: string }[] = [];
  const log = {
    warn: (fields: { dropped?: string[] }, msg: string) => entries.push({ ...(fields.dropped ? { dropped: fields.dropped } : {}), msg }),
  } as unknown as Logger;
  return {
    log,
    entries,
    get messages() {
      return entries.map((e) => e.msg);
    },
  };
}
