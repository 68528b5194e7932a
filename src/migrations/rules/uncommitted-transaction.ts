import type { LintRule } from './rule';

export default {
  id: 'uncommitted-transaction',
  title: 'BEGIN without COMMIT',
  severity: 'high',
  category: 'deploy',
  flags: '`BEGIN` with no `COMMIT`/`ROLLBACK` after it in the file',
  doc: 'A transaction that is begun and never committed is rolled back when the session ends (psql, so sqitch, ends it with the script), or stays open on the tool\'s connection, holding its locks, until something commits or closes it: the migration may be recorded as applied while its changes are lost. End every BEGIN with COMMIT in the same file. (Where the tool runs the file in a transaction of its own, its COMMIT at the end commits a block the file opened after ending the tool\'s: that is nested-transaction\'s finding, not this one.)',
  check({ transaction }) {
    return transaction.event === 'never-committed' ? ['BEGIN is never committed or rolled back in this file: its changes are lost when the session ends, or it stays open holding its locks'] : [];
  },
} satisfies LintRule;
