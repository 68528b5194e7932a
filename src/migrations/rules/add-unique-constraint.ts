import { alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'add-unique-constraint',
  title: 'Unique or primary key constraint added directly',
  severity: 'medium',
  doc: 'Adding a UNIQUE or PRIMARY KEY constraint builds its index while blocking writes to the table. Build the index with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX.',
  check(context) {
    return alterTableCommands(context)
      .filter(({ table, cmd }) => {
        const constraint = cmd.def?.Constraint;
        return (
          cmd.subtype === 'AT_AddConstraint' &&
          existing(context, table) &&
          (constraint?.contype === 'CONSTR_UNIQUE' || constraint?.contype === 'CONSTR_PRIMARY') &&
          !constraint.indexname
        );
      })
      .map(({ table, cmd }) => `adds ${cmd.def.Constraint.contype === 'CONSTR_PRIMARY' ? 'a primary key' : 'a unique constraint'} on ${table} without USING INDEX`);
  },
} satisfies LintRule;
