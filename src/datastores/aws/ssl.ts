// Which RDS parameter makes an engine refuse connections without TLS, and its
// engine default. Pure: no I/O.
import type { SslParameter } from './facts';

export function sslParameterOf(engine: string): SslParameter | null {
  if (engine === 'postgres' || engine === 'aurora-postgresql' || engine.startsWith('sqlserver')) return 'rds.force_ssl';
  if (engine === 'mysql' || engine === 'mariadb' || engine.startsWith('aurora-mysql') || engine === 'aurora') {
    return 'require_secure_transport';
  }
  return null; // Oracle and Db2 use an option group's SSL option, not a parameter
}

function versionAtLeast(version: string, major: number, minor = 0): boolean {
  const [a, b] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (a === undefined || !Number.isFinite(a)) return false;
  return a > major || (a === major && (b ?? 0) >= minor);
}

/**
 * The engine default, per the RDS user guide: rds.force_ssl is 1 on RDS for
 * PostgreSQL 15 and later; require_secure_transport is ON on RDS for MariaDB
 * 11.8 and later; both are off before and on every other engine.
 */
export function engineDefaultOf(engine: string, engineVersion: string): string {
  if (engine === 'postgres') return versionAtLeast(engineVersion, 15) ? '1' : '0';
  if (engine === 'mariadb') return versionAtLeast(engineVersion, 11, 8) ? '1' : '0';
  return '0';
}

/** rds.force_ssl enforces at 1; require_secure_transport at ON or 1 (Aurora MySQL reports either). */
export function enforces(parameter: SslParameter, value: string | null): boolean {
  if (value === null) return false;
  const v = value.trim().toLowerCase();
  return parameter === 'rds.force_ssl' ? v === '1' : v === '1' || v === 'on';
}

/** Groups RDS creates (default.postgres15, default.aurora-mysql8.0) hold the engine defaults. */
export function isDefaultGroup(name: string): boolean {
  return name.startsWith('default.');
}
