import { describe, expect, it } from 'vitest';
import { palette, progressReporter, scanSummary } from '../../src/cli/terminal';
import { finding, scanOf } from '../support/scan-fixtures';

function terminal(isTTY: boolean) {
  const written: string[] = [];
  return { stream: { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream, written };
}

describe('terminal output', () => {
  it('colours on a TTY, not when NO_COLOR is set, nor off a TTY', () => {
    expect(palette(terminal(true).stream, {}).red('fail')).toBe('\u001b[31mfail\u001b[0m');
    expect(palette(terminal(true).stream, { NO_COLOR: '1' }).red('fail')).toBe('fail');
    expect(palette(terminal(false).stream, {}).red('fail')).toBe('fail');
  });

  it('shows n/N, the datastores in flight, and the error with its fix inline', () => {
    const { stream, written } = terminal(true);
    const progress = progressReporter(stream, 2, palette(stream, { NO_COLOR: '1' }));
    progress.start({ service: 'shop', datastore: 'orders-db' });
    progress.start({ service: 'shop', datastore: 'ledger-db' });
    expect(written.at(-1)).toBe('  [0/2] scanning shop/orders-db, shop/ledger-db');
    progress.done({ service: 'shop', datastore: 'ledger-db', ok: false, durationMs: 3012, error: 'postgres: no answer within 3 s from db:5432', fix: 'the server did not answer' });
    const text = written.join('');
    expect(text).toContain('  [1/2] error shop/ledger-db (3.0 s): postgres: no answer within 3 s from db:5432\n          fix: the server did not answer\n');
    expect(written.at(-1)).toBe('  [1/2] scanning shop/orders-db');
    progress.done({ service: 'shop', datastore: 'orders-db', ok: true, durationMs: 420 });
    expect(written.join('')).toContain('  [2/2] ok    shop/orders-db (420 ms)\n');
  });

  it('a summary with no failing finding still counts the findings no check could assess', () => {
    const unknown = finding({ checkId: 'pg.ssl', status: 'unknown', message: 'permission denied for pg_settings' });
    const paint = palette(terminal(false).stream, {});
    const text = scanSummary(scanOf([unknown]), { statuses: ['fail'] }, paint);
    expect(text).toContain('  no failing findings\n');
    expect(text).toContain('  1 finding not assessed (error or unknown): --status error,unknown lists them\n');
    // Listed when asked for, not counted a second time.
    expect(scanSummary(scanOf([unknown]), { statuses: ['unknown'] }, paint)).not.toContain('not assessed');
  });
});
