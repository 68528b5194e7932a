// The contract of a lint rule: one rule per file in this directory.
import type { Severity } from '../../model';
import type { ClassifiedKind, LockMode, RelationLock } from '../locks';
import type { AstNode, ParsedStatement } from '../sql';
import { relationName } from '../sql';
import type { StatementTransaction } from '../transactions';

/**
 * What a rule's hit means for the running application and the deploy:
 * - `compatibility`: old or new application code breaks (a dropped or renamed column, a type change, …);
 * - `locking`: the statement blocks reads or writes, or rewrites the table, while it runs;
 * - `deploy`: the migration fails, or does not do what it says, when it is applied;
 * - `data-loss`: data is destroyed beyond what the statement names.
 */
export type RuleCategory = 'compatibility' | 'locking' | 'deploy' | 'data-loss';

/**
 * Names of objects as written (schema-qualified when the SQL qualifies them),
 * each counted as often as it was added. Looked up by namedIn(), in constant
 * time: a migration that creates thousands of tables asks for each statement.
 */
export class ObjectNames {
  private readonly exact = new Map<string, number>();
  /** Per last part: how many of the names with it are unqualified, and how many qualified. */
  private readonly byLast = new Map<string, { unqualified: number; qualified: number }>();

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.add(name);
  }

  add(name: string): void {
    this.exact.set(name, (this.exact.get(name) ?? 0) + 1);
    const last = unqualified(name);
    const counts = this.byLast.get(last) ?? { unqualified: 0, qualified: 0 };
    if (name.includes('.')) counts.qualified++;
    else counts.unqualified++;
    this.byLast.set(last, counts);
  }

  /** Remove one occurrence of a name that was added. */
  delete(name: string): void {
    const count = this.exact.get(name);
    if (!count) return;
    if (count === 1) this.exact.delete(name);
    else this.exact.set(name, count - 1);
    const counts = this.byLast.get(unqualified(name))!;
    if (name.includes('.')) counts.qualified--;
    else counts.unqualified--;
  }

  /** Whether this very name was added. */
  has(name: string): boolean {
    return this.exact.has(name);
  }

  /** See namedIn(). */
  matches(name: string): boolean {
    if (this.exact.has(name)) return true;
    const counts = this.byLast.get(unqualified(name));
    if (!counts) return false;
    // An unqualified name matches every name with its last part; a qualified one only the unqualified names.
    return counts.unqualified > 0 || (!name.includes('.') && counts.qualified > 0);
  }
}

/** Objects created earlier in the same migration. */
export interface CreatedObjects {
  tables: ObjectNames;
  indexes: ObjectNames;
  views: ObjectNames;
  types: ObjectNames;
  routines: ObjectNames;
}

/** What a rule knows about the statement it looks at and what ran before it. */
export interface StatementContext {
  statement: ParsedStatement;
  /** The transaction block the statement runs in and what it does to it (transactions.ts). */
  transaction: StatementTransaction;
  /** Whether a non-zero lock_timeout is in effect for this statement. */
  lockTimeoutSet: boolean;
  /** The statement kinds of the lock table this statement is (one per ALTER TABLE subcommand). */
  kinds: ClassifiedKind[];
  /** The relation locks the statement takes, strongest per relation. */
  locks: RelationLock[];
  /** Locks held from earlier statements of the same transaction block, strongest per relation. */
  held: ReadonlyMap<string, LockMode>;
  /** Constraints added NOT VALID earlier in the same transaction block: name -> table. */
  notValidInBlock: ReadonlyMap<string, string>;
  created: CreatedObjects;
  /** Whether a validated CHECK (column IS NOT NULL) proves `table.column` holds no NULL (this or an earlier migration of the set). */
  provenNotNull(table: string, column: string): boolean;
  /** Views, routines and types that later statements of the same file create again. */
  createdLater: ObjectNames;
  /** Columns (`table.column`) added NOT NULL or set NOT NULL earlier in this migration. */
  notNullAdded: ReadonlySet<string>;
  /** Set when the statement runs inside a DO block or a routine the migration calls. */
  body?: string;
}

export interface LintRule {
  id: string;
  title: string;
  severity: Severity;
  category: RuleCategory;
  /** What the rule flags, in one line (the rule table of docs/migrations.md). */
  flags: string;
  /** Why the change is unsafe and what to do instead (shown in docs and SARIF help). */
  doc: string;
  /** Messages, one per problem in this statement; empty when it is fine. */
  check(context: StatementContext): string[];
}

/** The last part of a possibly qualified name. */
function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** Whether `name` is among `names`; a qualified and an unqualified name match on their last part. */
export function namedIn(names: ObjectNames, name: string): boolean {
  return names.matches(name);
}

/** Whether the relation existed before this migration (it was not created earlier in it). */
export function existing(context: StatementContext, relation: string): boolean {
  const { tables, indexes, views } = context.created;
  return relation !== '' && !namedIn(tables, relation) && !namedIn(indexes, relation) && !namedIn(views, relation);
}

/** The AlterTableCmd bodies of an ALTER TABLE statement on a table, or none for other statements. */
export function alterTableCommands(context: StatementContext): { table: string; cmd: AstNode }[] {
  const { kind, node } = context.statement;
  if (kind !== 'AlterTableStmt' || (node.objtype && node.objtype !== 'OBJECT_TABLE')) return [];
  const table = relationName(node.relation);
  return (node.cmds ?? []).map((c: AstNode) => ({ table, cmd: c.AlterTableCmd ?? {} }));
}

/** Column constraints of a ColumnDef, as Constraint bodies. */
export function columnConstraints(column: AstNode): AstNode[] {
  return (column?.constraints ?? []).map((c: AstNode) => c.Constraint ?? {});
}

/** A constraint an ALTER TABLE adds: as ADD CONSTRAINT, or declared on a column it adds (`ADD COLUMN x int REFERENCES t`). */
export interface AddedConstraint {
  table: string;
  constraint: AstNode;
  /** The added column that declares the constraint. */
  column?: string;
}

export function addedConstraints(context: StatementContext): AddedConstraint[] {
  return alterTableCommands(context).flatMap(({ table, cmd }): AddedConstraint[] => {
    if (cmd.subtype === 'AT_AddConstraint' && cmd.def?.Constraint) return [{ table, constraint: cmd.def.Constraint }];
    if (cmd.subtype === 'AT_AddColumn') {
      const column = cmd.def?.ColumnDef;
      return columnConstraints(column).map((constraint) => ({ table, constraint, column: column?.colname }));
    }
    return [];
  });
}

/** The names an object list of a DROP statement holds (`a.b`, functions without their arguments). */
export function droppedNames(node: AstNode): string[] {
  return (node.objects ?? []).map((o: AstNode) => {
    const names = o.List?.items ?? o.ObjectWithArgs?.objname ?? o.TypeName?.names ?? (o.String ? [o] : []);
    return names.map((n: AstNode) => n.String?.sval ?? '?').join('.');
  });
}
