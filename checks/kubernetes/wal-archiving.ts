import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { clusterName, operatorCluster } from './_operator';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'kubernetesPostgres',
  id: 'kubernetes.wal-archiving',
  title: 'Operator-run PostgreSQL archives WAL continuously',
  severity: 'high',
  protection: true,
  description:
    "CloudNativePG: a WAL archiver is configured (the Barman Cloud plugin with isWALArchiver, or spec.backup.barmanObjectStore) and the cluster's ContinuousArchiving condition is True. Crunchy PGO: the pgBackRest stanza exists on every repository (status.pgbackrest.repos[].stanzaCreated); the PostgresCluster does not report archive_command results, so a created stanza alone is not a pass. With a url, the database's own view (pg_stat_archiver and pg_settings, judged as postgres.wal-archiving judges them) is compared with the operator's: a disagreement fails, and for PGO the database's view decides.",
  remediation:
    'CloudNativePG: read the ContinuousArchiving condition message and the instance logs (kubectl cnpg status <cluster>); check the object store credentials and reachability. Crunchy PGO: check the pgBackRest stanza-create job and the repository configuration.',
  docs: 'https://cloudnative-pg.io/documentation/current/wal_archiving/',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const read = operatorCluster(resource, facts);
    if ('findings' in read) return read.findings;
    const { cluster } = read;
    if (!cluster.archiving.ok) return [unreadable(resource, cluster.archiving)];
    const a = cluster.archiving.value;
    const name = clusterName(facts, cluster);
    const evidence = [
      { source: a.source, field: a.field, value: a.message },
      ...(a.since ? [{ source: a.source, field: 'lastTransitionTime', value: a.since }] : []),
    ];
    const db = cluster.databaseArchiving;
    if (db) evidence.push(db.ok ? { source: db.source, field: 'WAL archiving in the database', value: db.value.line } : { source: db.source, field: 'WAL archiving in the database', value: `not read: ${db.reason}` });
    const inside = db?.ok ? db.value : null;
    if (!a.configured) return [{ resource, status: 'fail', message: `${name}: ${a.message}`, evidence }];
    if (a.healthy === false) return [{ resource, status: 'fail', message: `${name}: WAL archiving is failing${a.since ? ` since ${a.since}` : ''}: ${a.message}`, evidence }];
    if (inside?.working === false) {
      const operator = a.healthy === true ? `the operator reports archiving working (${a.message}), but the database shows` : 'the database shows';
      return [{ resource, status: 'fail', message: `${name}: ${operator}: ${inside.line}`, evidence }];
    }
    if (a.healthy === true) {
      const confirmed = inside?.working === true ? `; the database agrees: ${inside.line}` : '';
      return [{ resource, status: 'pass', message: `${name}: WAL archiving works (${a.message})${confirmed}`, evidence }];
    }
    if (inside?.working === true) return [{ resource, status: 'pass', message: `${name}: WAL archiving works as the database shows it (${inside.line}); ${a.message}`, evidence }];
    const dbWhy = db && !db.ok ? `; the database could not be read either (${db.reason})` : '';
    return [{ resource, status: 'unknown', message: `${name}: not fully assessed: ${a.message}${dbWhy}`, evidence }];
  },
});
