import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { judgedName, memberEvidence } from './_judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.ssl-enforced',
  title: 'RDS refuses connections without TLS',
  severity: 'high',
  description:
    'The parameter group in effect sets rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON/1 (MySQL, MariaDB, Aurora MySQL), and the group is applied (a group pending reboot does not count; a missing apply status is unknown). Default groups carry the engine default: rds.force_ssl is 1 on RDS for PostgreSQL 15 and later, require_secure_transport is ON on RDS for MariaDB 11.8 and later, off otherwise.',
  remediation:
    'In a custom (cluster) parameter group set rds.force_ssl = 1 or require_secure_transport = ON, attach it to the database, and reboot if the apply status is pending-reboot.',
  docs: 'https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    if (!facts.ssl.ok) return [unreadable(resource, facts.ssl)];
    const ssl = facts.ssl.value;
    const name = judgedName(facts);
    const origin = ssl.engineDefault ? `engine default of ${ssl.groupKind} ${ssl.parameterGroup}` : `${ssl.groupKind} ${ssl.parameterGroup}`;
    const evidence = [
      ...memberEvidence(facts),
      { source: facts.ssl.source, field: ssl.parameter, value: `${ssl.value ?? 'unset'}${ssl.engineDefault ? ' (engine default)' : ''}` },
      { source: facts.judged.source, field: 'parameter apply status', value: ssl.applyStatus },
    ];
    const setting = `${ssl.parameter} = ${ssl.value} (${origin})`;
    if (!ssl.valueEnforces) return [{ resource, status: 'fail', message: `${name} accepts connections without TLS: ${setting}`, evidence }];
    if (ssl.applied === null) {
      return [{ resource, status: 'unknown', message: `${name}: ${setting} but RDS reported no parameter apply status, so it is not shown to be in effect`, evidence }];
    }
    if (!ssl.applied) {
      return [{ resource, status: 'fail', message: `${name}: ${setting} but the group is ${ssl.applyStatus}, so it is not in effect`, evidence }];
    }
    return [{ resource, status: 'pass', message: `${name} enforces TLS: ${setting}`, evidence }];
  },
});
