import type { LintRule } from './rule';

export default {
  id: 'drop-database',
  title: 'Database dropped',
  severity: 'high',
  category: 'data-loss',
  flags: '`DROP DATABASE`',
  doc: 'A migration that drops a database destroys every table in it and breaks every application connected to it; it cannot be undone by a down migration. Drop databases by hand, after a backup, never from a migration.',
  check({ statement }) {
    return statement.kind === 'DropdbStmt' ? [`drops database ${statement.node.dbname}`] : [];
  },
} satisfies LintRule;
