// Reading untyped Kubernetes objects (custom resources arrive as plain JSON):
// a field of the wrong type reads as absent, never as a value. Pure.

export type Json = Record<string, unknown>;

export const record = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
export const array = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
export const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
export const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** An RFC 3339 time that parses, normalised to ISO; anything else is absent (an unparsable time would compare as recent). */
export function time(v: unknown): string | null {
  const t = text(v);
  if (t === null) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The newer of two stamped times (either may be absent). */
export function newest<T extends { at: string }>(a: T | null, b: T | null): T | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.at) > Date.parse(a.at) ? b : a;
}

/** A condition of status.conditions by type. */
export function conditionOf(status: Json | undefined, type: string): { status: string; reason: string | null; message: string | null; lastTransitionTime: string | null } | null {
  const c = array(status?.conditions).map(record).find((x) => x.type === type);
  if (!c) return null;
  return { status: String(c.status), reason: text(c.reason), message: text(c.message), lastTransitionTime: time(c.lastTransitionTime) };
}

/**
 * Whether an S3-compatible endpoint is served from inside the cluster (a Service DNS name), so backups there do not leave it:
 * `*.svc`, `*.cluster.local`, or a single-label host such as `minio`, which only the pod's search domains resolve (to a Service).
 */
export function inClusterEndpoint(endpoint: string | null): boolean {
  if (!endpoint) return false;
  let host: string;
  try {
    host = new URL(endpoint.includes('://') ? endpoint : `https://${endpoint}`).hostname;
  } catch {
    return false;
  }
  if (!host.includes('.') && !host.includes(':')) return true;
  return /\.svc(\.cluster\.local)?\.?$/.test(host) || /\.cluster\.local\.?$/.test(host);
}
