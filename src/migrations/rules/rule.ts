// The contract of a compatibility lint rule: one rule per file in this directory.
import type { Severity } from '../../model';
import type { AstNode, ParsedStatement } from '../sql';

/** What a rule knows about the statement it looks at and what ran before it in the same migration. */
export interface StatementContext {
  statement: ParsedStatement;
  /** Whether the statement runs inside a transaction (tool default or explicit BEGIN). */
  inTransaction: boolean;
  /** Whether a non-zero lock_timeout was set earlier in this migration. */
  lockTimeoutSet: boolean;
  /** Tables created earlier in this migration: changes to them cannot break running code. */
  createdTables: ReadonlySet<string>;
  /** Indexes created earlier in this migration. */
  createdIndexes: ReadonlySet<string>;
}

export interface LintRule {
  id: string;
  title: string;
  severity: Severity;
  /** What the rule flags, in one line (the rule table of docs/migrations.md). */
  flags: string;
  /** Why the change is unsafe and what to do instead (shown in docs and SARIF help). */
  doc: string;
  /** Messages, one per problem in this statement; empty when it is fine. */
  check(context: StatementContext): string[];
}

/** The table a RangeVar names, as tracked in createdTables. */
export function tableName(relation: AstNode): string {
  return relation?.relname ?? '';
}

/** The AlterTableCmd bodies of an ALTER TABLE statement, or none for other statements. */
export function alterTableCommands(context: StatementContext): { table: string; cmd: AstNode }[] {
  const { kind, node } = context.statement;
  if (kind !== 'AlterTableStmt' || (node.objtype && node.objtype !== 'OBJECT_TABLE')) return [];
  const table = tableName(node.relation);
  return (node.cmds ?? []).map((c: AstNode) => ({ table, cmd: c.AlterTableCmd ?? {} }));
}

/** Whether the table existed before this migration (it was not created earlier in it). */
export function existing(context: StatementContext, table: string): boolean {
  return !context.createdTables.has(table);
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

/** The serial type (serial, serial8, bigserial, ...) of a ColumnDef, whose nextval() default fills every row. */
export function serialType(column: AstNode): string | undefined {
  const type = String(column?.typeName?.names?.at(-1)?.String?.sval ?? '');
  return /serial\d?$/.test(type) ? type : undefined;
}
