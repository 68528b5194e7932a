// `npm run bench`: runs every bench/*.ts module (except this one) in turn.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const file of (await readdir(here)).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort()) {
  process.stdout.write(`== bench/${file}\n`);
  const module = (await import(pathToFileURL(path.join(here, file)).href)) as { run: () => Promise<void> };
  await module.run();
}
