// WAL archiving as the database inside an operator's cluster shows it, for the
// comparison with the operator's view: the datastore's PostgreSQL facts (one
// collection per scan, shared with the PostgreSQL checks) judged as
// postgres.wal-archiving judges them.
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { errorMessage } from '../../secrets';
import { archivingState, describeArchiving } from '../postgres/archiving';
import { collectDatastorePostgres } from '../postgres/collector';

const WORKING = new Set(['archiving', 'standby']);
const NOT_WORKING = new Set(['off', 'no command', 'failing', 'never archived', 'behind']);

export async function databaseArchiving(ctx: CollectContext<unknown>): Promise<Observed<{ working: boolean | null; line: string }> | null> {
  if (!ctx.postgres) return null;
  const source = 'pg_stat_archiver, pg_settings';
  try {
    const facts = await collectDatastorePostgres(ctx as CollectContext);
    const state = archivingState(facts, ctx.policy.pitrMaxRestoreLagMinutes);
    const working = WORKING.has(state.state) ? true : NOT_WORKING.has(state.state) ? false : null;
    return observed(source, { working, line: describeArchiving(state) });
  } catch (error) {
    return unavailable(source, `the database could not be read: ${errorMessage(error)}`);
  }
}
