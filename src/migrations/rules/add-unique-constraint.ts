import { addedConstraints, existing, type LintRule } from './rule';

export default {
  id: 'add-unique-constraint',
  title: 'Unique or primary key constraint added directly',
  severity: 'medium',
  flags: '`ADD UNIQUE/PRIMARY KEY` without `USING INDEX`, and `ADD COLUMN … UNIQUE/PRIMARY KEY`',
  doc: 'Adding a UNIQUE or PRIMARY KEY constraint (also one declared on an added column) builds its index while blocking writes to the table. Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX.',
  check(context) {
    return addedConstraints(context)
      .filter(({ table, constraint }) => existing(context, table) && ['CONSTR_UNIQUE', 'CONSTR_PRIMARY'].includes(constraint.contype) && !constraint.indexname)
      .map(({ table, constraint, column }) => {
        const what = constraint.contype === 'CONSTR_PRIMARY' ? 'a primary key' : 'a unique constraint';
        return column ? `adds column ${table}.${column} with ${what}, building its index while blocking writes` : `adds ${what} on ${table} without USING INDEX`;
      });
  },
} satisfies LintRule;
