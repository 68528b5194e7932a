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
