// The PostgreSQL parser: libpg-query's WASM build (PostgreSQL 17's own parser),
// called directly. The package's entry point would also load a 5 MB protobuf
// module used only by deparse(), which continuity never calls: that load cost
// every scan about 0.1 s of CPU.
import createModule, { type PgQueryWasm } from 'libpg-query/wasm/libpg-query.js';
import { setFlagsFromString } from 'node:v8';

let wasm: PgQueryWasm | undefined;
let loading: Promise<void> | undefined;

/** Load the WASM module once; the functions below may be called after this resolves. */
export function loadParser(): Promise<void> {
  if (!loading) {
    // V8 compiles a hot WASM function twice: at once with its baseline compiler (Liftoff), then again with TurboFan
    // on background threads. For the parser's 2 MB module the second compile costs ~0.6 s of CPU, more than it saves
    // on the statements of a scan (20,000 statements parse in ~0.5 s of CPU with Liftoff's code, ~0.35 s with
    // TurboFan's): keep the baseline code. The flag applies to modules compiled after it, i.e. this one.
    setFlagsFromString('--liftoff-only');
    loading = createModule().then((module) => {
      wasm = module;
    });
  }
  return loading;
}

/** Run one entry point on `text` and return its result string (JSON, or an error message). */
function call(entry: (module: PgQueryWasm, text: number) => number, text: string): string {
  if (!wasm) throw new Error('the PostgreSQL parser is not loaded: call loadParser() first');
  const length = Buffer.byteLength(text);
  const input = wasm._malloc(length + 1);
  let output = 0;
  try {
    const heap = wasm.HEAPU8;
    Buffer.from(heap.buffer, heap.byteOffset + input, length).write(text);
    heap[input + length] = 0;
    output = entry(wasm, input);
    // The call may have grown the memory, which replaces HEAPU8.
    const after = wasm.HEAPU8;
    const end = after.indexOf(0, output);
    return Buffer.from(after.buffer, after.byteOffset + output, end - output).toString();
  } finally {
    wasm._free(input);
    if (output) wasm._wasm_free_string(output);
  }
}

/**
 * The JSON result of an entry point; an error message becomes an Error carrying it. Every result is a JSON object, so
 * anything else is the message (the package's own test, `includes('ERROR')`, also rejected every valid statement
 * holding the word, such as `CREATE TYPE level AS ENUM ('INFO', 'ERROR')`).
 */
function tree(result: string): any {
  if (!result.startsWith('{')) throw new Error(result);
  return JSON.parse(result);
}

/** The parse tree of SQL text (libpg-query's JSON form); throws the parser's message on a syntax error. */
export function parseSql(text: string): any {
  return tree(call((m, t) => m._wasm_parse_query(t), text));
}

/** The PL/pgSQL tree of a CREATE FUNCTION or DO statement. */
export function parsePlpgsql(text: string): any {
  return tree(call((m, t) => m._wasm_parse_plpgsql(t), text));
}

export interface SqlToken {
  /** Byte offsets in the UTF-8 text. */
  start: number;
  end: number;
  tokenName: string;
  /** 0 for a non-keyword, then unreserved, column-name, type-function-name and reserved keywords (1 to 4). */
  keywordKind?: number;
}

/** The scanner's tokens of SQL text. */
export function scanSql(text: string): { tokens: SqlToken[] } {
  return tree(call((m, t) => m._wasm_scan(t), text));
}
