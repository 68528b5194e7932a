import type { LintRule } from './rule';

export default {
  id: 'nested-transaction',
  title: 'BEGIN or COMMIT that does not do what it says',
  severity: 'medium',
  category: 'deploy',
  flags: '`BEGIN` inside a transaction (the tool\'s or an open BEGIN), `COMMIT`/`ROLLBACK` that ends the tool\'s transaction, `COMMIT`/`ROLLBACK` with no transaction open',
  doc: 'PostgreSQL has no nested transactions. A BEGIN inside the transaction the tool opens (or inside another BEGIN) is ignored with a warning, and the COMMIT that follows ends the tool\'s transaction early: what comes after it, and the tool\'s own bookkeeping, run outside it, so a failure leaves the migration half applied and unrecorded. A COMMIT with no transaction open only warns. Leave transaction control to the tool, or turn its transaction off for this migration.',
  check({ transaction }) {
    switch (transaction.event) {
      case 'nested-begin':
        return [transaction.block === 'tool' ? 'BEGIN inside the transaction the migration tool opens: ignored with a warning, and the COMMIT after it ends the tool\'s transaction early' : 'BEGIN inside an open BEGIN: ignored with a warning'];
      case 'ends-tool-transaction':
        return ['ends the transaction the migration tool opened: the statements after it and the tool\'s own bookkeeping run outside it'];
      case 'commit-without-transaction':
        return ['COMMIT/ROLLBACK with no BEGIN: the server only warns "there is no transaction in progress"'];
      default:
        return [];
    }
  },
} satisfies LintRule;
