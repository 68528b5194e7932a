// How Squawk's rules (squawk-cli 2.61, the last release whose binaries for every platform are on the npm registry this project installs from) relate to continuity's: the continuity
// rules that flag what each Squawk rule flags, or why continuity has no
// equivalent (style-only rules, left out on purpose). continuity's duplicate-column
// has no Squawk rule to compare with in 2.61 (ban-duplicate-column-assignments came later).

/** A continuity rule, or a rule and the messages of it that match (one continuity rule can cover several Squawk rules). */
export type ContinuityMatch = string | { rule: string; message: RegExp };

export type SquawkRule =
  | { continuity: ContinuityMatch[] }
  | { leftOut: string };

export function matches(match: ContinuityMatch, hit: { rule: string; message: string }): boolean {
  return typeof match === 'string' ? hit.rule === match : hit.rule === match.rule && match.message.test(hit.message);
}

export const SQUAWK_RULES: Record<string, SquawkRule> = {
  'adding-field-with-default': { continuity: ['volatile-default', { rule: 'table-rewrite', message: /GENERATED/ }] },
  'adding-foreign-key-constraint': { continuity: [{ rule: 'constraint-without-not-valid', message: /foreign key/ }] },
  'adding-not-nullable-field': { continuity: ['set-not-null'] },
  'adding-required-field': { continuity: ['add-not-null-column-without-default'] },
  'adding-serial-primary-key-field': { continuity: [{ rule: 'add-unique-constraint', message: /primary key/ }] },
  'ban-alter-domain-with-add-constraint': { continuity: ['domain-constraint-without-not-valid'] },
  'ban-concurrent-index-creation-in-transaction': { continuity: ['concurrently-in-transaction'] },
  'ban-drop-column': { continuity: ['drop-column'] },
  'ban-drop-database': { continuity: ['drop-database'] },
  'ban-drop-not-null': { continuity: ['drop-not-null'] },
  'ban-drop-table': { continuity: ['drop-table'] },
  'ban-truncate-cascade': { continuity: ['truncate-cascade'] },
  'ban-uncommitted-transaction': { continuity: ['uncommitted-transaction'] },
  'changing-column-type': { continuity: ['change-column-type'] },
  // Squawk's rule covers ADD CONSTRAINT of any kind without NOT VALID, and VALIDATE in the transaction that added it.
  'constraint-missing-not-valid': { continuity: [{ rule: 'constraint-without-not-valid', message: /^(adds (foreign key|CHECK)|validates)/ }, { rule: 'add-unique-constraint', message: /^adds (a|an) / }] },
  'disallowed-unique-constraint': { continuity: [{ rule: 'add-unique-constraint', message: /unique constraint/ }] },
  'identifier-too-long': { continuity: ['identifier-too-long'] },
  'renaming-column': { continuity: ['rename-column'] },
  'renaming-table': { continuity: ['rename-table'] },
  'require-concurrent-index-creation': { continuity: [{ rule: 'index-without-concurrently', message: /^creates index/ }] },
  'require-concurrent-index-deletion': { continuity: [{ rule: 'index-without-concurrently', message: /^drops index/ }] },
  'require-concurrent-partition-detach': { continuity: ['detach-partition-without-concurrently'] },
  'require-concurrent-reindex': { continuity: ['reindex-without-concurrently'] },
  'require-lock-timeout': { continuity: ['require-lock-timeout'] },
  'transaction-nesting': { continuity: ['nested-transaction'] },
  'ban-create-domain-with-constraint': {
    leftOut: 'design advice, not a hazard of the statement: CREATE DOMAIN locks no existing table, and a domain constraint can later be changed online with ALTER DOMAIN … ADD CONSTRAINT … NOT VALID (which domain-constraint-without-not-valid checks)',
  },
  'prefer-bigint-over-int': { leftOut: 'style: a column type preference, not a compatibility, lock or correctness hazard of the migration' },
  'prefer-bigint-over-smallint': { leftOut: 'style: a column type preference, not a compatibility, lock or correctness hazard of the migration' },
  'prefer-identity': { leftOut: 'style: serial works; its rewrite when added to an existing table is volatile-default' },
  'prefer-text-field': { leftOut: 'style: varchar(n) is a valid choice; widening it later is flagged by change-column-type' },
  'prefer-timestamp-tz': { leftOut: 'style: a column type preference' },
  'ban-char-field': { leftOut: 'style: a column type preference' },
  'prefer-robust-stmts': { leftOut: 'style: IF [NOT] EXISTS makes a rerun after a partial failure pass but also hides drift; the tools record what ran, and a file that fails half way is nested-transaction/uncommitted-transaction territory' },
  'require-enum-value-ordering': { leftOut: 'style: appending an enum value is safe; its sort position is a design choice' },
  'require-table-schema': { leftOut: 'style and opt-in in Squawk: unqualified names follow search_path' },
  'require-statement-timeout': {
    leftOut: 'a statement_timeout fails legitimate long steps (CREATE INDEX CONCURRENTLY, backfills); lock_timeout is what protects other queries from the lock queue, and require-lock-timeout checks it',
  },
  'prefer-repack': { leftOut: 'applies to PostgreSQL 19 (REPACK); on 17 the rewrite of VACUUM FULL and CLUSTER is table-rewrite' },
  'unused-ignore': { leftOut: "about Squawk's own ignore comments; continuity's suppressions are `-- continuity-ignore rule: reason` and need a reason" },
};
