import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import { unreadable } from '../../src/engine/findings';

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'supabase',
  id: 'supabase.ssl-enforced',
  title: 'Supabase refuses database connections without SSL',
  severity: 'high',
  description:
    "The project's SSL enforcement is on for the database and applied: Postgres and the connection pooler reject clients that do not use SSL.",
  remediation:
    'Turn on "Enforce SSL on incoming connections" (Database Settings > SSL Configuration, or PUT /v1/projects/{ref}/ssl-enforcement), and connect with sslmode=verify-full and the project CA certificate.',
  docs: 'https://supabase.com/docs/guides/platform/ssl-enforcement',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const ssl = facts.sslEnforcement;
    if (!ssl.ok) return [unreadable(resource, ssl)];
    const evidence = [
      { source: ssl.source, field: 'currentConfig.database', value: ssl.value.database },
      { source: ssl.source, field: 'appliedSuccessfully', value: ssl.value.appliedSuccessfully },
    ];
    if (!ssl.value.database) {
      return [{ resource, status: 'fail', message: 'SSL is not enforced: the database accepts connections without SSL', evidence }];
    }
    if (!ssl.value.appliedSuccessfully) {
      return [
        {
          resource,
          status: 'fail',
          message: 'SSL enforcement is requested but was not applied successfully, so connections without SSL may still be accepted',
          evidence,
        },
      ];
    }
    return [{ resource, status: 'pass', message: 'SSL enforcement is on and applied for the database', evidence }];
  },
});
