import { blocked, booleanOption, describeBlocking } from '../locks';
import { existing, type LintRule } from './rule';

export default {
  id: 'require-lock-timeout',
  title: 'No lock_timeout before a lock that blocks reads or writes',
  severity: 'low',
  category: 'locking',
  flags: 'a statement taking a lock that blocks reads or writes (SHARE or stronger, from the lock table) on an existing relation, or REINDEX SCHEMA/DATABASE/SYSTEM, with no non-zero `lock_timeout` in effect',
  doc: 'A statement that needs a lock conflicting with the application\'s queries (SHARE and stronger: CREATE INDEX, foreign keys, triggers, most ALTER TABLE forms, REINDEX, REFRESH MATERIALIZED VIEW, LOCK TABLE …) waits behind any long-running query, and every conflicting query queues behind it: a short migration becomes an outage. Start the migration with SET lock_timeout = \'2s\' (and retry), so it fails fast instead. Locks that block neither (SHARE UPDATE EXCLUSIVE: CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT, SET (fillfactor)) are not flagged.',
  check(context) {
    if (context.lockTimeoutSet) return [];
    const { kind, node } = context.statement;
    // REINDEX SCHEMA/DATABASE/SYSTEM lock every table (or catalog) in turn: the tables are not named in the statement.
    if (kind === 'ReindexStmt' && !['REINDEX_OBJECT_INDEX', 'REINDEX_OBJECT_TABLE'].includes(node.kind) && booleanOption(node.params, 'concurrently') !== true) {
      return [`takes SHARE on every table it reindexes, in turn (blocks writes to each while it waits and runs), with no lock_timeout in effect`];
    }
    const lock = context.locks.find((l) => existing(context, l.relation) && (blocked(l.mode).reads || blocked(l.mode).writes));
    return lock ? [`takes ${lock.mode} on ${lock.relation} (${describeBlocking(lock.mode)} while it waits and runs) with no lock_timeout in effect`] : [];
  },
} satisfies LintRule;
