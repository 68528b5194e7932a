// The registry of fact kinds: each collector produces one kind, each check reads one.
import type { PostgresFacts } from '../collectors/postgres/facts';
import type { BackupPolicyLinkFacts } from '../collectors/backup-policy-link';
import type { RepoFacts } from '../collectors/repo/facts';
import type { MigrationRoundTripFacts } from '../migrations/verify';
import type { SupabaseFacts } from '../collectors/supabase/facts';
import type { AwsDiscoveryFacts, RdsFacts, S3Facts } from '../collectors/aws/facts';

/** Facts gathered per datastore, by kind. */
export interface FactsByKind {
  postgres: PostgresFacts;
  backupPolicyLink: BackupPolicyLinkFacts;
  supabase: SupabaseFacts;
  rds: RdsFacts;
  s3: S3Facts;
}

/** Facts gathered per service (e.g. from its repository), by kind. */
export interface ServiceFactsByKind {
  repo: RepoFacts;
  migrationRoundTrip: MigrationRoundTripFacts;
}

/** Facts gathered once per scan about the whole estate (e.g. cloud discovery), by kind. */
export interface EstateFactsByKind {
  awsDiscovery: AwsDiscoveryFacts;
}
