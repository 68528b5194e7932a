import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { withDeadline } from '../src/util';

/** Resolves with the signal's reason once it aborts. */
const aborted = (signal: AbortSignal) => new Promise<unknown>((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));

describe('withDeadline', () => {
  it('aborts the task after its time, with a TimeoutError, even when a garbage collection runs in between', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const reason = await withDeadline(new AbortController().signal, 50, async (signal) => {
      const waiting = aborted(signal);
      gc();
      return waiting;
    });
    expect(reason).toEqual(expect.objectContaining({ name: 'TimeoutError', message: 'timed out after 50 ms' }));
  });

  it('follows the outer signal, also one aborted before the start', async () => {
    const outer = new AbortController();
    const reason = withDeadline(outer.signal, 60_000, (signal) => aborted(signal));
    outer.abort(new Error('scan cancelled'));
    expect(await reason).toEqual(new Error('scan cancelled'));
    expect(await withDeadline(outer.signal, 60_000, async (signal) => signal.reason)).toEqual(new Error('scan cancelled'));
  });

  it('lets go of the outer signal and the timer when the task settles', async () => {
    const outer = new AbortController();
    let inner: AbortSignal | undefined;
    expect(await withDeadline(outer.signal, 20, async (signal) => ((inner = signal), 'done'))).toBe('done');
    await new Promise((resolve) => setTimeout(resolve, 60));
    outer.abort();
    expect(inner!.aborted).toBe(false);
  });
});
