// Answers frameworks (frameworks/<id>.yaml) from findings: every control or
// questionnaire row from the findings of the checks it lists. Pure: no I/O.
import { DEFAULT_FRAMEWORK, framework as frameworkById, type Framework, type FrameworkControl } from '../frameworks';
import type { ControlAnswer, Finding, FrameworkAnswers, FrameworkDescriptor, ScanResult, Status } from '../model';
import { STATUS_ORDER, worstStatus } from './order';
import { isCollectionErrorFinding } from './wording';
import { plural } from '../util';

const MAX_DETAILS = 12;

/**
 * A control of a compliance framework (SOC 2, ISO 27001) is never answered "Yes":
 * the checks only support it. The answer says what the evidence shows, and how
 * many of the control's checks had evidence for this service.
 */
function controlAnswer(control: FrameworkControl, findings: Finding[], status: Status, undecided: number, suffix: string): string {
  const fails = findings.filter((f) => f.status === 'fail').length;
  const warns = findings.filter((f) => f.status === 'warn').length;
  const checked = new Set(findings.map((f) => f.checkId)).size;
  const coverage = `${checked} of ${plural(control.checks.length, 'mapped check')} had evidence here`;
  if (fails > 0) return `Gaps found: ${plural(fails, 'failing finding')}${suffix}; ${coverage}`;
  if (findings.length === undecided) return `Not assessed: the evidence could not be read${suffix}; ${coverage}`;
  if (undecided > 0) return `Not fully assessed: ${undecided} of ${plural(findings.length, 'item')} could not be assessed, the rest show no gap; ${coverage}`;
  if (status === 'skipped') return `Not required here; ${coverage}`;
  return `No gap found${warns > 0 ? `, with ${plural(warns, 'warning')}` : ''}; ${coverage}`;
}

/** Yes/No leads of answers, worst first. */
const LEADS = ['No', 'Partly', 'Not fully assessed', 'Not assessed', 'Yes'] as const;
type Lead = (typeof LEADS)[number];
const LEAD_PATTERN = /^(Not fully assessed|Not assessed|Partly|Yes|No):\s*/;

function combinedLead(leads: Lead[]): Lead {
  if (leads.includes('No')) return 'No';
  if (leads.includes('Partly')) return 'Partly';
  if (leads.every((l) => l === 'Not assessed')) return 'Not assessed';
  return leads.some((l) => l !== 'Yes') ? 'Not fully assessed' : 'Yes';
}

/**
 * A row where one check answers in words with a Yes/No lead (the Indexes row:
 * "No: 3 of the top 50 statements ...") and other checks answer with findings
 * (the catalog checks): the described evidence carries the answer, the other
 * checks qualify it, and the lead is the worse of both, so a "Yes" from the
 * queries never hides a failing catalog finding. Undefined where the described
 * answers have no lead (the migration tool's description), or nothing else answers the row.
 */
function withOtherChecks(described: string[], findings: Finding[], control: FrameworkControl): string | undefined {
  const leads = described.map((text) => LEAD_PATTERN.exec(text)?.[1] as Lead | undefined);
  if (leads.some((lead) => lead === undefined)) return undefined;
  // A describing check's other findings on the same datastore (one per statement) are covered by its text;
  // on another datastore (one that could not be scanned) they count with the other checks.
  const scopeOf = (f: Finding) => `${f.checkId}|${f.datastore ?? ''}`;
  const covered = new Set(findings.filter((f) => f.answerText !== undefined).map(scopeOf));
  const describing = new Set(findings.filter((f) => f.answerText !== undefined).map((f) => f.checkId));
  const others = findings.filter((f) => !covered.has(scopeOf(f)));
  if (others.length === 0) return undefined;
  const fails = others.filter((f) => f.status === 'fail');
  const warns = others.filter((f) => f.status === 'warn').length;
  const passes = others.filter((f) => f.status === 'pass' || f.status === 'waived').length;
  const undecided = others.filter((f) => f.status === 'error' || f.status === 'unknown').length;
  const othersLead: Lead =
    fails.length > 0 ? (passes === 0 ? 'No' : 'Partly') : undecided === others.length ? 'Not assessed' : undecided > 0 ? 'Not fully assessed' : 'Yes';
  const parts = [
    fails.length > 0 ? `${plural(fails.length, 'failing finding')} (${[...new Set(fails.map((f) => f.checkId))].join(', ')})` : undefined,
    warns > 0 ? plural(warns, 'warning') : undefined,
    undecided > 0 ? `${undecided} of ${plural(others.length, 'item')} could not be assessed` : undefined,
  ].filter((p): p is string => p !== undefined);
  const checks = new Set(others.filter((f) => !describing.has(f.checkId)).map((f) => f.checkId)).size;
  const summary = parts.length > 0 ? parts.join(', ') : `no gap (${checks} of ${plural(control.checks.length - describing.size, 'check')} had evidence)`;
  const details = described.map((text) => text.replace(LEAD_PATTERN, '')).join(' ');
  return `${combinedLead([...(leads as Lead[]), othersLead])}: ${details} Other checks of this row: ${summary}.`;
}

function answerFromFindings(framework: Framework, control: FrameworkControl, findings: Finding[]): { answer: string; status: Status } {
  if (findings.length === 0) return { answer: `Not assessed: ${control.notAssessed}`, status: 'unknown' };
  const status = worstStatus(findings.map((f) => f.status));
  const undecided = findings.filter((f) => f.status === 'error' || f.status === 'unknown').length;
  const suffix = undecided > 0 ? ` (${plural(undecided, 'item')} could not be assessed)` : '';
  if (framework.kind === 'controls') return { answer: controlAnswer(control, findings, status, undecided, suffix), status };

  // Findings that describe the answer in words (e.g. the migration tool, directory and count).
  const described = findings.filter((f) => f.answerText !== undefined).map((f) => f.answerText!);
  if (described.length > 0) return { answer: withOtherChecks(described, findings, control) ?? `${described.join(' ')}${suffix}`, status };

  // Findings that state the answer themselves (e.g. "this database holds sensitive columns").
  const stating = findings.filter((f) => f.answer !== undefined);
  if (stating.length > 0) {
    const yes = stating.some((f) => f.answer === 'yes');
    return { answer: `${yes ? 'Yes' : 'No'}${suffix}`, status };
  }

  const fails = findings.filter((f) => f.status === 'fail').length;
  const warns = findings.filter((f) => f.status === 'warn').length;
  const passes = findings.filter((f) => f.status === 'pass' || f.status === 'waived').length;
  if (fails + warns + passes === 0) {
    return { answer: `Not assessed: the evidence could not be read${suffix}`, status };
  }
  if (fails > 0 && passes === 0) return { answer: `No${suffix}`, status };
  if (fails > 0) return { answer: `Partly: ${plural(fails, 'failing finding')}${suffix}`, status };
  // Without failures but with gaps, "Yes" would be optimistic.
  if (undecided > 0) {
    return {
      answer: `Not fully assessed: ${undecided} of ${plural(findings.length, 'item')} could not be assessed; the rest pass`,
      status,
    };
  }
  if (warns > 0) return { answer: `Yes, with ${plural(warns, 'warning')}`, status };
  return { answer: 'Yes', status };
}

function normalizedYesNo(text: string): 'yes' | 'no' | undefined {
  if (/^\s*yes\b/i.test(text)) return 'yes';
  if (/^\s*no\b/i.test(text)) return 'no';
  return undefined;
}

function describe(finding: Finding): string {
  // The cause of a datastore that could not be scanned is told once, with the datastore, not under every row.
  if (isCollectionErrorFinding(finding)) {
    return `[error] ${finding.resource}: ${finding.checkId} not assessed: ${finding.datastore} could not be scanned (see Not scanned)`;
  }
  return `[${finding.status}] ${finding.resource}: ${finding.message}`;
}

/** A row's answer followed by the other checks' own answers, each on a line of its own. */
function withOwnLines(main: { answer: string; status: Status }, others: Finding[]): { answer: string; status: Status } {
  const lines = [...new Set(others.filter((f) => f.answerText !== undefined).map((f) => f.answerText!))];
  return { answer: [main.answer, ...lines].join('\n'), status: main.status };
}

/** Every control of a framework answered from findings; `stated` holds what people answered (by control id). */
export function answerFramework(
  framework: Framework,
  findings: Finding[],
  stated: Partial<Record<string, string>> = {},
): ControlAnswer[] {
  return framework.controls.map((control) => {
    const inControl = findings.filter((f) => control.checks.includes(f.checkId));
    const considered = inControl.filter((f) => f.status !== 'skipped');
    const skippedOnly = considered.length === 0 && inControl.length > 0;
    const primary = control.answeredBy ? considered.filter((f) => control.answeredBy!.includes(f.checkId)) : [];
    const { answer, status } = skippedOnly
      ? { answer: `Not required: ${inControl[0]!.message}`, status: 'skipped' as const }
      : primary.length > 0
        ? withOwnLines(answerFromFindings(framework, control, primary), considered.filter((f) => !primary.includes(f)))
        : answerFromFindings(framework, control, considered);
    const ordered = [...considered].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
    const details = ordered.slice(0, MAX_DETAILS).map(describe);
    if (ordered.length > MAX_DETAILS) details.push(`… and ${ordered.length - MAX_DETAILS} more findings`);
    const statedText = stated[control.id];
    let statement: ControlAnswer['stated'];
    if (statedText !== undefined) {
      const said = normalizedYesNo(statedText);
      const shown = answer.startsWith('Partly') ? 'partly' : normalizedYesNo(answer);
      const contradicted = said !== undefined && shown !== undefined && said !== shown;
      statement = {
        answer: statedText,
        contradicted,
        ...(contradicted ? { note: `Stated "${statedText}", but the evidence says "${answer}".` } : {}),
      };
    }
    return {
      control: control.id,
      label: control.label,
      question: control.question,
      answer,
      status,
      details,
      ...(statement ? { stated: statement } : {}),
      checkIds: [...new Set(considered.map((f) => f.checkId))],
    };
  });
}

function describeFramework(framework: Framework): FrameworkDescriptor {
  return {
    id: framework.id,
    title: framework.title,
    kind: framework.kind,
    source: framework.source,
    controls: framework.controls.map(({ id, label, question, checks }) => ({ id, label, question, checks })),
  };
}

/**
 * Answer the chosen frameworks for every service of a scan, and for the estate
 * where estate findings (discovery) answer a control. The answers travel with
 * the scan (scan.json, history); the engine itself produces findings only.
 */
export function answerFrameworks(scan: ScanResult, ids: string[]): void {
  const chosen = ids.map(frameworkById);
  scan.frameworks = chosen.map(describeFramework);
  for (const service of scan.services) {
    service.frameworks = chosen.map((framework) => ({
      framework: framework.id,
      answers: answerFramework(framework, service.findings, framework.id === DEFAULT_FRAMEWORK ? service.statedAnswers : {}),
    }));
  }
  const estateChecks = new Set(scan.estate.findings.map((f) => f.checkId));
  const estate = chosen
    .map((framework) => ({
      framework: framework.id,
      answers: answerFramework(
        { ...framework, controls: framework.controls.filter((c) => c.checks.some((id) => estateChecks.has(id))) },
        scan.estate.findings,
      ),
    }))
    .filter((f) => f.answers.length > 0);
  if (estate.length > 0) scan.estate.frameworks = estate;
}

/** A service's answers for one framework, when the scan was answered for it. */
export function answersOf(service: { frameworks?: FrameworkAnswers[] }, frameworkId: string): ControlAnswer[] | undefined {
  return service.frameworks?.find((f) => f.framework === frameworkId)?.answers;
}
