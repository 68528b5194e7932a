import type { AstNode } from '../sql';
import type { LintRule } from './rule';

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((name, i) => names.indexOf(name) !== i))];
}

/** Columns assigned whole (not a field or element of them) by an INSERT column list or an UPDATE SET list. */
function assigned(targets: AstNode[] | undefined): string[] {
  return (targets ?? []).map((t: AstNode) => t.ResTarget).filter((t: AstNode) => t?.name && !t.indirection).map((t: AstNode) => t.name);
}

export default {
  id: 'duplicate-column',
  title: 'Column named twice',
  severity: 'high',
  category: 'deploy',
  flags: 'the same column twice in `CREATE TABLE`, an `INSERT` column list or an `UPDATE … SET` list',
  doc: 'PostgreSQL refuses a statement that defines or assigns the same column twice ("column specified more than once", "multiple assignments to same column"), so the migration fails when it is applied. Name each column once.',
  check({ statement }) {
    const { kind, node } = statement;
    let names: string[] = [];
    if (kind === 'CreateStmt') names = (node.tableElts ?? []).map((e: AstNode) => e.ColumnDef?.colname).filter(Boolean);
    else if (kind === 'InsertStmt') names = assigned(node.cols);
    else if (kind === 'UpdateStmt') names = assigned(node.targetList);
    return duplicates(names).map((name) => `column ${name} is named more than once, which PostgreSQL refuses`);
  },
} satisfies LintRule;
