// `npm run bench`: runs every bench/<area>.ts (or only those named: npm run bench -- postgres).
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const modules = (await readdir(dir))
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, '')))
  .sort();
for (const file of modules) {
  process.stdout.write(`\n== bench/${file}\n`);
  const mod = (await import(`./${file}`)) as { run: () => Promise<void> };
  await mod.run();
}
process.exit(0);
