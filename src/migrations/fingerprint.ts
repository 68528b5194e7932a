// A schema fingerprint: a normalised, sorted dump of the catalog (tables,
// columns, constraints, indexes, sequences, views, functions, enum, domain and
// composite types, triggers, extensions, row-level security and its policies,
// comments), read with catalog queries rather than pg_dump, whose version may not match.
import type pg from 'pg';

/** Schemas never part of the application's schema: system ones and the migration tools' bookkeeping. */
const EXCLUDED_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast', 'sqitch'];
/** Bookkeeping tables migration tools keep in the application schema. */
const EXCLUDED_TABLES = ['schema_migrations', 'flyway_schema_history', 'databasechangelog', 'databasechangeloglock'];

const FILTER = `n.nspname <> all($1::text[]) and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'`;

const QUERIES: { kind: string; sql: string }[] = [
  { kind: 'schema', sql: `select n.nspname as line from pg_namespace n where ${FILTER} and n.nspname <> 'public'` },
  {
    kind: 'relation',
    sql: `select format('%s.%s kind=%s', n.nspname, c.relname, c.relkind) as line
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and c.relkind in ('r','p','v','m','S','f') and c.relname <> all($2::text[])`,
  },
  {
    // The default is appended in schemaFingerprint: a constant default by its value, so that '{}'::t[] and ARRAY[]::t[] match.
    kind: 'column',
    sql: `select format('%s.%s.%s %s%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                  case when a.attnotnull then ' not null' else '' end) as line,
                  pg_get_expr(d.adbin, d.adrelid) as default_expr,
                  case when a.attidentity <> '' then ' identity ' || a.attidentity::text when a.attgenerated <> '' then ' generated' else '' end as suffix
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid
            join pg_namespace n on n.oid = c.relnamespace
            left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
           where ${FILTER} and c.relkind in ('r','p','v','m','f') and a.attnum > 0 and not a.attisdropped and c.relname <> all($2::text[])`,
  },
  {
    kind: 'constraint',
    sql: `select format('%s.%s %s %s', n.nspname, c.relname, co.conname, pg_get_constraintdef(co.oid)) as line
            from pg_constraint co join pg_class c on c.oid = co.conrelid join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and c.relname <> all($2::text[])`,
  },
  {
    kind: 'index',
    sql: `select pg_get_indexdef(i.indexrelid) as line
            from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and c.relname <> all($2::text[])`,
  },
  {
    kind: 'sequence',
    sql: `select format('%s.%s %s start=%s increment=%s min=%s max=%s cycle=%s', n.nspname, c.relname, format_type(s.seqtypid, null),
                  s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcycle) as line
            from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER}`,
  },
  {
    kind: 'view',
    sql: `select format('%s.%s as %s', n.nspname, c.relname, regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')) as line
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and c.relkind in ('v','m')`,
  },
  {
    kind: 'function',
    sql: `select format('%s.%s(%s) returns %s md5=%s', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid),
                  coalesce(pg_get_function_result(p.oid), 'procedure'), md5(pg_get_functiondef(p.oid))) as line
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace
           where ${FILTER} and p.prokind in ('f','p','w')
             and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')`,
  },
  {
    kind: 'enum',
    sql: `select format('%s.%s (%s)', n.nspname, t.typname, string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder)) as line
            from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
           where ${FILTER} group by n.nspname, t.typname`,
  },
  {
    kind: 'domain',
    sql: `select format('%s.%s %s%s%s%s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod),
                  case when t.typnotnull then ' not null' else '' end,
                  coalesce(' default ' || t.typdefault, ''),
                  coalesce((select ' ' || string_agg(format('%s %s', co.conname, pg_get_constraintdef(co.oid)), ' ' order by co.conname)
                              from pg_constraint co where co.contypid = t.oid), '')) as line
            from pg_type t join pg_namespace n on n.oid = t.typnamespace
           where ${FILTER} and t.typtype = 'd'
             and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')`,
  },
  {
    kind: 'composite',
    sql: `select format('%s.%s (%s)', n.nspname, t.typname,
                  coalesce(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' order by a.attnum), '')) as line
            from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_class c on c.oid = t.typrelid
            left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           where ${FILTER} and t.typtype = 'c' and c.relkind = 'c'
             and not exists (select 1 from pg_depend d where d.objid = t.oid and d.deptype = 'e')
           group by n.nspname, t.typname`,
  },
  {
    kind: 'extension',
    sql: `select format('%s %s schema=%s', e.extname, e.extversion, n.nspname) as line
            from pg_extension e join pg_namespace n on n.oid = e.extnamespace`,
  },
  {
    kind: 'row security',
    sql: `select format('%s.%s enabled=%s forced=%s', n.nspname, c.relname, c.relrowsecurity::text, c.relforcerowsecurity::text) as line
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and (c.relrowsecurity or c.relforcerowsecurity)`,
  },
  {
    kind: 'policy',
    sql: `select format('%s.%s %s %s for %s to %s using (%s) with check (%s)', n.nspname, c.relname, p.polname,
                  case when p.polpermissive then 'permissive' else 'restrictive' end, p.polcmd,
                  (select string_agg(coalesce(ro.rolname::text, 'public'), ',' order by ro.rolname nulls first)
                     from unnest(p.polroles) r left join pg_roles ro on ro.oid = r),
                  coalesce(pg_get_expr(p.polqual, p.polrelid), ''), coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')) as line
            from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER}`,
  },
  {
    // Objects created after initdb only (oid >= FirstNormalObjectId): the built-in catalog holds thousands of
    // comments. An extension's own comments come and go with it, and its extension line already shows it.
    kind: 'comment',
    sql: `select format('%s %s: %s', o.type, o.identity, d.description) as line
            from pg_description d, pg_identify_object(d.classoid, d.objoid, d.objsubid) o
           where d.objoid >= 16384 and d.classoid <> 'pg_extension'::regclass
             and (o.schema is null or (o.schema <> all($1::text[]) and o.schema not like 'pg_temp%'))
             and not exists (select 1 from pg_depend e where e.classid = d.classoid and e.objid = d.objoid and e.deptype = 'e')`,
  },
  {
    kind: 'trigger',
    sql: `select format('%s.%s %s', n.nspname, c.relname, pg_get_triggerdef(t.oid)) as line
            from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
           where ${FILTER} and not t.tgisinternal`,
  },
];

/** SQL value functions: keywords whose value changes (CURRENT_DATE), so a default using one is not a constant. */
const SQL_VALUE_FUNCTION = /\b(current_date|current_time|current_timestamp|localtime|localtimestamp|current_user|session_user|user|current_role|current_catalog|current_schema)\b/i;

/** A default that is a constant: literals, ARRAY[…] and casts, no function call (a call may be volatile or have effects). */
function constantExpression(expression: string): boolean {
  const code = expression.replace(/'(?:[^']|'')*'/g, "''");
  return !/[A-Za-z_][\w$]*\s*\(/.test(code) && !SQL_VALUE_FUNCTION.test(code);
}

/** A default as the fingerprint compares it: a constant by its value (evaluated by the server), anything else as written. */
async function defaultOf(client: pg.ClientBase, expression: string): Promise<string> {
  if (!constantExpression(expression)) return ` default ${expression}`;
  try {
    const { rows } = await client.query<{ value: string | null }>(`select (${expression})::text as value`);
    const value = rows[0]!.value;
    return ` default = ${value === null ? 'null' : `'${value.replace(/'/g, "''")}'`}`;
  } catch {
    return ` default ${expression}`;
  }
}

/** Sorted lines, each `kind: description`. Two equal fingerprints mean the same schema. */
export async function schemaFingerprint(client: pg.ClientBase): Promise<string[]> {
  const lines: string[] = [];
  for (const { kind, sql } of QUERIES) {
    const params: unknown[] = [];
    if (sql.includes('$1')) params.push(EXCLUDED_SCHEMAS);
    if (sql.includes('$2')) params.push(EXCLUDED_TABLES);
    const result = await client.query<{ line: string; default_expr?: string | null; suffix?: string }>(sql, params);
    for (const row of result.rows) {
      const defaultText = row.default_expr ? await defaultOf(client, row.default_expr) : '';
      lines.push(`${kind}: ${row.line}${defaultText}${row.suffix ?? ''}`);
    }
  }
  return lines.sort();
}

export interface FingerprintDiff {
  /** In the actual schema but not the expected one. */
  extra: string[];
  /** In the expected schema but missing from the actual one. */
  missing: string[];
}

export function diffFingerprints(expected: string[], actual: string[]): FingerprintDiff {
  const want = new Set(expected);
  const have = new Set(actual);
  return { extra: actual.filter((l) => !want.has(l)), missing: expected.filter((l) => !have.has(l)) };
}
