// libpg-query's Emscripten module (its package entry point wraps it and has the types; this file is loaded alone, see src/migrations/pg-parser.ts).
declare module 'libpg-query/wasm/libpg-query.js' {
  export interface PgQueryWasm {
    /** The module's memory; replaced when the memory grows, so read it after every allocation. */
    HEAPU8: Uint8Array;
    _malloc(size: number): number;
    _free(pointer: number): void;
    /** Each takes a NUL-terminated UTF-8 string and returns one to free with _wasm_free_string: JSON, or an error message. */
    _wasm_parse_query(text: number): number;
    _wasm_parse_plpgsql(text: number): number;
    _wasm_scan(text: number): number;
    _wasm_free_string(result: number): void;
  }
  const createModule: () => Promise<PgQueryWasm>;
  export default createModule;
}
