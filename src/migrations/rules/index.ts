// Every compatibility lint rule; docs/migrations.md lists them.
import addNotNullColumnWithoutDefault from './add-not-null-column-without-default';
import addUniqueConstraint from './add-unique-constraint';
import changeColumnType from './change-column-type';
import concurrentlyInTransaction from './concurrently-in-transaction';
import constraintWithoutNotValid from './constraint-without-not-valid';
import dropColumn from './drop-column';
import dropTable from './drop-table';
import indexWithoutConcurrently from './index-without-concurrently';
import renameColumn from './rename-column';
import renameTable from './rename-table';
import requireLockTimeout from './require-lock-timeout';
import setNotNull from './set-not-null';
import truncateCascade from './truncate-cascade';
import volatileDefault from './volatile-default';
import type { LintRule } from './rule';

export const LINT_RULES: LintRule[] = [
  dropTable,
  dropColumn,
  renameTable,
  renameColumn,
  changeColumnType,
  setNotNull,
  addNotNullColumnWithoutDefault,
  constraintWithoutNotValid,
  indexWithoutConcurrently,
  concurrentlyInTransaction,
  addUniqueConstraint,
  volatileDefault,
  requireLockTimeout,
  truncateCascade,
];
