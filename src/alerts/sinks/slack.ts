// Slack incoming webhook: a Block Kit message per scan of a service.
// https://api.slack.com/messaging/webhooks, https://api.slack.com/reference/block-kit/blocks
import { registerSecret, urlPath } from '../../secrets';
import { describeEvidence, plainText, title, type AlertMessage } from '../message';
import { post, type AlertSink } from './sink';

/** Slack allows 50 blocks per message and 3000 characters per section text. */
const MAX_ITEM_BLOCKS = 46;
const MAX_SECTION = 3000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn: &, < and > must be escaped. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

type Block = Record<string, unknown>;

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(text, MAX_SECTION) } };
}

export function slackPayload(message: AlertMessage): { text: string; blocks: Block[] } {
  const items: Block[] = [
    ...message.events.map((e) => {
      const lines = [`*${e.type}* · ${e.severity} · \`${escape(e.checkId ?? e.datastore ?? e.service)}\``, escape(e.message)];
      if (e.before) lines.push(`*Before* (${e.before.status}): ${escape(describeEvidence(e.before.evidence))}`);
      if (e.after) lines.push(`*After* (${e.after.status}): ${escape(describeEvidence(e.after.evidence))}`);
      return section(lines.join('\n'));
    }),
    ...message.openFindings.map((f) =>
      section(`*${f.status}* · ${f.severity} · \`${escape(f.checkId)}\` on \`${escape(f.resource)}\`\n${escape(f.message)}`),
    ),
  ];
  const shown = items.slice(0, MAX_ITEM_BLOCKS);
  if (items.length > shown.length) shown.push(section(`…and ${items.length - shown.length} more in the report.`));
  const context = [`service *${escape(message.service)}*`, `scan ${message.scanId}`, message.scanFinishedAt];
  if (message.owner) context.push(`owner ${escape(message.owner)}`);
  if (message.reportUrl) context.push(`<${message.reportUrl}|report>`);
  return {
    // The notification and accessibility fallback.
    text: clip(plainText(message), MAX_SECTION),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title(message), 150) } },
      ...shown,
      { type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] },
    ],
  };
}

export function slackSink(config: { name: string; url: string }, timeoutMs: number): AlertSink {
  // The webhook URL is the credential, and its path alone is enough to post:
  // a receiver's error body may quote the path without the host.
  registerSecret(config.url);
  registerSecret(urlPath(config.url));
  return {
    name: config.name,
    async send(message) {
      await post(config.name, config.url, JSON.stringify(slackPayload(message)), { 'content-type': 'application/json' }, timeoutMs);
    },
  };
}
