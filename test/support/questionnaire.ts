// The CONTINUITY-0003 answers of a service, for assertions: those the scan was
// answered with (scan.json), or answered now from an engine result's findings.
import { DEFAULT_FRAMEWORK, framework } from '../../src/frameworks';
import type { ControlAnswer, ServiceResult } from '../../src/model';
import { answerFramework, answersOf } from '../../src/report/answers';

export function questionnaireOf(service: ServiceResult): ControlAnswer[] {
  return answersOf(service, DEFAULT_FRAMEWORK) ?? answerFramework(framework(DEFAULT_FRAMEWORK), service.findings, service.statedAnswers);
}

/** The questionnaire's row definitions, in order. */
export const QUESTIONNAIRE = framework(DEFAULT_FRAMEWORK).controls;
