// `continuity worker` and `continuity jobs`: the queue-mode commands (docs/scaling.md).
import path from 'node:path';
import { loadConfigForCommand } from './config';
import { createLogger, silentLogger } from '../log';
import { openQueue, zoneOf } from '../queue/boss';
import { listJobs, retryJob, zoneDepths } from '../queue/jobs';
import { QueueWorker } from '../queue/worker';
import { errorMessage } from '../secrets';
import { EXIT } from './exit-codes';

export interface WorkerCommandOptions {
  config: string;
  zone: string;
  concurrency: number;
  port?: number;
}

export async function runWorkerCommand(options: WorkerCommandOptions): Promise<number> {
  const log = createLogger();
  const loaded = await loadConfigForCommand(options.config);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { config } = loaded;
  if (!config.queue) {
    process.stderr.write(`continuity: ${options.config}: queue: not configured; a worker needs queue mode (docs/scaling.md)\n`);
    return EXIT.usage;
  }
  if (!config.services.some((s) => zoneOf(s) === options.zone)) {
    log.warn({ zone: options.zone }, 'no service of the configuration is in this zone');
  }
  let worker: QueueWorker;
  try {
    ({ worker } = await QueueWorker.start({
      config,
      configPath: path.basename(options.config),
      zone: options.zone,
      concurrency: options.concurrency,
      log,
      ...(options.port !== undefined ? { port: options.port } : {}),
    }));
  } catch (error) {
    log.error({ err: errorMessage(error) }, 'could not start');
    return EXIT.scanFailed;
  }
  // As serve: a listener stays registered while stopping; a second signal is ignored.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'stopping');
  await worker.stop();
  return EXIT.ok;
}

export interface JobsCommandOptions {
  config: string;
  zone?: string;
  failed?: boolean;
  retry?: string;
  json?: boolean;
}

export async function runJobsCommand(options: JobsCommandOptions): Promise<number> {
  const loaded = await loadConfigForCommand(options.config);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { config } = loaded;
  if (!config.queue) {
    process.stderr.write(`continuity: ${options.config}: queue: not configured (docs/scaling.md)\n`);
    return EXIT.usage;
  }
  let queue;
  try {
    queue = await openQueue(config, silentLogger, { schedule: false, supervise: false, name: 'continuity-jobs' });
  } catch (error) {
    process.stderr.write(`continuity: ${errorMessage(error)}\n`);
    return EXIT.scanFailed;
  }
  try {
    if (options.retry) {
      const result = await retryJob(queue, config, options.retry);
      if ('error' in result) {
        process.stderr.write(`continuity: ${result.error}\n`);
        return EXIT.usage;
      }
      process.stdout.write(`queued ${result.id}\n`);
      return EXIT.ok;
    }
    const zones = [...new Set(config.services.map(zoneOf))].filter((z) => !options.zone || z === options.zone);
    const depths = (await zoneDepths(queue, zones)).filter((d) => !options.zone || d.zone === options.zone);
    const jobs = await listJobs(queue, { ...(options.zone ? { zone: options.zone } : {}), failed: options.failed ?? false });
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ zones: depths, jobs }, null, 2)}\n`);
      return EXIT.ok;
    }
    const age = (seconds: number | null) => (seconds === null ? '-' : `${Math.round(seconds)}s`);
    const lines = ['scan jobs:', 'zone\tqueued\trunning\tretrying\tfailed\tdead\toldest queued'];
    for (const d of depths) lines.push([d.zone, d.queued, d.running, d.retrying, d.failed, d.deadLetters, age(d.oldestQueuedSeconds)].join('\t'));
    lines.push('', 'discovery jobs:', 'zone\tqueued\trunning\tretrying\tfailed\toldest queued');
    for (const { zone, discovery: d } of depths) lines.push([zone, d.queued, d.running, d.retrying, d.failed, age(d.oldestQueuedSeconds)].join('\t'));
    lines.push('', options.failed ? 'failed jobs and dead letters:' : 'queued and running jobs:');
    if (jobs.length === 0) lines.push('(none)');
    for (const j of jobs) {
      const state = j.deadLetter ? 'dead-letter' : j.state;
      const what = j.discovery ? `discovery ${j.discovery.collector} ${j.discovery.scope} (tick ${j.discovery.tick})` : `scan ${j.service}`;
      lines.push([j.id, j.zone, what, state, `retries ${j.retryCount}`, j.createdOn, j.error ?? ''].join('\t').trimEnd());
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    await queue.close();
  }
}
