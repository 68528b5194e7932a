import { describe, expect, it } from 'vitest';
import { runCheck } from '../../test/support/check-tester';
import check from './ssl-enforced';
import { checkInput, rdsFacts } from '../../test/support/aws-facts';
import { observed, unavailable } from '../../src/engine/types';
import type { SslEnforcement } from '../../src/datastores/aws/facts';

function withSsl(ssl: Partial<SslEnforcement>) {
  const base = rdsFacts();
  return rdsFacts({}, { ssl: observed('rds:DescribeDBParameters orders-params', { ...(base.ssl.ok ? base.ssl.value : ({} as SslEnforcement)), ...ssl }) });
}

describe('rds.ssl-enforced', () => {
  it('passes when the applied group sets rds.force_ssl = 1', () => {
    const [f] = runCheck(check, checkInput(rdsFacts()));
    expect(f!.status).toBe('pass');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBParameters orders-params', field: 'rds.force_ssl', value: '1' });
  });

  it('fails when the value does not enforce', () => {
    const [f] = runCheck(check, checkInput(withSsl({ value: '0', valueEnforces: false })));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('accepts connections without TLS');
  });

  it('fails when the enforcing value is pending reboot', () => {
    const [f] = runCheck(check, checkInput(withSsl({ applyStatus: 'pending-reboot', applied: false })));
    expect(f!.status).toBe('fail');
    expect(f!.message).toContain('pending-reboot, so it is not in effect');
  });

  it('is unknown, not a pass, when RDS reported no apply status for an enforcing value', () => {
    const [f] = runCheck(check, checkInput(withSsl({ applyStatus: null, applied: null })));
    expect(f!.status).toBe('unknown');
    expect(f!.message).toContain('no parameter apply status');
    expect(f!.evidence).toContainEqual({ source: 'rds:DescribeDBInstances', field: 'parameter apply status', value: null });
  });

  it('says when the value is the engine default', () => {
    const [f] = runCheck(check, checkInput(withSsl({ parameterGroup: 'default.postgres14', value: '0', engineDefault: true, valueEnforces: false })));
    expect(f!.message).toContain('engine default of DB parameter group default.postgres14');
    expect(f!.evidence[0]!.value).toBe('0 (engine default)');
  });

  it('is unknown when the parameters could not be read', () => {
    const facts = rdsFacts({}, { ssl: unavailable('rds:DescribeDBParameters orders-params', 'AccessDenied: no', 'allow rds:DescribeDBParameters') });
    expect(runCheck(check, checkInput(facts))[0]!.status).toBe('unknown');
  });
});
