// How PostgreSQL objects are named: in SQL that continuity prints (remediations),
// quoted exactly as PostgreSQL's quote_ident() would, and in the resource keys
// that identify one object across scans, waivers and drift. Pure.

/**
 * Keywords that quote_ident() quotes: every keyword that is not unreserved
 * (pg_get_keywords() catcode R, C and T on PostgreSQL 17; test/postgres/identifiers.test.ts
 * compares the helper with quote_ident() on real servers). Quoting one more word than an
 * older server would is harmless: a quoted identifier is the same identifier.
 */
const QUOTED_KEYWORDS = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'between',
  'bigint', 'binary', 'bit', 'boolean', 'both', 'case', 'cast', 'char', 'character', 'check', 'coalesce',
  'collate', 'collation', 'column', 'concurrently', 'constraint', 'create', 'cross', 'current_catalog',
  'current_date', 'current_role', 'current_schema', 'current_time', 'current_timestamp', 'current_user',
  'dec', 'decimal', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'exists',
  'extract', 'false', 'fetch', 'float', 'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'greatest',
  'group', 'grouping', 'having', 'ilike', 'in', 'initially', 'inner', 'inout', 'int', 'integer', 'intersect',
  'interval', 'into', 'is', 'isnull', 'join', 'json', 'json_array', 'json_arrayagg', 'json_exists',
  'json_object', 'json_objectagg', 'json_query', 'json_scalar', 'json_serialize', 'json_table', 'json_value',
  'lateral', 'leading', 'least', 'left', 'like', 'limit', 'localtime', 'localtimestamp', 'merge_action',
  'national', 'natural', 'nchar', 'none', 'normalize', 'not', 'notnull', 'null', 'nullif', 'numeric',
  'offset', 'on', 'only', 'or', 'order', 'out', 'outer', 'overlaps', 'overlay', 'placing', 'position',
  'precision', 'primary', 'real', 'references', 'returning', 'right', 'row', 'select', 'session_user',
  'setof', 'similar', 'smallint', 'some', 'substring', 'symmetric', 'system_user', 'table', 'tablesample',
  'then', 'time', 'timestamp', 'to', 'trailing', 'treat', 'trim', 'true', 'union', 'unique', 'user', 'using',
  'values', 'varchar', 'variadic', 'verbose', 'when', 'where', 'window', 'with', 'xmlattributes',
  'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest', 'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot',
  'xmlserialize', 'xmltable',]);

/** A name as it must appear in SQL, with quote_ident() semantics: `orders`, `"OrderItems"`, `"select"`, `"a""b"`. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !QUOTED_KEYWORDS.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A schema-qualified name as SQL: `public."OrderItems"`. */
export function qualifiedName(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * Resource keys (docs/scan-result.md): `<datastore>:<schema>.<table>` for a table,
 * `<datastore>:<schema>.<table>#<object>` for a constraint or index on it, and
 * `<datastore>:role <role>` for a role, each name written as quoteIdent() writes it, so a
 * key names exactly one object whatever characters the names hold.
 */
export function tableKey(datastore: string, table: { schema: string; name: string }): string {
  return `${datastore}:${qualifiedName(table.schema, table.name)}`;
}

export function objectKey(datastore: string, table: { schema: string; name: string }, object: string): string {
  return `${tableKey(datastore, table)}#${quoteIdent(object)}`;
}

export function roleKey(datastore: string, role: string): string {
  return `${datastore}:role ${quoteIdent(role)}`;
}

/**
 * The names in a resource key after the `<datastore>:` prefix, read back:
 * `public."Order.Items"#fk` gives ['public', 'Order.Items', 'fk'] with the separators
 * found between them ('.', '#'). Undefined when the text is not a sequence of identifiers.
 */
export function parseKeyNames(text: string): { names: string[]; separators: string[] } | undefined {
  const names: string[] = [];
  const separators: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (names.length > 0) {
      const separator = text[i]!;
      if (separator !== '.' && separator !== '#') return undefined;
      separators.push(separator);
      i++;
    }
    if (text[i] === '"') {
      let name = '';
      i++;
      for (;;) {
        if (i >= text.length) return undefined;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            name += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += text[i++];
      }
      names.push(name);
    } else {
      const match = /^[^".#]+/.exec(text.slice(i));
      if (!match) return undefined;
      names.push(match[0]);
      i += match[0].length;
    }
  }
  return names.length > 0 ? { names, separators } : undefined;
}
