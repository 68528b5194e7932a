import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';
import { enforces } from '../../src/collectors/aws/ssl';
import { judgedName, memberEvidence } from './judged';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'rds',
  id: 'rds.ssl-enforced',
  title: 'RDS refuses connections without TLS',
  severity: 'high',
  questionnaireRow: 'ssl',
  description:
    'The parameter group in effect sets rds.force_ssl = 1 (PostgreSQL, SQL Server) or require_secure_transport = ON/1 (MySQL, MariaDB, Aurora MySQL), and the group is applied (a group pending reboot does not count). Default groups carry the engine default: rds.force_ssl is 1 on RDS for PostgreSQL 15 and later, require_secure_transport is ON on RDS for MariaDB 11.8 and later, off otherwise.',
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
      { source: ssl.source, field: ssl.parameter, value: `${ssl.value ?? 'unset'}${ssl.engineDefault ? ' (engine default)' : ''}` },
      { source: facts.judged.source, field: 'parameter apply status', value: ssl.applyStatus },
    ];
    if (ssl.enforced) {
      return [{ resource, status: 'pass', message: `${name} enforces TLS: ${ssl.parameter} = ${ssl.value} (${origin})`, evidence }];
    }
    const notApplied = enforces(ssl.parameter, ssl.value) && ssl.applyStatus !== null && ssl.applyStatus !== 'in-sync';
    const message = notApplied
      ? `${name}: ${ssl.parameter} = ${ssl.value} (${origin}) but the group is ${ssl.applyStatus}, so it is not in effect`
      : `${name} accepts connections without TLS: ${ssl.parameter} = ${ssl.value} (${origin})`;
    return [{ resource, status: 'fail', message, evidence }];
  },
});
