// SARIF 2.1.0 output for code scanning in CI: one rule per check (and per
// migration lint rule), one result per open finding, with file/line locations.
import { controlsOfCheck, DEFAULT_FRAMEWORK } from '../frameworks';
import type { Finding, ScanResult, Severity } from '../model';
import { LINT_RULES } from '../migrations/rules';
import { httpUrl } from './html-view';
import { TOOL_VERSION } from '../version';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://github.com/continuity-scanner/continuity';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string };
  helpUri?: string;
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
  properties: { severity: Severity; questionnaireRow?: string; category?: string };
}

function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

function ruleName(id: string): string {
  return id.replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase()).replace(/^./, (c) => c.toUpperCase());
}

function ruleId(finding: Finding): string {
  return finding.rule ? `${finding.checkId}/${finding.rule}` : finding.checkId;
}

const REPORTED = new Set(['fail', 'warn', 'error', 'unknown', 'waived']);

export function renderSarif(scan: ScanResult): string {
  const rowOf = (checkId: string) => controlsOfCheck(DEFAULT_FRAMEWORK, checkId)[0]?.id;
  const rules: SarifRule[] = scan.checks.map((check) => ({
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.title },
    fullDescription: { text: check.description },
    help: { text: check.remediation },
    ...(httpUrl(check.docs) ? { helpUri: check.docs } : {}),
    defaultConfiguration: { level: level(check.severity) },
    properties: { severity: check.severity, ...(rowOf(check.id) ? { questionnaireRow: rowOf(check.id) } : {}) },
  }));
  if (scan.checks.some((c) => c.id === 'repo.migration-compatibility')) {
    for (const rule of LINT_RULES) {
      rules.push({
        id: `repo.migration-compatibility/${rule.id}`,
        name: ruleName(rule.id),
        shortDescription: { text: rule.title },
        fullDescription: { text: rule.doc },
        help: { text: rule.doc },
        defaultConfiguration: { level: level(rule.severity) },
        properties: { severity: rule.severity, questionnaireRow: 'compatibility', category: rule.category },
      });
    }
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const findings = [...scan.services.flatMap((s) => s.findings), ...scan.estate.findings];
  const results = findings
    .filter((f) => REPORTED.has(f.status) || (f.status === 'skipped' && f.rule))
    .map((f) => {
      const id = index.has(ruleId(f)) ? ruleId(f) : f.checkId;
      const open = f.status === 'error' || f.status === 'unknown';
      return {
        ruleId: id,
        ...(index.has(id) ? { ruleIndex: index.get(id)! } : {}),
        kind: open ? 'open' : 'fail',
        level: open ? 'none' : f.status === 'warn' ? (level(f.severity) === 'error' ? 'warning' : 'note') : level(f.severity),
        message: { text: `${f.message}${f.evidence.length > 0 ? ` [${f.evidence.map((e) => `${e.source} ${e.field}=${e.value}`).join('; ')}]` : ''}` },
        ...(f.location
          ? {
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: encodeURI(f.location.path), uriBaseId: '%SRCROOT%' },
                    ...(f.location.line ? { region: { startLine: f.location.line } } : {}),
                  },
                },
              ],
            }
          : { locations: [{ logicalLocations: [{ name: f.resource, kind: 'resource' }] }] }),
        ...(f.status === 'skipped' ? { suppressions: [{ kind: 'inSource', justification: f.message }] } : {}),
        ...(f.status === 'waived' && f.waiver ? { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.waiver.reason} (approved by ${f.waiver.approver} until ${f.waiver.expires})` }] } : {}),
        properties: { service: f.service, resource: f.resource, status: f.status, severity: f.severity },
      };
    });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'continuity', version: TOOL_VERSION, informationUri: INFORMATION_URI, rules } },
        // Locations are relative to the repository root; the root itself is left to the consumer (a code-scanning
        // upload knows its checkout), so that no path of the machine that scanned appears in the log.
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the scanned repository (the directory given to --repo).' } } },
        invocations: [{ executionSuccessful: true, startTimeUtc: scan.startedAt, endTimeUtc: scan.finishedAt }],
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
