// `npm run bench`: runs every bench/*.ts module's run(), in name order.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
for (const file of (await readdir(dir)).filter((f) => f.endsWith('.ts') && f !== 'run.ts').sort()) {
  console.log(`## ${file}`);
  const module = (await import(new URL(file, import.meta.url).href)) as { run(): Promise<void> };
  await module.run();
}
