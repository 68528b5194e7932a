// WAL archiving as the database inside an operator's cluster shows it, for the
// comparison with the operator's view: the datastore's PostgreSQL facts (one
// collection per scan, shared with the PostgreSQL checks) judged as
// postgres.wal-archiving judges them.
import { observed, unavailable, type CollectContext, type Observed } from '../../engine/types';
import { errorMessage } from '../../secrets';
import { archivingState, describeArchiving, type ArchivingState } from '../postgres/archiving';
import { collectDatastorePostgres } from '../postgres/collector';

/**
 * Whether the database shows WAL reaching the archive: true, false, or null when
 * it cannot tell. A standby (archive_mode = on) archives nothing itself: its url
 * says nothing of the primary's archiving, as postgres.wal-archiving skips it.
 */
export function archivingWorks(state: ArchivingState): boolean | null {
  switch (state.state) {
    case 'archiving':
      return true;
    case 'off':
    case 'no command':
    case 'failing':
    case 'never archived':
    case 'behind':
      return false;
    case 'standby':
    case 'unconfirmed':
    case 'unreadable':
      return null;
  }
}

export async function databaseArchiving(ctx: CollectContext<unknown>): Promise<Observed<{ working: boolean | null; line: string }> | null> {
  if (!ctx.postgres) return null;
  const source = 'pg_stat_archiver, pg_settings';
  try {
    const facts = await collectDatastorePostgres(ctx as CollectContext);
    const state = archivingState(facts, ctx.policy.pitrMaxRestoreLagMinutes);
    return observed(source, { working: archivingWorks(state), line: describeArchiving(state) });
  } catch (error) {
    return unavailable(source, `the database could not be read: ${errorMessage(error)}`);
  }
}
