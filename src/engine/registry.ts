// The collectors the CLI and service run with. A new collector is one line here.
import type { Collector, ServiceCollector } from './types';
import { postgresCollector } from '../collectors/postgres';
import { backupPolicyLinkCollector } from '../collectors/backup-policy-link';
import { repoCollector } from '../collectors/repo';
import { supabaseCollector } from '../collectors/supabase';

export const DATASTORE_COLLECTORS: Collector[] = [
  postgresCollector,
  backupPolicyLinkCollector,
  supabaseCollector,
] as Collector[];
export const SERVICE_COLLECTORS: ServiceCollector[] = [repoCollector] as ServiceCollector[];
