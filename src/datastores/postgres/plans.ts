// What an EXPLAIN (VERBOSE, FORMAT JSON) plan says about index use: the index
// scans it makes, and the large relations it reads in full where an index could
// narrow the read (a selective filter or join) or deliver the order a LIMIT
// needs, with the index that would serve. No I/O: a function of the plan and of
// the relations' sizes and indexes. It parses expressions with libpg-query
// (loadParser() first), so collectors use it and checks read its results.
import type { IndexSuggestion, PlanIssue } from './statement-facts';
import { qualifiedName, quoteIdent } from './identifiers';
import { conditionsOn, emptyConditions, sortColumn, withoutLiterals, type SortColumn } from './statement-text';

/** The fields of an EXPLAIN (FORMAT JSON) plan node this module reads. */
export interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Parallel Aware'?: boolean;
  'Plan Rows': number;
  'Total Cost': number;
  Filter?: string;
  'Hash Cond'?: string;
  'Merge Cond'?: string;
  'Join Filter'?: string;
  'Sort Key'?: string[];
  Plans?: PlanNode[];
}

export interface RelationIndex {
  name: string;
  valid: boolean;
  method: string;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
  predicate: string | null;
}

export interface RelationInfo {
  rows: number;
  indexes: RelationIndex[];
}

/**
 * A filter or join that keeps at most this share of a relation's rows is what
 * an index serves; above it, reading the whole relation is usually cheaper.
 */
export const SELECTIVE_SHARE = 0.1;

const JOINS = new Set(['Hash Join', 'Merge Join', 'Nested Loop']);
/** Nodes between a join and the scan feeding it that do not change which rows are read. */
const PASS_THROUGH = new Set(['Hash', 'Materialize', 'Memoize', 'Gather', 'Gather Merge', 'Result', 'Sort', 'Incremental Sort']);
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

export interface PlanReading {
  totalCost: number;
  indexesUsed: string[];
  /** schema.name of every relation the plan reads. */
  relations: string[];
  issues: PlanIssue[];
}

/** Every relation (schema, name) a plan reads. */
export function planRelations(root: PlanNode): { schema: string; name: string }[] {
  const found = new Map<string, { schema: string; name: string }>();
  const visit = (node: PlanNode) => {
    if (node['Relation Name'] && node.Schema) found.set(`${node.Schema}.${node['Relation Name']}`, { schema: node.Schema, name: node['Relation Name'] });
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(root);
  return [...found.values()];
}

/** True when a plan scans the index named (HypoPG names its indexes `<oid>btree_...`). */
export function planUsesIndex(root: PlanNode, index: string): boolean {
  return root['Index Name'] === index || (root.Plans ?? []).some((child) => planUsesIndex(child, index));
}

/** The plan's index scans and issues; relations in system schemas and in `excludeSchemas` raise none. */
export function readPlan(
  root: PlanNode,
  relations: ReadonlyMap<string, RelationInfo>,
  minLiveRows: number,
  excludeSchemas: readonly string[] = [],
): PlanReading {
  const indexesUsed = new Set<string>();
  const read = new Set<string>();
  const issues: PlanIssue[] = [];
  const visit = (node: PlanNode, ancestors: PlanNode[]) => {
    if (node['Index Name']) indexesUsed.add(node['Index Name']);
    if (node['Relation Name'] && node.Schema) {
      const relation = `${node.Schema}.${node['Relation Name']}`;
      read.add(relation);
      const info = relations.get(relation);
      const judged = !SYSTEM_SCHEMAS.has(node.Schema) && !excludeSchemas.includes(node.Schema);
      if (node['Node Type'] === 'Seq Scan' && info && info.rows >= minLiveRows && judged) {
        const issue = sequentialScanIssue(node, ancestors, info);
        if (issue) issues.push(issue);
      }
    }
    for (const child of node.Plans ?? []) visit(child, [node, ...ancestors]);
  };
  visit(root, []);
  return { totalCost: root['Total Cost'], indexesUsed: [...indexesUsed], relations: [...read], issues };
}

/** Rows a scan keeps: a parallel scan's estimate is per worker, its Gather's is the total. */
function keptRows(node: PlanNode, ancestors: PlanNode[]): number {
  if (!node['Parallel Aware']) return node['Plan Rows'];
  return ancestors.find((a) => a['Node Type'] === 'Gather' || a['Node Type'] === 'Gather Merge')?.['Plan Rows'] ?? node['Plan Rows'];
}

/** The join a scan feeds, through nodes that pass its rows on, and the side it is on. */
function joinAbove(node: PlanNode, ancestors: PlanNode[]): { join: PlanNode; side: string | undefined } | undefined {
  let child = node;
  for (const ancestor of ancestors) {
    if (JOINS.has(ancestor['Node Type'])) return { join: ancestor, side: child['Parent Relationship'] };
    if (!PASS_THROUGH.has(ancestor['Node Type'])) return undefined;
    child = ancestor;
  }
  return undefined;
}

/** The keys of a top-N sort (Limit over Sort) right above the scan, when all are columns of its relation. */
function topNSortKeys(alias: string, ancestors: PlanNode[]): SortColumn[] | undefined {
  const [sort, above, aboveThat] = ancestors;
  if (sort?.['Node Type'] !== 'Sort' || !sort['Sort Key']) return undefined;
  const limit = above?.['Node Type'] === 'Gather Merge' ? aboveThat : above;
  if (limit?.['Node Type'] !== 'Limit') return undefined;
  const keys = sort['Sort Key'].map(sortColumn);
  return keys.every((k): k is SortColumn => k !== undefined && (k.alias === null || k.alias === alias)) ? keys : undefined;
}

function sequentialScanIssue(node: PlanNode, ancestors: PlanNode[], info: RelationInfo): PlanIssue | undefined {
  const schema = node.Schema!;
  const name = node['Relation Name']!;
  const alias = node.Alias ?? name;
  const filter = conditionsOn(node.Filter, alias);
  const kept = keptRows(node, ancestors);
  const hasFilter = node.Filter !== undefined;
  const selectiveFilter = hasFilter && kept <= info.rows * SELECTIVE_SHARE;

  const above = joinAbove(node, ancestors);
  // An index helps the inner side of a nested loop only; a hash or merge join can turn into one.
  const usable = above && (above.join['Node Type'] !== 'Nested Loop' || above.side === 'Inner');
  const joinCondition = usable ? (above.join['Hash Cond'] ?? above.join['Merge Cond'] ?? above.join['Join Filter']) : undefined;
  const join = joinCondition ? conditionsOn(joinCondition, alias) : emptyConditions();
  const selectiveJoin = join.joinEquality.length > 0 && above!.join['Plan Rows'] <= info.rows * SELECTIVE_SHARE;

  const order = topNSortKeys(alias, ancestors);
  if (!selectiveFilter && !selectiveJoin && !order) return undefined;

  const conditions = [
    hasFilter ? `Filter: ${node.Filter}` : undefined,
    selectiveJoin ? `${above!.join['Hash Cond'] ? 'Hash Cond' : above!.join['Merge Cond'] ? 'Merge Cond' : 'Join Filter'}: ${joinCondition}` : undefined,
    order ? `Sort Key: ${ancestors[0]!['Sort Key']!.join(', ')} (under a LIMIT)` : undefined,
  ].filter((c): c is string => c !== undefined);
  const kind = selectiveFilter || selectiveJoin ? 'sequential scan' : 'sort';
  return {
    kind,
    relation: `${schema}.${name}`,
    relationRows: info.rows,
    estimatedRows: kind === 'sequential scan' && !selectiveFilter ? above!.join['Plan Rows'] : kept,
    node: `Seq Scan on ${schema}.${name}${alias === name ? '' : ` ${alias}`}`,
    condition: conditions.map(withoutLiterals).join('; '),
    suggestion: suggestIndex(schema, name, info, {
      equality: [...filter.equality, ...filter.joinEquality, ...(selectiveJoin ? join.joinEquality : [])],
      range: filter.range,
      order: order ?? [],
      predicates: filter.predicates,
      other: filter.other,
    }),
  };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** How a sort key is written in an index: keys all descending are served by an ascending index read backwards. */
function orderSpec(keys: SortColumn[]): string[] {
  const backwards = keys.every((k) => k.descending);
  return keys.map((k) => {
    const nullsFirst = (k.nulls ?? (k.descending ? 'first' : 'last')) === 'first';
    const descending = backwards ? false : k.descending;
    const indexNullsFirst = backwards ? !nullsFirst : nullsFirst;
    const defaultNullsFirst = descending;
    return `${quoteIdent(k.name)}${descending ? ' DESC' : ''}${indexNullsFirst === defaultNullsFirst ? '' : indexNullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
  });
}

function normalizedPredicate(predicate: string): string {
  return predicate.replace(/[()"]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** An index whose leading columns are the equality columns (in any order), then the next key wanted. */
function coveringIndex(indexes: RelationIndex[], leading: string[], next: string | undefined, where: string | null): RelationIndex | undefined {
  const wanted = new Set(leading);
  const covers = (index: RelationIndex) => {
    if (index.method === 'hash') {
      if (leading.length !== 1 || next !== undefined || index.columns[0] !== leading[0]) return false;
    } else if (index.method !== 'btree') {
      return false;
    }
    const first = index.columns.slice(0, leading.length);
    if (first.length < leading.length || first.some((c) => c === null || !wanted.has(c))) return false;
    if (next !== undefined && index.columns[leading.length] !== next) return false;
    return index.predicate === null || (where !== null && normalizedPredicate(index.predicate) === normalizedPredicate(where));
  };
  return indexes.filter(covers).sort((a, b) => Number(b.valid) - Number(a.valid))[0];
}

interface WantedKeys {
  equality: string[];
  range: string[];
  order: SortColumn[];
  predicates: string[];
  other: string[];
}

/**
 * Equality columns first, then the ORDER BY columns a LIMIT reads in order (or
 * else the first range column); constant conditions (`deleted_at IS NULL`)
 * make it partial. An existing index on those columns is named instead.
 */
function suggestIndex(schema: string, name: string, info: RelationInfo, keys: WantedKeys): IndexSuggestion {
  const leading = unique(keys.equality);
  const order = keys.order.filter((k) => !leading.includes(k.name));
  const next = order.length > 0 ? orderSpec(order) : keys.range[0] ? [quoteIdent(keys.range[0])] : [];
  if (leading.length === 0 && next.length === 0) {
    return {
      kind: 'none',
      reason: keys.other.length > 0 ? `the condition is ${unique(keys.other).join(' and ')}` : 'the condition names no column an index could lead with',
    };
  }
  const where = keys.predicates.length > 0 ? unique(keys.predicates).join(' AND ') : null;
  const existing = coveringIndex(info.indexes, leading, order[0]?.name ?? keys.range[0], where);
  if (existing) return { kind: 'existing', index: existing.name, valid: existing.valid };
  const columns = [...leading.map(quoteIdent), ...next];
  return {
    kind: 'new',
    columns,
    where,
    statement: `CREATE INDEX CONCURRENTLY ON ${qualifiedName(schema, name)} (${columns.join(', ')})${where ? ` WHERE ${where}` : ''};`,
  };
}
