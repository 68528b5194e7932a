// `continuity diff` in process, against a file history.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { runDiffCommand } from '../../src/cli/diff';
import { FileHistoryStore } from '../../src/history/file-store';
import { finding, scanOf } from '../support/scan-fixtures';

let dir: string | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('compares --from with --to without listing the history, and prints before and after', async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'continuity-diff-'));
  const store = await FileHistoryStore.open(dir, { keep: 10 });
  await store.record({ scan: scanOf([finding({ checkId: 'pg.ssl', status: 'pass' })], { scanId: 'a', at: '2025-01-06T09:00:00.000Z' }), outbox: [], digests: [] });
  await store.record({ scan: scanOf([finding({ checkId: 'pg.ssl', status: 'fail' })], { scanId: 'b', at: '2025-01-13T09:00:00.000Z' }), outbox: [], digests: [] });
  await store.close();

  const list = vi.spyOn(FileHistoryStore.prototype, 'list');
  const out: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  expect(await runDiffCommand({ history: dir, from: 'a', to: 'b' })).toBe(0);
  expect(list).not.toHaveBeenCalled();
  expect(out.join('')).toBe(
    [
      'changes from scan a (6 Jan 2025, 09:00 UTC) to b (13 Jan 2025, 09:00 UTC):',
      'new-failure [high] orders: pg.ssl on orders-db went from pass to fail: pg.ssl is fail',
      '    before (pass): test status = pass',
      '    after (fail): test status = fail',
      '',
    ].join('\n'),
  );

  // Without --to, the newest scan is the one compared to.
  out.length = 0;
  expect(await runDiffCommand({ history: dir })).toBe(0);
  expect(out.join('')).toContain('changes from scan a (6 Jan 2025, 09:00 UTC) to b (13 Jan 2025, 09:00 UTC)');
});
