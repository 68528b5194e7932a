// Every lint rule, registered here (a test fails for a rule file that is not); docs/migrations.md lists them.
import addNotNullColumnWithoutDefault from './add-not-null-column-without-default';
import addUniqueConstraint from './add-unique-constraint';
import changeColumnType from './change-column-type';
import concurrentlyInTransaction from './concurrently-in-transaction';
import constraintWithoutNotValid from './constraint-without-not-valid';
import detachPartitionWithoutConcurrently from './detach-partition-without-concurrently';
import dropDefaultNotNull from './drop-default-not-null';
import domainConstraintWithoutNotValid from './domain-constraint-without-not-valid';
import dropColumn from './drop-column';
import dropDatabase from './drop-database';
import dropNotNull from './drop-not-null';
import dropObject from './drop-object';
import dropTable from './drop-table';
import duplicateColumn from './duplicate-column';
import identifierTooLong from './identifier-too-long';
import indexWithoutConcurrently from './index-without-concurrently';
import nestedTransaction from './nested-transaction';
import refreshWithoutConcurrently from './refresh-without-concurrently';
import reindexWithoutConcurrently from './reindex-without-concurrently';
import renameColumn from './rename-column';
import renameEnumValue from './rename-enum-value';
import renameObject from './rename-object';
import renameTable from './rename-table';
import requireLockTimeout from './require-lock-timeout';
import setNotNull from './set-not-null';
import tableRewrite from './table-rewrite';
import truncateCascade from './truncate-cascade';
import uncommittedTransaction from './uncommitted-transaction';
import volatileDefault from './volatile-default';
import type { LintRule } from './rule';

/** Compatibility rules first, then locking, deploy and data-loss rules. */
export const LINT_RULES: LintRule[] = [
  dropTable,
  dropColumn,
  renameTable,
  renameColumn,
  changeColumnType,
  setNotNull,
  addNotNullColumnWithoutDefault,
  dropDefaultNotNull,
  dropNotNull,
  dropObject,
  renameObject,
  renameEnumValue,
  constraintWithoutNotValid,
  indexWithoutConcurrently,
  addUniqueConstraint,
  volatileDefault,
  tableRewrite,
  reindexWithoutConcurrently,
  refreshWithoutConcurrently,
  detachPartitionWithoutConcurrently,
  domainConstraintWithoutNotValid,
  requireLockTimeout,
  concurrentlyInTransaction,
  nestedTransaction,
  uncommittedTransaction,
  duplicateColumn,
  identifierTooLong,
  truncateCascade,
  dropDatabase,
];
