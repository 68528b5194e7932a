import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';
import type { Evidence } from '../../src/model';
import type { HbaRule } from '../../src/datastores/postgres/facts';

/** Connection types a client without TLS can match. */
const PLAINTEXT_CAPABLE = new Set(['host', 'hostnossl', 'hostnogssenc']);

function family(address: string | null): 'v4' | 'v6' | 'any' {
  if (!address || address === 'all') return 'any';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) return 'v4';
  if (address.includes(':')) return 'v6';
  return 'any'; // samehost, samenet, host names
}

function isEverywhere(rule: HbaRule): { v4: boolean; v6: boolean } {
  const allScope = rule.databases.includes('all') && rule.users.includes('all');
  if (!allScope) return { v4: false, v6: false };
  if (rule.address === 'all') return { v4: true, v6: true };
  if (rule.address === '0.0.0.0' && rule.netmask === '0.0.0.0') return { v4: true, v6: false };
  if (rule.address === '::' && (rule.netmask === '::' || rule.netmask === null)) return { v4: false, v6: true };
  return { v4: false, v6: false };
}

/**
 * Walk the rules in the order the server tries them (first match wins) and
 * return the first non-reject rule a connection without TLS could reach.
 */
export function firstPlaintextRule(rules: HbaRule[]): HbaRule | undefined {
  const shut = { v4: false, v6: false };
  for (const rule of rules) {
    if (rule.error || !PLAINTEXT_CAPABLE.has(rule.type)) continue;
    const fam = family(rule.address);
    const shadowed = fam === 'v4' ? shut.v4 : fam === 'v6' ? shut.v6 : shut.v4 && shut.v6;
    if (shadowed) continue;
    if (rule.authMethod === 'reject') {
      const covers = isEverywhere(rule);
      shut.v4 ||= covers.v4;
      shut.v6 ||= covers.v6;
      continue;
    }
    return rule;
  }
  return undefined;
}

function describeRule(rule: HbaRule): string {
  const where = `${rule.file ?? 'pg_hba.conf'}:${rule.line}`;
  const addr = rule.address ? ` ${rule.address}${rule.netmask ? `/${rule.netmask}` : ''}` : '';
  return `${where}: ${rule.type} ${rule.databases.join(',')} ${rule.users.join(',')}${addr} ${rule.authMethod ?? ''}`.trim();
}

const TLS_ORDER = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'postgres',
  id: 'postgres.ssl-enforced',
  title: 'PostgreSQL refuses connections without TLS',
  severity: 'high',
  description:
    'The server has TLS on, its pg_hba.conf rules leave no path for a connection without TLS, a plaintext connection attempt is refused, and clients are connected over TLS. pg_hba_file_rules shows the file, not the rules the server loaded: without the plaintext attempt (a Unix socket connection, or the probe failed), or with errors in the file (the server then keeps the rules it loaded before), the answer is unknown, not a pass.',
  remediation:
    'Set ssl = on, replace "host" rules with "hostssl" (or put "hostnossl all all all reject" first) in pg_hba.conf, reload, and make clients use sslmode=verify-full.',
  docs: 'https://www.postgresql.org/docs/current/auth-pg-hba-conf.html',
  evaluate({ datastore, facts, policy }): FindingDraft[] {
    const evidence: Evidence[] = [];
    const failures: string[] = [];
    const warnings: string[] = [];
    const unknowns: string[] = [];
    const resource = datastore.name;

    const ssl = facts.settings.ok ? facts.settings.value.ssl?.setting : undefined;
    evidence.push({ source: 'pg_settings', field: 'ssl', value: ssl ?? null });
    if (ssl === 'off') failures.push('the server has ssl = off');
    else if (ssl === undefined) unknowns.push('the ssl setting could not be read');

    let hbaEnforced = false;
    if (facts.hbaRules.ok) {
      const rule = firstPlaintextRule(facts.hbaRules.value);
      const broken = facts.hbaRules.value.filter((r) => r.error);
      if (broken.length > 0) {
        evidence.push({ source: 'pg_hba_file_rules', field: 'error', value: broken.map((r) => `line ${r.line}: ${r.error}`).join('; ') });
      }
      if (rule) {
        failures.push(`pg_hba.conf accepts connections without TLS (${describeRule(rule)})`);
        evidence.push({ source: 'pg_hba_file_rules', field: 'first rule reachable without TLS', value: describeRule(rule) });
      } else if (broken.length > 0) {
        // PostgreSQL refuses to load a pg_hba.conf with an error (at reload it keeps the rules it had):
        // the rules in effect are not the file's, and pg_hba_file_rules shows only the file.
        unknowns.push(
          `not fully assessed: pg_hba.conf has ${broken.length === 1 ? 'an error' : `${broken.length} errors`} (${broken.map((r) => `line ${r.line}: ${r.error}`).join('; ')}), so the server still runs the rules it loaded before, which pg_hba_file_rules does not show`,
        );
        evidence.push({ source: 'pg_hba_file_rules', field: 'rules reachable without TLS', value: 'none in the file, but the file has errors and is not the one in effect' });
      } else {
        hbaEnforced = true;
        evidence.push({ source: 'pg_hba_file_rules', field: 'rules reachable without TLS', value: 'none' });
      }
    } else {
      unknowns.push(`pg_hba.conf rules could not be read (${facts.hbaRules.reason})${facts.hbaRules.hint ? `; to allow it: ${facts.hbaRules.hint}` : ''}`);
      evidence.push({ source: 'pg_hba_file_rules', field: 'rules', value: `unreadable: ${facts.hbaRules.reason}` });
    }

    if (facts.plaintextProbe.ok) {
      evidence.push({ source: facts.plaintextProbe.source, field: 'result', value: facts.plaintextProbe.value.detail });
      if (facts.plaintextProbe.value.accepted) failures.push('a connection attempt without TLS was accepted');
    } else {
      evidence.push({ source: facts.plaintextProbe.source, field: 'result', value: `not run: ${facts.plaintextProbe.reason}` });
    }

    if (facts.connectionTls.ok) {
      const { tls, plaintext } = facts.connectionTls.value;
      const total = tls + plaintext;
      const share = total === 0 ? 0 : plaintext / total;
      evidence.push({ source: 'pg_stat_ssl', field: 'client sessions without TLS', value: `${plaintext} of ${total}` });
      if (share > policy.maxNonSslConnectionShare) {
        failures.push(`${plaintext} of ${total} client sessions are connected without TLS`);
      }
    } else {
      evidence.push({ source: 'pg_stat_ssl', field: 'client sessions without TLS', value: `unreadable: ${facts.connectionTls.reason}` });
      if (facts.connectionTls.hint) unknowns.push(`client sessions' TLS use could not be read; to allow it: ${facts.connectionTls.hint}`);
    }

    const minProtocol = facts.settings.ok ? facts.settings.value.ssl_min_protocol_version?.setting : undefined;
    if (minProtocol !== undefined) {
      evidence.push({ source: 'pg_settings', field: 'ssl_min_protocol_version', value: minProtocol });
      if (TLS_ORDER.indexOf(minProtocol) < TLS_ORDER.indexOf('TLSv1.2')) {
        warnings.push(`ssl_min_protocol_version is ${minProtocol}; TLSv1.2 or later is expected`);
      }
    }

    if (failures.length > 0) return [{ resource, status: 'fail', message: failures.join('; '), evidence }];
    if (ssl === 'on' && hbaEnforced && !facts.plaintextProbe.ok) {
      // pg_hba_file_rules shows the file as it is now, not the rules the server loaded: only a refused attempt shows them at work.
      const message = `not fully assessed: no pg_hba.conf rule admits a connection without TLS, but no connection without TLS was attempted (${facts.plaintextProbe.reason}), and pg_hba_file_rules shows the file, not the rules the server loaded`;
      return [{ resource, status: 'unknown', message: [message, ...warnings].join('; '), evidence }];
    }
    if (ssl === 'on' && hbaEnforced) {
      const status = warnings.length > 0 ? 'warn' : 'pass';
      const message = ['TLS is enforced: no pg_hba.conf rule admits a connection without TLS', ...warnings].join('; ');
      return [{ resource, status, message, evidence }];
    }
    return [
      {
        resource,
        status: 'unknown',
        message: `TLS enforcement could not be established: ${[...unknowns, ...warnings].join('; ')}`,
        evidence,
      },
    ];
  },
});
