// JUnit XML for CI test reporters: one test suite per service, one test case per finding.
import type { Finding, ScanResult } from '../model';

function xml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function testCase(f: Finding): string {
  const where = f.location ? ` file="${xml(f.location.path)}"${f.location.line ? ` line="${f.location.line}"` : ''}` : '';
  const open = `    <testcase classname="${xml(f.rule ? `${f.checkId}/${f.rule}` : f.checkId)}" name="${xml(f.resource)}"${where}>`;
  const body = [`${f.message}`, ...f.evidence.map((e) => `${e.source} ${e.field}: ${e.value}`), `remediation: ${f.remediation}`].join('\n');
  switch (f.status) {
    case 'fail':
      return `${open}\n      <failure message="${xml(f.message)}" type="${f.severity}">${xml(body)}</failure>\n    </testcase>`;
    case 'error':
    case 'unknown':
      return `${open}\n      <error message="${xml(f.message)}" type="${f.status}">${xml(body)}</error>\n    </testcase>`;
    case 'skipped':
    case 'waived':
      return `${open}\n      <skipped message="${xml(f.message)}"/>\n    </testcase>`;
    default:
      return `${open}\n      <system-out>${xml(`[${f.status}] ${body}`)}</system-out>\n    </testcase>`;
  }
}

function count(findings: Finding[]) {
  return {
    tests: findings.length,
    failures: findings.filter((f) => f.status === 'fail').length,
    errors: findings.filter((f) => f.status === 'error' || f.status === 'unknown').length,
    skipped: findings.filter((f) => f.status === 'skipped' || f.status === 'waived').length,
  };
}

export function renderJunit(scan: ScanResult): string {
  const suites = [
    ...scan.services.map((s) => ({ name: s.name, findings: s.findings })),
    ...(scan.estate.findings.length > 0 ? [{ name: '(estate)', findings: scan.estate.findings }] : []),
  ];
  const all = count(suites.flatMap((s) => s.findings));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="continuity" tests="${all.tests}" failures="${all.failures}" errors="${all.errors}" skipped="${all.skipped}">`,
    ...suites.map((suite) => {
      const c = count(suite.findings);
      return [
        `  <testsuite name="${xml(suite.name)}" tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" timestamp="${scan.finishedAt}">`,
        ...suite.findings.map(testCase),
        '  </testsuite>',
      ].join('\n');
    }),
    '</testsuites>',
  ];
  return `${lines.join('\n')}\n`;
}
