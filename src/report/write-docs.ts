// `npm run docs`: regenerate the parts of docs/ rendered from metadata (the
// check catalog, the lint rule table of docs/migrations.md).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ALL_CHECKS } from '../../checks';
import { LINT_RULES } from '../migrations/rules';
import { renderCheckCatalog, renderLintRuleTable, withLintRuleTable } from './check-catalog';

const docs = (file: string) => fileURLToPath(new URL(`../../docs/${file}`, import.meta.url));

await writeFile(docs('checks.md'), renderCheckCatalog(ALL_CHECKS));
const migrations = docs('migrations.md');
await writeFile(migrations, withLintRuleTable(await readFile(migrations, 'utf8'), renderLintRuleTable(LINT_RULES)));
process.stdout.write('wrote docs/checks.md and the lint rule table of docs/migrations.md\n');
