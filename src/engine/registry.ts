// The collectors the CLI and service run with. A new collector is one line here.
import type { Collector, EstateCollector, ServiceCollector } from './types';
import { postgresCollector } from '../collectors/postgres';
import { backupPolicyLinkCollector } from '../collectors/backup-policy-link';
import { repoCollector } from '../collectors/repo';
import { supabaseCollector } from '../collectors/supabase';
import { rdsCollector } from '../collectors/aws/rds';
import { s3Collector } from '../collectors/aws/s3';
import { awsDiscoveryCollector } from '../collectors/aws/discovery';

export const DATASTORE_COLLECTORS: Collector[] = [
  postgresCollector,
  backupPolicyLinkCollector,
  supabaseCollector,
  rdsCollector,
  s3Collector,
] as Collector[];
export const SERVICE_COLLECTORS: ServiceCollector[] = [repoCollector] as ServiceCollector[];
export const ESTATE_COLLECTORS: EstateCollector[] = [awsDiscoveryCollector] as EstateCollector[];
