// `continuity serve`: runs until SIGTERM or SIGINT, then stops cleanly and exits 0.
import path from 'node:path';
import { loadConfigForCommand } from './config';
import { createLogger } from '../log';
import { errorMessage } from '../secrets';
import { ContinuityService } from '../service/serve';
import { EXIT } from './exit-codes';

export interface ServeOptions {
  config: string;
  port?: number;
}

export async function runServeCommand(options: ServeOptions): Promise<number> {
  const log = createLogger();
  const loaded = await loadConfigForCommand(options.config);
  if ('exitCode' in loaded) return loaded.exitCode;
  const { config } = loaded;
  const service = new ContinuityService({
    config,
    configPath: path.basename(options.config),
    log,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  try {
    await service.start();
  } catch (error) {
    log.error({ err: errorMessage(error) }, 'could not start');
    await service.stop();
    return EXIT.scanFailed;
  }
  // `on`, not `once`: a listener must stay registered while stopping, or a
  // loader's fallback handler (tsx) ends the process with 143 mid-shutdown;
  // a second signal during shutdown is ignored.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'));
    process.on('SIGINT', () => resolve('SIGINT'));
  });
  log.info({ signal }, 'stopping');
  await service.stop();
  return EXIT.ok;
}
