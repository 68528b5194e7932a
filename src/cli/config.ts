import { ConfigError, loadConfig, loadHistoryConfig } from '../config/load';
import type { Config } from '../config/schema';
import { EXIT } from './exit-codes';

/** Load a config for a command; an invalid one is reported on stderr and yields the usage exit code. */
export async function loadConfigForCommand(file: string): Promise<{ config: Config } | { exitCode: number }> {
  try {
    return { config: await loadConfig(file) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`continuity: invalid configuration\n${error.message}\n`);
    return { exitCode: EXIT.usage };
  }
}

/** The history section of a config, for commands that connect to no datastore; errors as for loadConfigForCommand. */
export async function loadHistoryConfigForCommand(file: string): Promise<{ history: Config['history'] } | { exitCode: number }> {
  try {
    return { history: await loadHistoryConfig(file) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`continuity: invalid configuration\n${error.message}\n`);
    return { exitCode: EXIT.usage };
  }
}
