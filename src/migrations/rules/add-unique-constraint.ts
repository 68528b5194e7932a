import { addedConstraints, existing, type LintRule } from './rule';

const BUILDS_INDEX: Record<string, string> = { CONSTR_UNIQUE: 'a unique constraint', CONSTR_PRIMARY: 'a primary key', CONSTR_EXCLUSION: 'an exclusion constraint' };

export default {
  id: 'add-unique-constraint',
  title: 'Unique, primary key or exclusion constraint added directly',
  severity: 'medium',
  category: 'locking',
  flags: '`ADD UNIQUE/PRIMARY KEY/EXCLUDE` without `USING INDEX`, and `ADD COLUMN … UNIQUE/PRIMARY KEY`',
  doc: 'Adding a UNIQUE, PRIMARY KEY or EXCLUDE constraint (also one declared on an added column) builds its index while holding ACCESS EXCLUSIVE, which blocks reads and writes. Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX.',
  check(context) {
    return addedConstraints(context)
      .filter(({ table, constraint }) => existing(context, table) && BUILDS_INDEX[constraint.contype] && !constraint.indexname)
      .map(({ table, constraint, column }) => {
        const what = BUILDS_INDEX[constraint.contype]!;
        return column ? `adds column ${table}.${column} with ${what}, building its index under ACCESS EXCLUSIVE` : `adds ${what} on ${table} without USING INDEX, building its index under ACCESS EXCLUSIVE`;
      });
  },
} satisfies LintRule;
