import { afterAll, describe, expect, it } from 'vitest';
import { tempRepos } from '../support/temp-repo';

const repos = tempRepos();
afterAll(() => repos.cleanup());

describe('repository files', () => {
  it('reads small and large files whole, multi-byte characters included', async () => {
    // Sizes around the 64 KiB read buffer: below it, exactly it, and past it; 'é' is two bytes in UTF-8.
    const line = "INSERT INTO t VALUES ('é');\n";
    const sized = (bytes: number) => line.repeat(Math.ceil(bytes / Buffer.byteLength(line))).slice(0, bytes - 2) + 'x\n';
    const files = {
      'db/small.sql': 'SELECT 1;\n',
      'db/empty.sql': '',
      'db/exact.sql': 'a'.repeat(64 * 1024 - 1) + '\n',
      'db/large.sql': sized(300_000),
    };
    const repo = await repos.create(files);
    for (const [file, content] of Object.entries(files)) expect(await repo.read(file)).toBe(content);
  });

  it('rejects a file that does not exist and lists only files', async () => {
    const repo = await repos.create({ 'a/b.sql': 'SELECT 1;' });
    expect(repo.files).toEqual(['a/b.sql']);
    await expect(repo.read('a/missing.sql')).rejects.toThrow(/ENOENT/);
  });
});
