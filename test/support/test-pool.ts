import pg from 'pg';

/**
 * A pool for a test's own queries. The test stops its server at the end: a
 * connection the pool is still closing then receives the server's
 * "terminating connection" error, which a pool without a listener throws as an
 * uncaught exception that fails the whole run.
 */
export function testPool(connectionString: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => {});
  return pool;
}
