// A database and a workload that leave real statements in pg_stat_statements,
// one per case of postgres.query-index-use, for the collector tests on
// PostgreSQL 17 and 15. The workload sends literals (never parameters), so that
// pg_stat_statements normalizes them: the canary must never come back.
import pg from 'pg';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import type { ObservedStatement, StatementFacts } from '../../src/datastores/postgres/statement-facts';

export const CANARY = 'canary-5b1e0d';

const SCHEMA = `
create table menu (id serial primary key, item text not null);
create table inventory (
  id serial primary key,
  menu_id integer not null references menu (id),
  warehouse_id integer not null,
  quantity integer not null,
  note text,
  shelf text
);
create index inventory_warehouse_idx on inventory (warehouse_id);
create table customers (id serial primary key, email text not null, full_name text);
create table orders (id serial primary key, customer_id integer not null, deleted_at timestamptz);
create table old_orders (id integer primary key);
insert into menu (item) select 'item ' || g from generate_series(1, 50) g;
insert into inventory (menu_id, warehouse_id, quantity, note, shelf)
  select 1 + g % 50, 1 + g % 200, g % 1000, 'note ' || (g % 12), 'shelf ' || (g % 11) from generate_series(1, 20000) g;
insert into customers (email, full_name) select 'c' || g || '@example.org', 'customer ' || g from generate_series(1, 20000) g;
insert into customers (email, full_name) values ('${CANARY}@example.org', '${CANARY}');
insert into orders (customer_id, deleted_at)
  select 1 + g % 2000, case when g % 10 = 0 then null else now() end from generate_series(1, 20000) g;
analyze;
`;

/** One statement per case, with literals. Keys name the cases. */
export const WORKLOAD = {
  equality: `select id, quantity from inventory where menu_id = 7`,
  join: `select i.id, m.item from inventory i join menu m on m.id = i.menu_id where m.item = 'item 3'`,
  orderByLimit: `select id, quantity from inventory order by quantity desc limit 10`,
  indexed: `select id, quantity from inventory where warehouse_id = 3`,
  /** Keeps 1 row in 11: selective enough to report, too little for an index to halve the cost. */
  lowGain: `select id, quantity from inventory where shelf = 'shelf 4'`,
  partial: `select id from orders where customer_id = 42 and deleted_at is null`,
  canary: `select id from customers where email = '${CANARY}@example.org'`,
  update: `update inventory set quantity = 0 where note = 'no such note'`,
  dropped: `select id from old_orders where id = 1`,
  noTable: `select 1`,
  /** A comment keeps its text in pg_stat_statements (sqlcommenter tags): the scanner removes it. */
  commented: `/* tenant=${CANARY} */ select item from menu where id = 1`,
} as const;

export type WorkloadCase = keyof typeof WORKLOAD;

/**
 * Create the schema in `database`, with pg_stat_statements (and HypoPG when
 * asked), reset the statistics and run the workload; the table of the
 * `dropped` case is dropped afterwards.
 */
export async function prepareWorkload(url: string, options: { hypopg?: boolean } = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create extension pg_stat_statements');
    if (options.hypopg) await client.query('create extension hypopg');
    await client.query(SCHEMA);
    await client.query('select pg_stat_statements_reset()');
    for (const text of Object.values(WORKLOAD)) {
      for (let i = 0; i < 3; i++) await client.query(text);
    }
    await client.query('drop table old_orders');
  } finally {
    await client.end();
  }
}

/** pg_stat_statements calls of every statement of the workload, by normalized text. */
export async function workloadCalls(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ query: string; calls: string }>(
    `select query, calls from pg_stat_statements
     where query ~* '^\\s*(select|update)' and query !~* 'pg_catalog|pg_stat_statements|pg_locks|hypopg|md5'`,
  );
  return Object.fromEntries(rows.map((r) => [r.query, Number(r.calls)]));
}

/** A digest of every row of the workload's tables, to prove nothing was written. */
export async function contentDigest(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ digest: string }>(`
    select md5(string_agg(t, '|' order by t)) as digest from (
      select m::text as t from menu m union all select i::text from inventory i
      union all select c::text from customers c union all select o::text from orders o) rows`);
  return rows[0]!.digest;
}

export function statementsOf(facts: PostgresFacts): StatementFacts {
  if (!facts.statements.ok) throw new Error(`statements not collected: ${facts.statements.reason}`);
  return facts.statements.value;
}

/** A text with its values replaced: a workload statement and its normalized form read the same. */
const valuesMasked = (text: string) => text.replace(/\$\d+|'[^']*'|\b\d+\b/g, '?');

/** The collected statement of a workload case (its text normalized: literals are $n). */
export function caseOf(facts: PostgresFacts, key: WorkloadCase): ObservedStatement {
  const found = statementsOf(facts).statements.find((s) => valuesMasked(s.text) === valuesMasked(WORKLOAD[key]));
  if (!found) throw new Error(`no statement for case ${key} among ${statementsOf(facts).statements.map((s) => s.text).join(' | ')}`);
  return found;
}
