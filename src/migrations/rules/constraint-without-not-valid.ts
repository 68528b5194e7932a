import { addedConstraints, existing, type LintRule } from './rule';

export default {
  id: 'constraint-without-not-valid',
  title: 'Foreign key or CHECK constraint added without NOT VALID',
  severity: 'medium',
  flags: '`ADD CONSTRAINT … FOREIGN KEY/CHECK` without `NOT VALID`, and `ADD COLUMN … REFERENCES`/`CHECK` (a column constraint cannot be `NOT VALID`)',
  doc: 'Adding a foreign key or CHECK constraint validates every row while holding a lock that blocks writes (on both tables for a foreign key). Add it NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a separate step, which takes a weaker lock. A constraint declared on an added column (`ADD COLUMN x int REFERENCES t`) cannot be NOT VALID: add the column, then the constraint.',
  check(context) {
    return addedConstraints(context)
      .filter(({ table, constraint }) => existing(context, table) && ['CONSTR_FOREIGN', 'CONSTR_CHECK'].includes(constraint.contype) && !constraint.skip_validation)
      .map(({ table, constraint, column }) => {
        const what = constraint.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'CHECK constraint';
        if (column) return `adds column ${table}.${column} with a ${what}, validated while blocking writes (a column constraint cannot be NOT VALID)`;
        return `adds ${what} ${constraint.conname ?? ''} on ${table} without NOT VALID`.replace('  ', ' ');
      });
  },
} satisfies LintRule;
