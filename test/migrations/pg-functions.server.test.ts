// The built-in function volatility of src/migrations/pg-functions.ts against a
// real PostgreSQL 17 (pg_proc.provolatile). Regenerate the module with
// UPDATE_PG_FUNCTIONS=1 npx vitest run test/migrations/pg-functions.server.test.ts
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NON_VOLATILE_BUILTINS, VOLATILE_BUILTINS } from '../../src/migrations/pg-functions';
import { startPlaintextServer, withAdmin, type EmbeddedServer } from '../support/postgres';

let server: EmbeddedServer;
beforeAll(async () => {
  server = await startPlaintextServer();
});
afterAll(async () => {
  await server?.stop();
});

function module(version: string, volatile: string[], nonVolatile: string[]): string {
  const wrap = (names: string[]) => names.join(' ').replace(/(.{1,110})( |$)/g, "\n  '$1 ' +").replace(/ \+$/, '');
  return `// Built-in functions by volatility, from pg_proc of PostgreSQL ${version} (provolatile), generated and
// proved by test/migrations/pg-functions.server.test.ts. A column default calling a volatile function is
// computed for every existing row (a table rewrite); one calling a function in neither list is a user
// function whose volatility the linter cannot know.

/** Names with a volatile overload. */
export const VOLATILE_BUILTINS: ReadonlySet<string> = new Set((${wrap(volatile)}).trim().split(' '));

/** Names whose every overload is stable or immutable. */
export const NON_VOLATILE_BUILTINS: ReadonlySet<string> = new Set((${wrap(nonVolatile)}).trim().split(' '));
`;
}

it('lists the volatile and the other built-in functions of PostgreSQL 17 as pg_proc does', async () => {
  const { version, volatile, nonVolatile } = await withAdmin(server, 'postgres', async (client) => {
    const names = async (volatility: string) =>
      (await client.query<{ proname: string }>(
        `select distinct proname from pg_proc where pronamespace = 'pg_catalog'::regnamespace and ${volatility} order by proname`,
      )).rows.map((r) => r.proname);
    const volatileNames = await names("provolatile = 'v'");
    const others = (await names("provolatile <> 'v'")).filter((n) => !volatileNames.includes(n));
    const version = (await client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    return { version, volatile: volatileNames, nonVolatile: others };
  });
  if (process.env.UPDATE_PG_FUNCTIONS) await writeFile(path.resolve(import.meta.dirname, '../../src/migrations/pg-functions.ts'), module(version, volatile, nonVolatile));
  expect([...VOLATILE_BUILTINS].sort()).toEqual(volatile);
  expect([...NON_VOLATILE_BUILTINS].sort()).toEqual(nonVolatile);
});
