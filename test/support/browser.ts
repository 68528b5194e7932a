// Headless Chromium from Debian's chromium package, driven by playwright-core.
// .ci/run installs the package when /usr/bin/chromium is missing.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Every URL the pages requested, to prove the reports load nothing from the network. */
  requests: string[];
  close(): Promise<void>;
}

/** A fresh Chromium with its own throwaway profile (user data dir); nothing leaves 127.0.0.1. */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium); .ci/run does so in CI`);
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'continuity-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  await context.route(/^(https?|wss?|ftp):/, (route) => route.abort());
  return {
    context,
    requests,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
