import { defineDatastoreCheck, type FindingDraft } from '../../src/engine/types';

const PLACEHOLDER_HOSTS = /^(todo|tbd|tba|fixme|example\.(com|org|net)|.*\.example(\.com)?|localhost|127\.0\.0\.1|\[::1\])$/i;
const PLACEHOLDER_TEXT = /\b(todo|tbd|tba|fixme|placeholder|changeme)\b/i;

/** Why a link is not a usable backup policy link, or undefined when it is one. */
export function linkProblem(link: string): string | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:') return `uses ${url.protocol.replace(':', '')}, not https`;
  if (PLACEHOLDER_HOSTS.test(url.hostname)) return `points at the placeholder host "${url.hostname}"`;
  if (PLACEHOLDER_TEXT.test(decodeURIComponent(url.pathname))) return 'looks like a placeholder (todo/tbd in the path)';
  return undefined;
}

export default defineDatastoreCheck({
  scope: 'datastore',
  requires: 'backupPolicyLink',
  id: 'datastore.backup-policy-link',
  title: 'Datastore has a backup policy link',
  severity: 'high',
  protection: true,
  description:
    'CONTINUITY-0003 SaaS/Addon instructions: every data store required for service continuity has a link to how its backups and restores are handled.',
  remediation:
    'Set backupPolicy on the datastore to an https link to the document describing its backups, restore procedure and retention.',
  evaluate({ datastore, facts }): FindingDraft[] {
    const resource = datastore.name;
    const source = 'config services[].datastores[].backupPolicy';
    if (!facts.link) {
      return [{ resource, status: 'fail', message: 'no backup policy link', evidence: [{ source, field: 'backupPolicy', value: null }] }];
    }
    const evidence = [{ source, field: 'backupPolicy', value: facts.link }];
    const problem = linkProblem(facts.link);
    if (problem) return [{ resource, status: 'fail', message: `the backup policy link ${problem}`, evidence }];
    if (facts.reachability) {
      evidence.push({ source: `HTTP HEAD ${facts.link}`, field: 'status', value: facts.reachability.detail });
      if (!facts.reachability.ok) {
        return [{ resource, status: 'fail', message: `the backup policy link is not reachable (${facts.reachability.detail})`, evidence }];
      }
      return [{ resource, status: 'pass', message: `backup policy link reachable (${facts.reachability.detail})`, evidence }];
    }
    return [{ resource, status: 'pass', message: 'backup policy link set (reachability not checked)', evidence }];
  },
});
