// Runs every bench/<area>.ts module (each exports run()) in name order.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort()) {
  const area = file.replace(/\.ts$/, '');
  if (only.length > 0 && !only.includes(area)) continue;
  console.log(`\n## ${area}`);
  const module = (await import(pathToFileURL(path.join(dir, file)).href)) as { run: () => Promise<void> };
  await module.run();
}
