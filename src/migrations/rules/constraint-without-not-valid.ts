import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'constraint-without-not-valid',
  title: 'Foreign key or CHECK constraint added without NOT VALID',
  severity: 'medium',
  doc: 'Adding a foreign key or CHECK constraint validates every row while holding a lock that blocks writes (on both tables for a foreign key). Add it NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a separate step, which takes a weaker lock.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => {
        const constraint = cmd.def?.Constraint;
        return (
          cmd.subtype === 'AT_AddConstraint' &&
          existing(context, table) &&
          (constraint?.contype === 'CONSTR_FOREIGN' || constraint?.contype === 'CONSTR_CHECK') &&
          !constraint.skip_validation
        );
      })
      .map(({ table, cmd }) => {
        const constraint = cmd.def.Constraint;
        const what = constraint.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'CHECK constraint';
        return `adds ${what} ${constraint.conname ?? ''} on ${table} without NOT VALID`.replace('  ', ' ');
      });
  },
} satisfies LintRule;
