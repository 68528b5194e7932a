// `npm run schema`: regenerate config/continuity.schema.json from the zod schema.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './json-schema';

const target = fileURLToPath(new URL('../../config/continuity.schema.json', import.meta.url));
await writeFile(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${target}\n`);
