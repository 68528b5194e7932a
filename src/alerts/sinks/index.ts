import type { Config, SinkConfig } from '../../config/schema';
import { emailSink } from './email';
import type { AlertSink } from './sink';
import { slackSink } from './slack';
import { webhookSink } from './webhook';

function createSink(config: SinkConfig, timeoutMs: number, now?: () => Date): AlertSink {
  switch (config.type) {
    case 'slack':
      return slackSink(config, timeoutMs);
    case 'webhook':
      return webhookSink(config, timeoutMs, now);
    case 'email':
      return emailSink(config, timeoutMs);
  }
}

export function createSinks(alerts: Config['alerts'], now?: () => Date): AlertSink[] {
  return alerts.sinks.map((sink) => createSink(sink, alerts.timeoutMs, now));
}
