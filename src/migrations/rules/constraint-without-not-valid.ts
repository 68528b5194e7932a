import { LOCK_MODES } from '../locks';
import { addedConstraints, alterTableCommands, existing, type LintRule } from './rule';

export default {
  id: 'constraint-without-not-valid',
  title: 'Foreign key or CHECK constraint validated under a strong lock',
  severity: 'medium',
  category: 'locking',
  flags: '`ADD CONSTRAINT … FOREIGN KEY/CHECK` without `NOT VALID`, `ADD COLUMN … REFERENCES`/`CHECK`, and `VALIDATE CONSTRAINT` in the transaction block that added it `NOT VALID`',
  doc: 'Adding a foreign key or CHECK constraint validates every row while holding a lock that blocks writes (SHARE ROW EXCLUSIVE on both tables for a foreign key, ACCESS EXCLUSIVE for a CHECK). Add it NOT VALID, then run ALTER TABLE ... VALIDATE CONSTRAINT in a later transaction: it takes only SHARE UPDATE EXCLUSIVE. Validating in the same transaction block gains nothing, because the lock the ADD took is held until the block ends. A constraint declared on an added column (`ADD COLUMN x int REFERENCES t`) cannot be NOT VALID: add the column, then the constraint.',
  check(context) {
    const added = addedConstraints(context)
      .filter(({ table, constraint }) => existing(context, table) && ['CONSTR_FOREIGN', 'CONSTR_CHECK'].includes(constraint.contype) && !constraint.skip_validation)
      .map(({ table, constraint, column }) => {
        const what = constraint.contype === 'CONSTR_FOREIGN' ? 'foreign key' : 'CHECK constraint';
        if (column) return `adds column ${table}.${column} with a ${what}, validated while blocking writes (a column constraint cannot be NOT VALID)`;
        return `adds ${what} ${constraint.conname ?? ''} on ${table} without NOT VALID, validating every row while blocking writes`.replace('  ', ' ');
      });
    const validatedTooSoon = alterTableCommands(context)
      .filter(({ cmd }) => cmd.subtype === 'AT_ValidateConstraint' && context.notValidInBlock.has(cmd.name))
      .flatMap(({ table, cmd }) => {
        const held = context.held.get(context.notValidInBlock.get(cmd.name)!) ?? context.held.get(table);
        // The validation itself takes SHARE UPDATE EXCLUSIVE: only a stronger lock held from the ADD is a problem.
        if (!held || LOCK_MODES.indexOf(held) <= LOCK_MODES.indexOf('SHARE UPDATE EXCLUSIVE')) return [];
        return [`validates ${cmd.name} in the transaction block that added it NOT VALID: the ${held} lock the ADD took on ${table} is held while every row is checked`];
      });
    return [...added, ...validatedTooSoon];
  },
} satisfies LintRule;
