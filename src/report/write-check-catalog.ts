// `npm run docs`: regenerate docs/checks.md from the checks' metadata.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../../checks';
import { renderCheckCatalog } from './check-catalog';

const target = fileURLToPath(new URL('../../docs/checks.md', import.meta.url));
await mkdir(fileURLToPath(new URL('../../docs', import.meta.url)), { recursive: true });
await writeFile(target, renderCheckCatalog(ALL_CHECKS));
process.stdout.write(`wrote ${target}\n`);
