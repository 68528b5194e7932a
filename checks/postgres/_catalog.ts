// The catalog as the PostgreSQL checks read it: tables with their partitions,
// indexes with the partition indexes attached to them, column names, the order
// findings are reported in, and the index recipes that PostgreSQL accepts on
// partitioned tables. Pure.
import type { FindingDraft } from '../../src/engine/types';
import { quoteIdent, qualifiedName } from '../../src/datastores/postgres/identifiers';
import { tableName, type PgColumn, type PgIndex, type PgTable } from '../../src/datastores/postgres/facts';
import { groupBy } from '../../src/util';

/** Byte-order comparison (code units), the same whatever the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Findings in a stable order: by the object they name. */
export function byResource(findings: FindingDraft[]): FindingDraft[] {
  return [...findings].sort((a, b) => compareText(a.resource, b.resource) || compareText(a.message, b.message));
}

/** How to drop an index: concurrently, except on a partitioned table, where PostgreSQL refuses CONCURRENTLY. */
export function dropIndexRemediation(name: string, index: Pick<PgIndex, 'partitioned'>, table: Pick<PgTable, 'schema' | 'name'>): string {
  return index.partitioned
    ? `DROP INDEX ${name};\n-- ${tableName(table)} is partitioned: PostgreSQL cannot drop its index concurrently; this locks the table and its partitions until done (set lock_timeout, run in a quiet period).`
    : `DROP INDEX CONCURRENTLY ${name};`;
}

/** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers. */
const MAX_IDENTIFIER_BYTES = 63;

/** Cut a name to at most `bytes` UTF-8 bytes without splitting a character. */
function clipBytes(name: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of name) {
    const size = Buffer.byteLength(ch);
    if (used + size > bytes) break;
    out += ch;
    used += size;
  }
  return out;
}

export class Catalog {
  readonly tableByOid: Map<number, PgTable>;
  private readonly partitionsOf: Map<number | null, PgTable[]>;
  private readonly indexesOf: Map<number, PgIndex[]>;
  private readonly attachedTo: Map<number | null, PgIndex[]>;
  private readonly columnsOf: Map<number, PgColumn[]>;
  /** Relation names taken in each schema, so that new index names do not collide. */
  private readonly taken = new Map<string, Set<string>>();

  constructor(tables: PgTable[], indexes: PgIndex[] = [], columns: PgColumn[] = []) {
    this.tableByOid = new Map(tables.map((t) => [t.oid, t]));
    this.partitionsOf = groupBy(tables, (t) => t.partitionOf);
    this.indexesOf = groupBy(indexes, (i) => i.tableOid);
    this.attachedTo = groupBy(indexes, (i) => i.attachedTo);
    this.columnsOf = groupBy(columns, (c) => c.tableOid);
    for (const relation of [...tables, ...indexes]) this.names(relation.schema).add(relation.name);
  }

  private names(schema: string): Set<string> {
    let names = this.taken.get(schema);
    if (!names) this.taken.set(schema, (names = new Set()));
    return names;
  }

  /** Direct partitions of a table, by name. */
  partitions(table: PgTable): PgTable[] {
    return [...(this.partitionsOf.get(table.oid) ?? [])].sort((a, b) => compareText(a.name, b.name));
  }

  /** The partitions that hold rows: the table itself when it is not partitioned. */
  leaves(table: PgTable): PgTable[] {
    if (table.kind !== 'partitioned table') return [table];
    return this.partitions(table).flatMap((p) => this.leaves(p));
  }

  /** Every partition below a table, at any depth. */
  descendants(table: PgTable): PgTable[] {
    return this.partitions(table).flatMap((p) => [p, ...this.descendants(p)]);
  }

  /** Tables that are not partitions: a partition is judged through them where statistics or keys are inherited. */
  roots(): PgTable[] {
    return [...(this.partitionsOf.get(null) ?? [])];
  }

  indexes(table: PgTable | number): PgIndex[] {
    return this.indexesOf.get(typeof table === 'number' ? table : table.oid) ?? [];
  }

  /** The partition indexes attached to a partitioned index. */
  attached(index: PgIndex): PgIndex[] {
    return this.attachedTo.get(index.oid) ?? [];
  }

  /** The indexes that hold the entries of an index: itself, or the leaf indexes attached below it. */
  leafIndexes(index: PgIndex): PgIndex[] {
    if (!index.partitioned) return [index];
    return this.attached(index).flatMap((i) => this.leafIndexes(i));
  }

  columnName(tableOid: number, number: number): string | undefined {
    return this.columnsOf.get(tableOid)?.find((c) => c.number === number)?.name;
  }

  columnNumber(tableOid: number, name: string): number | undefined {
    return this.columnsOf.get(tableOid)?.find((c) => c.name === name)?.number;
  }

  /** Key columns of an index as SQL shows them (expressions as `expr`). */
  describeColumns(index: PgIndex): string {
    return index.keyColumns.map((n) => (n === 0 ? 'expr' : (this.columnName(index.tableOid, n) ?? `#${n}`))).join(', ');
  }

  /** A name for a new index, unique in its schema, at most 63 bytes: `orders_2024_customer_id_idx`. */
  newIndexName(table: PgTable, columns: string[]): string {
    const taken = this.names(table.schema);
    const base = `${table.name}_${columns.join('_')}`;
    for (let n = 0; ; n++) {
      const suffix = n === 0 ? '_idx' : `_idx${n}`;
      const name = clipBytes(base, MAX_IDENTIFIER_BYTES - suffix.length) + suffix;
      if (!taken.has(name)) {
        taken.add(name);
        return name;
      }
    }
  }

  /**
   * The statements that give `table` an index of `spec` (what follows the table in
   * CREATE INDEX, e.g. ` (customer_id)` or ` USING btree (a) WHERE ...`) without a long
   * lock: on a partitioned table, PostgreSQL refuses CREATE INDEX CONCURRENTLY, so the
   * index is created ON ONLY the parent, CONCURRENTLY on each leaf partition, and each
   * partition's index attached (the parent's index becomes valid with the last one).
   * `needed` limits the partitions that get an index (those already holding one are left out).
   */
  indexRecipe(
    table: PgTable,
    spec: string,
    naming: string[],
    options: { unique?: boolean; existing?: string; needed?: (partition: PgTable) => boolean; attach?: boolean } = {},
  ): { statements: string[]; index: string } {
    const create = `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX`;
    const target = qualifiedName(table.schema, table.name);
    // PostgreSQL names an index itself; one that is attached afterwards needs a name known beforehand.
    if (table.kind !== 'partitioned table' && !options.attach) {
      return { index: '', statements: [`${create} CONCURRENTLY ON ${target}${spec};`] };
    }
    const name = options.existing ?? this.newIndexName(table, naming);
    const index = qualifiedName(table.schema, name);
    if (table.kind !== 'partitioned table') {
      return { index, statements: [`${create} CONCURRENTLY ${quoteIdent(name)} ON ${target}${spec};`] };
    }
    const statements = options.existing ? [] : [`${create} ${quoteIdent(name)} ON ONLY ${target}${spec};`];
    for (const partition of this.partitions(table)) {
      if (options.needed && !options.needed(partition)) continue;
      const child = this.indexRecipe(partition, spec, naming, { attach: true, ...(options.unique ? { unique: true } : {}) });
      statements.push(...child.statements, `ALTER INDEX ${index} ATTACH PARTITION ${child.index};`);
    }
    return { index, statements };
  }
}
