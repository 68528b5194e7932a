import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'set-not-null',
  title: 'SET NOT NULL on an existing column',
  severity: 'medium',
  flags: '`ALTER COLUMN … SET NOT NULL`',
  doc: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, and fails or breaks writers that still insert NULL. Add a CHECK (col IS NOT NULL) NOT VALID constraint, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ uses the valid constraint and skips the scan).',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => cmd.subtype === 'AT_SetNotNull' && existing(context, table))
      .map(({ table, cmd }) => `sets ${table}.${cmd.name} NOT NULL on an existing table`);
  },
} satisfies LintRule;
