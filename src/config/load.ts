import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, type Document } from 'yaml';
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

const SECRET_NAME = /pass|secret|token|key|cred|auth/i;
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
      const key = String(path[path.length - 1] ?? '');
      if (SECRET_NAME.test(name) || SECRET_NAME.test(key)) registerSecret(found);
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
        line: counter.linePos(e.pos[0]).line,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
      file,
    );
  }
  return { doc, counter };
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

/** Parse and validate a configuration text; `file` only names it in errors. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): Config {
  const { doc, counter } = parseYaml(text, file);
  const interpolated = interpolateOrThrow(doc, counter, doc.toJS() as unknown, [], env, file);
  const parsed = ConfigSchema.safeParse(interpolated ?? {});
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, doc, counter), file);
  const duplicates = duplicateNames(parsed.data);
  if (duplicates.length > 0) {
    throw new ConfigError(
      duplicates.map((path) => ({ path: formatPath(path), line: lineOf(doc, counter, path), message: 'duplicate name' })),
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

export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config> {
  return parseConfig(await readConfigText(file), file, env);
}

/**
 * Only the history section of a configuration, for the commands that read the
 * history and connect to no datastore (diff, history): the datastores'
 * variables (their passwords) need not be set.
 */
export async function loadHistoryConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Config['history']> {
  const { doc, counter } = parseYaml(await readConfigText(file), file);
  const raw = (doc.toJS() as { history?: unknown } | null)?.history ?? {};
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
