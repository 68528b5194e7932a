import { relationName, type AstNode } from '../sql';
import type { LintRule } from './rule';

export default {
  id: 'truncate-cascade',
  title: 'TRUNCATE ... CASCADE',
  severity: 'high',
  category: 'data-loss',
  flags: '`TRUNCATE … CASCADE`',
  doc: 'TRUNCATE ... CASCADE also empties every table that references the named tables by foreign key, which may be far more data than intended, and it cannot be undone by a down migration. Name each table explicitly, or delete the rows you mean to.',
  check({ statement }) {
    if (statement.kind !== 'TruncateStmt' || statement.node.behavior !== 'DROP_CASCADE') return [];
    const tables = (statement.node.relations ?? []).map((r: AstNode) => relationName(r.RangeVar)).join(', ');
    return [`truncates ${tables} with CASCADE, emptying every table that references them`];
  },
} satisfies LintRule;
