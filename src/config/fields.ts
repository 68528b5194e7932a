// Config field rules shared by the config schema and the datastore modules. Pure.
import { z } from 'zod';

/** Names files and finding resources. */
export const ResourceName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" and "-" (it names files and resources)');

/** Credentials must not travel in clear: http only to this machine (local fixtures, tunnels). */
export function isHttpsOrLoopback(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname));
}

/** No user or password in a URL (one that does not parse is left to `.url()`). */
export function hasNoUserinfo(value: string): boolean {
  if (!URL.canParse(value)) return true;
  const url = new URL(value);
  return url.username === '' && url.password === '';
}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** What is wrong with a PostgreSQL connection URL, never quoting it (it holds a password). */
export function postgresUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'not a URL: expected postgres://user:${PASSWORD}@host:5432/database?sslmode=verify-full (percent-encode @ : / # ? in a password)';
  const url = new URL(value);
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return `scheme "${url.protocol}" is not postgres: or postgresql:`;
  if (url.hostname === '') return 'no host';
  const mode = url.searchParams.get('sslmode');
  if (mode !== null && !SSL_MODES.includes(mode)) return `sslmode "${mode}" is not one of ${SSL_MODES.join(', ')}`;
  return undefined;
}

/** A zod check from a function naming the problem. */
export function refineWith(problem: (value: string) => string | undefined) {
  return (value: string, context: z.RefinementCtx) => {
    const message = problem(value);
    if (message) context.addIssue({ code: 'custom', message });
  };
}

/** A link shown in reports: https, or http on this machine (a password in it is redacted like any other). */
export function linkProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'not a URL';
  return isHttpsOrLoopback(value) ? undefined : 'not an https:// link';
}

/** An alert sink URL: https (or loopback), without userinfo (it would be retried forever, and leak). */
export function sinkUrlProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'not a URL';
  if (!isHttpsOrLoopback(value)) return 'must be https:// (http only to this machine)';
  return hasNoUserinfo(value) ? undefined : 'must not contain a user or password (authenticate with the signing secret or the URL path)';
}
