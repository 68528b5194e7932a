// Answers the CONTINUITY-0003 questionnaire rows from findings. Pure: no I/O.
import type { ServiceConfig } from '../config/schema';
import type { Check } from '../engine/types';
import type { Finding, QuestionnaireAnswer, QuestionnaireRowId, Status } from '../model';

export interface QuestionnaireRowDefinition {
  id: QuestionnaireRowId;
  /** The row label as the seed questionnaire writes it. */
  label: string;
  question: string;
  /** Why the row has no answer when no check produced a finding for it. */
  notAssessed: string;
}

export const QUESTIONNAIRE: QuestionnaireRowDefinition[] = [
  {
    id: 'migrations',
    label: 'Database schema migrations',
    question: 'How will database schema migrations be performed?',
    notAssessed: 'no repository analysed for this service (set services[].repo or pass --repo)',
  },
  {
    id: 'rollbacks',
    label: 'Database schema rollbacks upgrade',
    question: 'Does the service handle schema rollbacks?',
    notAssessed: 'no repository analysed for this service (set services[].repo or pass --repo)',
  },
  {
    id: 'compatibility',
    label: 'Forward/Backward compatibility',
    question: 'Are schema changes made with forward/backward compatibility?',
    notAssessed: 'no migrations analysed for this service (set services[].repo or pass --repo)',
  },
  {
    id: 'indexes',
    label: 'Indexes',
    question: 'Do SQL Queries use indexes and appropriate secondary indexes?',
    notAssessed: 'no database of this service could be inspected',
  },
  {
    id: 'ssl',
    label: 'SSL connection',
    question: 'Does the service connect to the database over an SSL connection?',
    notAssessed: 'no datastore of this service has an SSL check',
  },
  {
    id: 'sensitivity',
    label: 'Data sensitivity',
    question: 'Does the database contain any sensitive information (like being able to identify a customer)?',
    notAssessed: 'no database schema of this service could be inspected',
  },
  {
    id: 'backups',
    label: 'Backup policy',
    question:
      'All data stores required as part of the service continuity must have an associated backup policy link on how backups and restores are handled.',
    notAssessed: 'the service declares no datastores',
  },
];

const MAX_DETAILS = 12;
/** Worst first. */
export const STATUS_ORDER: Status[] = ['fail', 'error', 'warn', 'unknown', 'waived', 'pass', 'skipped'];

export function worstStatus(statuses: Status[]): Status {
  for (const s of STATUS_ORDER) if (statuses.includes(s)) return s;
  return 'unknown';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function answerFromFindings(row: QuestionnaireRowDefinition, findings: Finding[]): { answer: string; status: Status } {
  if (findings.length === 0) return { answer: `Not assessed: ${row.notAssessed}`, status: 'unknown' };
  const status = worstStatus(findings.map((f) => f.status));
  const undecided = findings.filter((f) => f.status === 'error' || f.status === 'unknown').length;
  const suffix = undecided > 0 ? ` (${plural(undecided, 'item')} could not be assessed)` : '';

  // Findings that describe the answer in words (e.g. the migration tool, directory and count).
  const described = findings.filter((f) => f.answerText !== undefined).map((f) => f.answerText!);
  if (described.length > 0) return { answer: `${described.join(' ')}${suffix}`, status };

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
  return `[${finding.status}] ${finding.resource}: ${finding.message}`;
}

export function buildQuestionnaire(service: ServiceConfig, findings: Finding[], checks: Check[]): QuestionnaireAnswer[] {
  const rowOfCheck = new Map(checks.map((c) => [c.id, c.questionnaireRow]));
  return QUESTIONNAIRE.map((row) => {
    const inRow = findings.filter((f) => rowOfCheck.get(f.checkId) === row.id);
    const rowFindings = inRow.filter((f) => f.status !== 'skipped');
    const skippedOnly = rowFindings.length === 0 && inRow.length > 0;
    const { answer, status } = skippedOnly
      ? { answer: `Not required: ${inRow[0]!.message}`, status: 'skipped' as const }
      : answerFromFindings(row, rowFindings);
    const ordered = [...rowFindings].sort(
      (a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
    );
    const details = ordered.slice(0, MAX_DETAILS).map(describe);
    if (ordered.length > MAX_DETAILS) details.push(`… and ${ordered.length - MAX_DETAILS} more findings`);
    const statedText = service.answers?.[row.id as keyof NonNullable<ServiceConfig['answers']>];
    let stated: QuestionnaireAnswer['stated'];
    if (statedText !== undefined) {
      const said = normalizedYesNo(statedText);
      const shown = answer.startsWith('Partly') ? 'partly' : normalizedYesNo(answer);
      const contradicted = said !== undefined && shown !== undefined && said !== shown;
      stated = {
        answer: statedText,
        contradicted,
        ...(contradicted ? { note: `Stated "${statedText}", but the evidence says "${answer}".` } : {}),
      };
    }
    return {
      row: row.id,
      question: row.question,
      answer,
      status,
      details,
      ...(stated ? { stated } : {}),
      checkIds: [...new Set(rowFindings.map((f) => f.checkId))],
    };
  });
}
