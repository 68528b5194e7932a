import type { Collector } from '../engine/types';
import { errorMessage } from '../secrets';
import { withDeadline } from '../util';

export interface BackupPolicyLinkFacts {
  link: string | null;
  /** Present only when the policy asks for reachability to be checked. */
  reachability: { status: number | null; ok: boolean; detail: string } | null;
}

/** HEAD first (cheap); fall back to GET where a server refuses HEAD. Redirects count as reachable. */
async function probe(url: string, timeoutMs: number, signal: AbortSignal) {
  const attempt = (method: 'HEAD' | 'GET') =>
    withDeadline(signal, timeoutMs, async (deadline) => {
      const response = await fetch(url, { method, redirect: 'manual', signal: deadline });
      await response.body?.cancel();
      return response;
    });
  try {
    let response = await attempt('HEAD');
    if (response.status === 405 || response.status === 501) response = await attempt('GET');
    const ok = response.status >= 200 && response.status < 400;
    return { status: response.status, ok, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { status: null, ok: false, detail: errorMessage(error) };
  }
}

/** Every datastore type has a backup policy link (seed 000): this collector runs for all of them. */
export const backupPolicyLinkCollector: Collector<'backupPolicyLink', BackupPolicyLinkFacts> = {
  kind: 'backupPolicyLink',
  async collect({ datastore, policy, signal }) {
    const link = datastore.backupPolicy ?? null;
    const wantsProbe = policy.backupPolicyLink.checkReachability && link !== null && /^https?:\/\//i.test(link);
    return {
      link,
      reachability: wantsProbe ? await probe(link, policy.backupPolicyLink.timeoutMs, signal) : null,
    };
  },
};
