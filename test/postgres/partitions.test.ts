// Partitioned schemas on real servers (PostgreSQL 17 and 15): range, list and hash
// partitioning, a sub-partitioned partition, foreign keys on parents and on partitions,
// partition indexes attached and not, duplicates on parents and on partitions. Every
// problem is reported once, its remediation runs on the server, and a new scan no
// longer reports it. Index rules that are about what PostgreSQL does are shown with
// EXPLAIN on the same server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { collectPostgres } from '../../src/datastores/postgres/collector';
import { parsePostgresUrl } from '../../src/datastores/postgres/connection';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import unindexedForeignKey from '../../checks/postgres/unindexed-foreign-key';
import duplicateIndex from '../../checks/postgres/duplicate-index';
import invalidIndex from '../../checks/postgres/invalid-index';
import missingPrimaryKey from '../../checks/postgres/missing-primary-key';
import type { DatastoreCheck } from '../../src/engine/types';
import type { EmbeddedServer } from '../../src/embedded-postgres';
import { run } from '../support/postgres-facts';
import { adminClient, POSTGRES_VERSIONS, runRemediation } from '../support/postgres-versions';

const limits = { statementTimeoutMs: 10_000, lockTimeoutMs: 1000, connectTimeoutMs: 5000 };

const SCHEMA = `
create table customers (id int primary key, name text);
create table products (id int primary key);
-- Range partitioned, one partition sub-partitioned by hash; two foreign keys declared on the parent.
create table orders (
  id int not null, created date not null, title text,
  customer_id int references customers (id), product_id int references products (id),
  primary key (id, created)
) partition by range (created);
create table orders_2025 partition of orders for values from ('2025-01-01') to ('2026-01-01');
create table orders_2026 partition of orders for values from ('2026-01-01') to ('2027-01-01') partition by hash (id);
create table orders_2026_h0 partition of orders_2026 for values with (modulus 2, remainder 0);
create table orders_2026_h1 partition of orders_2026 for values with (modulus 2, remainder 1);
-- product_id: an index on every partition, none on the parent.
create index orders_2025_product on orders_2025 (product_id);
create index orders_2026_h0_product on orders_2026_h0 (product_id);
create index orders_2026_h1_product on orders_2026_h1 (product_id);
-- A duplicate pair of partitioned indexes, and a duplicate of an attached index on one partition.
create index orders_title_idx on orders (title);
create index orders_title_created_idx on orders (title, created);
create index orders_2025_id_idx on orders_2025 (id);
-- List partitioned, without a primary key; a foreign key declared on one partition only;
-- an index created ON ONLY the parent and never attached (invalid).
create table events (id int, kind text not null, customer_id int) partition by list (kind);
create table events_click partition of events for values in ('click');
create table events_view partition of events for values in ('view');
alter table events_click add constraint events_click_customer_fkey foreign key (customer_id) references customers (id);
create index events_customer_idx on only events (customer_id);
create index events_view_kind_idx on events_view (kind);
create index events_view_kind_id_idx on events_view (kind, id);
-- Index pairs that look alike but serve different queries: collation, sort order, operator class.
create table books (id int primary key, title text, author text);
create index books_title_c on books (title collate "C");
create index books_title_author on books (title, author);
create index books_author_title_desc on books (author, title desc);
create index books_author_title on books (author, title);
create index books_title_pattern on books (title text_pattern_ops);
-- A partial index the foreign key's lookup can use.
create table reviews (id int primary key, book_id int references books (id));
create index reviews_book_partial on reviews (book_id) where book_id is not null;
`;

const judge = (check: DatastoreCheck<'postgres'>, facts: PostgresFacts) => run(check, facts);
const failing = (check: DatastoreCheck<'postgres'>, facts: PostgresFacts) =>
  judge(check, facts)
    .filter((f) => f.status === 'fail' || f.status === 'warn')
    .map((f) => f.resource);

/** The plan of a query, as text. */
async function plan(client: pg.Client, sql: string): Promise<string> {
  const rows = (await client.query<{ 'QUERY PLAN': string }>(`explain (costs off) ${sql}`)).rows;
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

for (const version of POSTGRES_VERSIONS) {
  describe.skipIf(version.unavailable !== undefined)(`partitioned schemas on ${version.name}`, () => {
    let server: EmbeddedServer;
    let admin: pg.Client;
    const collect = () => collectPostgres(parsePostgresUrl(server.adminUrl('shop')), { excludeSchemas: [] }, limits);

    beforeAll(async () => {
      server = await version.start();
      const postgres = await adminClient(server);
      await postgres.query('create database shop');
      await postgres.end();
      admin = await adminClient(server, 'shop');
      await admin.query(SCHEMA);
    });
    afterAll(async () => {
      await admin?.end();
      await server?.stop();
    });

    it('reports every unindexed foreign key, duplicate and invalid index once, and the table without a primary key', async () => {
      const facts = await collect();
      expect(failing(unindexedForeignKey, facts)).toEqual([
        'db:public.events_click#events_click_customer_fkey',
        'db:public.orders#orders_customer_id_fkey',
      ]);
      const passOnPartitions = judge(unindexedForeignKey, facts).find((f) => f.resource === 'db:public.orders#orders_product_id_fkey');
      expect(passOnPartitions).toBeUndefined();
      expect(failing(duplicateIndex, facts)).toEqual([
        'db:public.events_view#events_view_kind_idx',
        'db:public.orders#orders_title_idx',
        'db:public.orders_2025#orders_2025_id_idx',
      ]);
      expect(failing(invalidIndex, facts)).toEqual(['db:public.events#events_customer_idx']);
      expect(judge(missingPrimaryKey, facts).map((f) => [f.resource, f.message])).toEqual([
        ['db:public.events', 'partitioned table public.events has no primary key (2 partitions, 0 with a key of their own)'],
      ]);
      const recipe = judge(unindexedForeignKey, facts).find((f) => f.resource === 'db:public.orders#orders_customer_id_fkey')!;
      expect(recipe.remediation.split('\n')).toEqual([
        'CREATE INDEX orders_customer_id_idx ON ONLY public.orders (customer_id);',
        'CREATE INDEX CONCURRENTLY orders_2025_customer_id_idx ON public.orders_2025 (customer_id);',
        'ALTER INDEX public.orders_customer_id_idx ATTACH PARTITION public.orders_2025_customer_id_idx;',
        'CREATE INDEX orders_2026_customer_id_idx ON ONLY public.orders_2026 (customer_id);',
        'CREATE INDEX CONCURRENTLY orders_2026_h0_customer_id_idx ON public.orders_2026_h0 (customer_id);',
        'ALTER INDEX public.orders_2026_customer_id_idx ATTACH PARTITION public.orders_2026_h0_customer_id_idx;',
        'CREATE INDEX CONCURRENTLY orders_2026_h1_customer_id_idx ON public.orders_2026_h1 (customer_id);',
        'ALTER INDEX public.orders_2026_customer_id_idx ATTACH PARTITION public.orders_2026_h1_customer_id_idx;',
        'ALTER INDEX public.orders_customer_id_idx ATTACH PARTITION public.orders_2026_customer_id_idx;',
      ]);
    });

    it('orders findings and facts by name, the same on every version', async () => {
      const facts = await collect();
      const names = facts.tables.ok ? facts.tables.value.map((t) => t.name) : [];
      expect(names).toEqual([...names].sort());
      expect(names).toContain('orders_2026_h1');
    });

    it('PostgreSQL refuses the naive remediations on a partitioned table', async () => {
      await expect(admin.query('create index concurrently on orders (customer_id)')).rejects.toThrow(/partitioned/);
      await expect(admin.query('drop index concurrently orders_title_idx')).rejects.toThrow(/partitioned/);
    });

    it('shows with EXPLAIN why look-alike indexes are not duplicates, and that the lookup uses the IS NOT NULL partial index', async () => {
      await admin.query('begin');
      try {
        await admin.query('set local enable_seqscan = off');
        expect(await plan(admin, 'select title from books order by title collate "C"')).toContain('books_title_c');
        expect(await plan(admin, 'select * from books order by author, title desc')).toContain('books_author_title_desc');
        expect(await plan(admin, "select * from books where title like 'abc%'")).toContain('books_title_pattern');
        // The foreign key's own lookup, as a generic plan (a parameter, as the RI trigger runs it).
        await admin.query('set local plan_cache_mode = force_generic_plan');
        await admin.query('prepare ri_lookup(int) as select 1 from only reviews x where book_id = $1 for key share of x');
        expect(await plan(admin, 'execute ri_lookup(1)')).toContain('reviews_book_partial');
        // Without the collation-, order- and opclass-specific indexes, the others cannot serve those queries.
        await admin.query('drop index books_title_c, books_author_title_desc, books_title_pattern');
        expect(await plan(admin, 'select title from books order by title collate "C"')).toMatch(/Sort/);
        expect(await plan(admin, 'select * from books order by author, title desc')).toMatch(/Sort/);
        expect(await plan(admin, "select * from books where title like 'abc%'")).not.toContain('Index Cond');
      } finally {
        await admin.query('rollback');
      }
      expect(failing(unindexedForeignKey, await collect())).not.toContain('db:public.reviews#reviews_book_id_fkey');
    });

    it('runs every remediation on the server; a new scan no longer reports the problems', async () => {
      // One check at a time, each from a fresh scan, as an operator works through a report.
      for (const check of [invalidIndex, unindexedForeignKey, duplicateIndex]) {
        const findings = judge(check, await collect()).filter((f) => f.status === 'fail' || f.status === 'warn');
        expect(findings.length).toBeGreaterThan(0);
        for (const finding of findings) await runRemediation(admin, finding.remediation);
      }
      const after = await collect();
      expect(failing(unindexedForeignKey, after)).toEqual([]);
      expect(failing(duplicateIndex, after)).toEqual([]);
      expect(failing(invalidIndex, after)).toEqual([]);
      expect(judge(unindexedForeignKey, after)[0]!.evidence).toContainEqual({ source: 'pg_inherits', field: 'on partitioned tables', value: 2 });
    });
  });
}
