import { accessSync, constants, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, HistorySchema, type Config } from './schema';
import { unknownAccountPaths } from '../datastores/aws/accounts';
import { registerSecret, registerUrlSecrets } from '../secrets';

/** A problem with the configuration, located by key path and, where known, file line. */
export class ConfigError extends Error {
  constructor(
    readonly problems: { path: string; line?: number; message: string }[],
    readonly file: string,
  ) {
    super(
      problems
        .map((p) => `${file}${p.line ? `:${p.line}` : ''}: ${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

type PathSegment = string | number;

function formatPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PathSegment[]): number | undefined {
  // Walk up to the nearest node that exists (an unknown or missing key has no node of its own).
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return counter.linePos(node.range[0]).line;
    if (depth === 0) {
      const root = doc.contents as { range?: [number, number, number] } | null;
      return root?.range ? counter.linePos(root.range[0]).line : undefined;
    }
  }
  return undefined;
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Replace `${NAME}` in every string value with the environment variable NAME.
 * A missing variable is an error naming the variable and the key that uses it.
 */
function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PathSegment[],
  missing: { path: PathSegment[]; variable: string }[],
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REFERENCE, (_whole, name: string) => {
      const found = env[name];
      if (found === undefined) {
        missing.push({ path, variable: name });
        return '';
      }
      // Whatever comes from the environment is a secret, whatever its name:
      // a credential must not depend on being named like one to stay hidden.
      registerSecret(found);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, [...path, i], missing));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, interpolate(v, env, [...path, k], missing)]),
    );
  }
  return value;
}

function zodProblems(error: z.ZodError, doc: Document, counter: LineCounter, at: PathSegment[] = []) {
  return error.issues.flatMap((issue) => {
    const path = [...at, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        line: lineOf(doc, counter, [...path, key]),
        message: `unknown key "${key}"`,
      }));
    }
    return [{ path: formatPath(path), line: lineOf(doc, counter, path), message: issue.message }];
  });
}

function parseYaml(text: string, file: string): { doc: Document; counter: LineCounter } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: '',
        line: counter.linePos(syntaxErrorStart(text, e.pos[0], e.message)).line,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
      file,
    );
  }
  return { doc, counter };
}

/** The document as data; an alias bomb (aliases of aliases expand exponentially) is refused past MAX_ALIAS_COUNT. */
function toData(doc: Document, counter: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
  } catch (error) {
    throw new ConfigError([{ path: '', line: aliasLine(doc, counter), message: `YAML: ${(error as Error).message}` }], file);
  }
}

/** `${NAME}` replaced in a subtree of the document; a variable that is not set is an error naming it and its key. */
function interpolateOrThrow(doc: Document, counter: LineCounter, raw: unknown, at: PathSegment[], env: NodeJS.ProcessEnv, file: string): unknown {
  const missing: { path: PathSegment[]; variable: string }[] = [];
  const interpolated = interpolate(raw, env, at, missing);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((m) => ({
        path: formatPath(m.path),
        line: lineOf(doc, counter, m.path),
        message: `environment variable ${m.variable} is not set`,
      })),
      file,
    );
  }
  registerUrlSecretsDeep(interpolated);
  return interpolated;
}

export interface ParseOptions {
  /** The check ids that exist: skipChecks and waivers naming another are errors. */
  checkIds?: readonly string[];
}

/** Parse and validate a configuration text; `file` only names it in errors. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env, options: ParseOptions = {}): Config {
  const { doc, counter } = parseYaml(text, file);
  const interpolated = interpolateOrThrow(doc, counter, toData(doc, counter, file), [], env, file);
  const parsed = ConfigSchema.safeParse(interpolated ?? {});
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, doc, counter), file);
  const duplicates = duplicateNames(parsed.data);
  if (duplicates.length > 0) {
    throw new ConfigError(
      duplicates.map((path) => ({ path: formatPath(path), line: lineOf(doc, counter, path), message: 'duplicate name' })),
      file,
    );
  }
  const references = referenceProblems(parsed.data, options);
  if (references.length > 0) {
    throw new ConfigError(
      references.map((r) => ({ path: formatPath(r.path), line: lineOf(doc, counter, r.path), message: r.message })),
      file,
    );
  }
  const unknownAccounts = unknownAccountPaths(parsed.data);
  if (unknownAccounts.length > 0) {
    throw new ConfigError(
      unknownAccounts.map((path) => ({ path: formatPath(path), line: lineOf(doc, counter, path), message: 'not one of aws.accounts[].id' })),
      file,
    );
  }
  return parsed.data;
}

function duplicateNames(config: Config): PathSegment[][] {
  const found: PathSegment[][] = [];
  const services = new Set<string>();
  config.services.forEach((service, i) => {
    if (services.has(service.name)) found.push(['services', i, 'name']);
    services.add(service.name);
    const datastores = new Set<string>();
    service.datastores.forEach((ds, j) => {
      if (datastores.has(ds.name)) found.push(['services', i, 'datastores', j, 'name']);
      datastores.add(ds.name);
    });
  });
  return found;
}

const MAX_ALIAS_COUNT = 100;

/** Where a YAML error starts: an unclosed quote is reported at the end of the file, the fault is the opening quote. */
function syntaxErrorStart(text: string, position: number, message: string): number {
  const quote = /^Missing closing (["'])quote/.exec(message)?.[1];
  if (!quote) return position;
  const opening = text.lastIndexOf(quote, position - 1);
  return opening >= 0 ? opening : position;
}

/** The line of the first alias, where alias trouble starts. */
function aliasLine(doc: Document, counter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.range) line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** Names that must exist: check ids, files, the services and owners a sink is routed to. */
function referenceProblems(config: Config, options: ParseOptions): { path: PathSegment[]; message: string }[] {
  const problems: { path: PathSegment[]; message: string }[] = [];
  if (options.checkIds) {
    const known = options.checkIds;
    const checkId = (id: string, path: PathSegment[]) => {
      if (!known.includes(id)) problems.push({ path, message: `unknown check id "${id}"${didYouMean(id, known)}` });
    };
    walk(config, [], (value, path) => {
      if (path.at(-2) === 'skipChecks' && typeof value === 'string') checkId(value, path);
    });
    config.waivers.forEach((waiver, i) => checkId(waiver.check, ['waivers', i, 'check']));
  }
  config.services.forEach((service, i) =>
    service.datastores.forEach((datastore, j) => {
      const caFile = (datastore as { tls?: { caFile?: string } }).tls?.caFile;
      if (caFile === undefined) return;
      try {
        accessSync(caFile, constants.R_OK);
      } catch (error) {
        problems.push({ path: ['services', i, 'datastores', j, 'tls', 'caFile'], message: `cannot read ${caFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` });
      }
    }),
  );
  config.services.forEach((service, i) => {
    if (service.repo === undefined) return;
    try {
      if (!statSync(service.repo).isDirectory()) problems.push({ path: ['services', i, 'repo'], message: `${service.repo} is not a directory` });
    } catch (error) {
      problems.push({ path: ['services', i, 'repo'], message: `cannot read ${service.repo}: ${(error as NodeJS.ErrnoException).code ?? 'error'}` });
    }
  });
  const services = config.services.map((s) => s.name);
  const owners = config.services.flatMap((s) => (s.owner ? [s.owner] : []));
  config.alerts.sinks.forEach((sink, i) => {
    sink.services?.forEach((name, j) => {
      if (!services.includes(name)) problems.push({ path: ['alerts', 'sinks', i, 'services', j], message: `no service "${name}"${didYouMean(name, services)}` });
    });
    sink.owners?.forEach((owner, j) => {
      if (!owners.includes(owner)) problems.push({ path: ['alerts', 'sinks', i, 'owners', j], message: `no service has owner "${owner}"${didYouMean(owner, owners)}` });
    });
  });
  return problems;
}

function walk(value: unknown, path: PathSegment[], visitor: (value: unknown, path: PathSegment[]) => void): void {
  visitor(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i], visitor));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, [...path, k], visitor);
}

/** ' (did you mean "x"?)' for the closest known name within a few edits, else ''. */
export function didYouMean(name: string, known: readonly string[]): string {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean "${best.candidate}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, options: ParseOptions = {}): Promise<Config> {
  return parseConfig(await readConfigText(file), file, env, options);
}

/**
 * Only the history section of a configuration, for the commands that read the
 * history and connect to no datastore (diff, history): the datastores'
 * variables (their passwords) need not be set.
 */
export async function loadHistoryConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config['history']> {
  const { doc, counter } = parseYaml(await readConfigText(file), file);
  const raw = (toData(doc, counter, file) as { history?: unknown } | null)?.history ?? {};
  const parsed = HistorySchema.safeParse(interpolateOrThrow(doc, counter, raw, ['history'], env, file));
  if (!parsed.success) {
    throw new ConfigError(zodProblems(parsed.error, doc, counter, ['history']), file);
  }
  return parsed.data;
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: '', message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}` }], file);
  }
}


function registerUrlSecretsDeep(value: unknown): void {
  if (typeof value === 'string') registerUrlSecrets(value);
  else if (Array.isArray(value)) value.forEach(registerUrlSecretsDeep);
  else if (value && typeof value === 'object') Object.values(value).forEach(registerUrlSecretsDeep);
}
