// The problems a configuration text is rejected with (it must be rejected).
import { expect } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load';

export function problemsOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, 'continuity.yaml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}
