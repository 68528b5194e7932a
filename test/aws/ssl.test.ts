import { describe, expect, it } from 'vitest';
import { enforces, engineDefaultOf, isDefaultGroup, sslParameterOf } from '../../src/datastores/aws/ssl';

describe('RDS TLS parameters', () => {
  it('names the parameter each engine uses', () => {
    expect(sslParameterOf('postgres')).toBe('rds.force_ssl');
    expect(sslParameterOf('aurora-postgresql')).toBe('rds.force_ssl');
    expect(sslParameterOf('sqlserver-se')).toBe('rds.force_ssl');
    expect(sslParameterOf('mysql')).toBe('require_secure_transport');
    expect(sslParameterOf('aurora-mysql')).toBe('require_secure_transport');
    expect(sslParameterOf('oracle-ee')).toBeNull();
  });

  it('knows the engine defaults: PostgreSQL 15+ and MariaDB 11.8+ enforce, others do not', () => {
    expect(engineDefaultOf('postgres', '14.12')).toBe('0');
    expect(engineDefaultOf('postgres', '15.2')).toBe('1');
    expect(engineDefaultOf('postgres', '17.1')).toBe('1');
    expect(engineDefaultOf('aurora-postgresql', '16.4')).toBe('0');
    expect(engineDefaultOf('mariadb', '11.4.5')).toBe('0');
    expect(engineDefaultOf('mariadb', '11.8.1')).toBe('1');
    expect(engineDefaultOf('mysql', '8.4.3')).toBe('0');
  });

  it('reads ON and 1 as enforcing for require_secure_transport, only 1 for rds.force_ssl', () => {
    expect(enforces('require_secure_transport', 'ON')).toBe(true);
    expect(enforces('require_secure_transport', '1')).toBe(true);
    expect(enforces('require_secure_transport', 'OFF')).toBe(false);
    expect(enforces('rds.force_ssl', '1')).toBe(true);
    expect(enforces('rds.force_ssl', 'on')).toBe(false);
    expect(enforces('rds.force_ssl', null)).toBe(false);
  });

  it('recognises the groups RDS creates', () => {
    expect(isDefaultGroup('default.postgres16')).toBe(true);
    expect(isDefaultGroup('orders-params')).toBe(false);
  });
});
