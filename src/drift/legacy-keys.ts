// Resource keys of scans made before PostgreSQL findings were one per object
// (docs/scan-result.md, "Resource keys"): unindexed foreign keys were keyed by their
// table, index findings by the index alone, and names were not quoted. Drift maps a
// finding of today to the key it had then, so that the first scan after an upgrade
// compares with the last one before it instead of reporting every finding as new. Pure.
import type { Finding } from '../model';
import { parseKeyNames } from '../datastores/postgres/identifiers';

const BY_TABLE = new Set(['postgres.unindexed-foreign-key']);
const BY_INDEX = new Set(['postgres.duplicate-index', 'postgres.unused-index', 'postgres.invalid-index']);
const TABLES = new Set(['postgres.missing-primary-key', 'postgres.sequential-scan-heavy', 'supabase.rls-disabled-in-api']);
const ROLES = new Set(['postgres.superuser-login-roles']);

/** The key this finding had in the old format, when it differs from today's. */
export function legacyResource(finding: Pick<Finding, 'checkId' | 'resource' | 'datastore'>): string | undefined {
  const prefix = `${finding.datastore ?? ''}:`;
  if (!finding.datastore || !finding.resource.startsWith(prefix)) return undefined;
  const rest = finding.resource.slice(prefix.length);
  let old: string | undefined;
  if (ROLES.has(finding.checkId) && rest.startsWith('role ')) {
    const parsed = parseKeyNames(rest.slice('role '.length));
    if (parsed?.names.length === 1) old = `role ${parsed.names[0]}`;
  } else {
    const parsed = parseKeyNames(rest);
    const [schema, table, object] = parsed?.names ?? [];
    const shape = parsed?.separators.join('');
    if (schema === undefined || table === undefined) return undefined;
    if (shape === '.#' && object !== undefined && BY_TABLE.has(finding.checkId)) old = `${schema}.${table}`;
    else if (shape === '.#' && object !== undefined && BY_INDEX.has(finding.checkId)) old = `${schema}.${object}`;
    else if (shape === '.' && TABLES.has(finding.checkId)) old = `${schema}.${table}`;
  }
  return old === undefined || `${prefix}${old}` === finding.resource ? undefined : `${prefix}${old}`;
}
