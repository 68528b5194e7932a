// Frameworks are data: frameworks/<id>.yaml lists a framework's controls (or
// questionnaire rows) and the checks that answer each. Checks know nothing of
// frameworks; the report layer joins the two when it answers a framework.
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { packagePath } from '../package-root';

const ControlSchema = z.strictObject({
  id: z.string().min(1),
  /** The control or row as the framework names it. */
  label: z.string().min(1),
  /** What the control asks, in the framework's words where it has them. */
  question: z.string().min(1),
  /** Why the control has no answer when none of its checks produced a finding. */
  notAssessed: z.string().min(1),
  checks: z.array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'a check id such as postgres.ssl-enforced')).min(1),
  /**
   * The checks whose findings give the row its status and answer; the other
   * checks' answers follow on lines of their own (e.g. the migration tool
   * answers "how are migrations performed", its tests are a line below).
   */
  answeredBy: z.array(z.string()).optional(),
});

const FrameworkSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  /** A questionnaire is answered Yes/No row by row, as its authors asked it; controls are answered alike. */
  kind: z.enum(['questionnaire', 'controls']),
  source: z.string().min(1),
  controls: z.array(ControlSchema).min(1),
});

export type Framework = z.infer<typeof FrameworkSchema>;
export type FrameworkControl = z.infer<typeof ControlSchema>;

/** The framework the reports answer when none is chosen: the seed questionnaire. */
export const DEFAULT_FRAMEWORK = 'continuity-0003';

const DIRECTORY = packagePath('frameworks');

function readFramework(file: string): Framework {
  const parsed = FrameworkSchema.safeParse(parse(readFileSync(`${DIRECTORY}/${file}`, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`frameworks/${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (`${parsed.data.id}.yaml` !== file) throw new Error(`frameworks/${file}: its id is "${parsed.data.id}"; the file must be named after it`);
  return parsed.data;
}

const loaded = new Map<string, Framework>();

/** The ids of the frameworks shipped in frameworks/, in file name order. */
export function frameworkIds(): string[] {
  return readdirSync(DIRECTORY)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** One framework, read and validated on first use. */
export function framework(id: string): Framework {
  let found = loaded.get(id);
  if (!found) {
    const ids = frameworkIds();
    if (!ids.includes(id)) throw new Error(`unknown framework "${id}" (known: ${ids.join(', ')})`);
    found = readFramework(`${id}.yaml`);
    loaded.set(id, found);
  }
  return found;
}

/** Every framework shipped in frameworks/, by id. */
export function allFrameworks(): Map<string, Framework> {
  return new Map(frameworkIds().map((id) => [id, framework(id)]));
}

/** The usage error for framework ids that are not shipped, or undefined when all are known. */
export function unknownFrameworkError(ids: string[]): string | undefined {
  const known = frameworkIds();
  const unknown = ids.filter((id) => !known.includes(id));
  return unknown.length > 0 ? `unknown framework ${unknown.join(', ')} (known: ${known.join(', ')})` : undefined;
}

/** The controls of a framework that a check answers (empty when it answers none). */
export function controlsOfCheck(frameworkId: string, checkId: string): FrameworkControl[] {
  return framework(frameworkId).controls.filter((c) => c.checks.includes(checkId));
}
