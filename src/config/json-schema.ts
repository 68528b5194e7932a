import { z } from 'zod';
import { ConfigSchema } from './schema';

/** The editor JSON Schema, derived from the same zod schema that validates configs. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'continuity configuration',
  };
}
