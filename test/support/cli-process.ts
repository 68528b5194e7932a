// The CLI as a child process for the tests that run several of them (queue
// mode's serve and worker processes), and waiting for a condition to hold.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface LogLine {
  msg: string;
  service?: string;
  job?: string;
  port?: number;
  [key: string]: unknown;
}

/** A CLI process (bin/continuity.js) whose JSON log lines are kept and can be waited for. */
export class CliProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();
  readonly child: ChildProcess;

  constructor(
    readonly label: string,
    args: string[],
    options: { cwd: string; env?: Record<string, string> },
  ) {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/continuity.js'), ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env, CONTINUITY_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void (async () => {
      for await (const line of createInterface({ input: child.stderr })) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
        for (const wake of this.waiters) wake();
      }
    })();
  }

  async waitFor(match: (line: LogLine) => boolean, timeoutMs = 120_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`${this.label}: no matching log line; logs: ${JSON.stringify(this.logs.slice(-20))}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
        setTimeout(wake, 500);
      });
    }
  }

  scansStarted(service?: string): LogLine[] {
    return this.logs.filter((l) => l.msg === 'scan job started' && (!service || l.service === service));
  }
}

/** Read until `done` holds, every 250 ms, failing after `timeoutMs`. */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
