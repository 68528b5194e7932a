// The one check tester: a check test runs the check through the engine's own
// pipeline (src/engine/evaluate.ts), so the policy skips, "no pass without
// evidence", redaction and the severity/remediation defaults apply as in a scan.
// Fact builders per kind live beside it (postgres-facts, aws-facts, repo-facts,
// test/supabase/facts); all of them use this one clock.
import { evaluateCheck } from '../../src/engine/evaluate';
import { ESTATE } from '../../src/engine/scan';
import type { Policy } from '../../src/config/policy';
import type { DatastoreConfig, ServiceConfig } from '../../src/config/schema';
import type {
  DatastoreCheck,
  DatastoreCheckInput,
  EstateCheck,
  EstateCheckInput,
  EstateFactKind,
  FactKind,
  FindingDraft,
  ServiceCheck,
  ServiceCheckInput,
  ServiceFactKind,
} from '../../src/engine/types';
import type { Finding } from '../../src/model';

/** The clock every check test reads. */
export const CHECK_NOW = new Date('2026-11-21T12:00:00Z');

/** An ISO time this long before CHECK_NOW. */
export function before(ms: number): string {
  return new Date(CHECK_NOW.getTime() - ms).toISOString();
}

/** What every check input has: the policy and facts, and the service and datastore where the scope has them. */
interface AnyInput {
  service?: ServiceConfig;
  datastore?: DatastoreConfig;
  policy: Policy;
  facts: unknown;
}

export function runCheck<K extends FactKind>(check: DatastoreCheck<K>, input: DatastoreCheckInput<K>): Finding[];
export function runCheck<K extends ServiceFactKind>(check: ServiceCheck<K>, input: ServiceCheckInput<K>): Finding[];
export function runCheck<K extends EstateFactKind>(check: EstateCheck<K>, input: EstateCheckInput<K>): Finding[];
/** The findings of one check on one input, finalized exactly as a scan finalizes them. */
export function runCheck(check: DatastoreCheck | ServiceCheck | EstateCheck, input: AnyInput): Finding[] {
  const base = input.datastore
    ? { service: input.service!.name, datastore: input.datastore.name, resource: input.datastore.name }
    : input.service
      ? { service: input.service.name, resource: input.service.name }
      : { service: ESTATE, resource: ESTATE };
  return evaluateCheck(check, base, input.policy, { ok: true, facts: input.facts }, () =>
    (check.evaluate as (input: AnyInput) => FindingDraft[])(input),
  );
}
