// Headless Chromium for the HTML report tests, driven by playwright-core:
// Debian's chromium where it is installed, otherwise the Chromium that the npm
// package @sparticuz/chromium ships inside itself (so `npm ci && npm test`
// needs nothing beyond Node.js and npm). The bundled one is inflated once
// into node_modules/.cache, never into the system temp directory.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const BUNDLED_CACHE = path.resolve(import.meta.dirname, '../../node_modules/.cache/continuity-chromium');

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** The Chromium the tests drive: Debian's when present, else the npm package's, inflated on first use. */
export async function chromiumExecutable(): Promise<string> {
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  // @sparticuz/chromium inflates into os.tmpdir(), which follows TMPDIR: point it at the cache.
  const { default: Bundled } = await import('@sparticuz/chromium');
  await mkdir(BUNDLED_CACHE, { recursive: true });
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = BUNDLED_CACHE;
  try {
    return await Bundled.executablePath();
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

export interface Browser {
  context: BrowserContext;
  /** Every URL the pages requested, to prove the reports load nothing from the network. */
  requests: string[];
  close(): Promise<void>;
}

/** A fresh Chromium with its own throwaway profile (user data dir); nothing leaves 127.0.0.1. */
export async function launchChromium(options: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const executablePath = await chromiumExecutable();
  const profile = await mkdtemp(path.join(os.tmpdir(), 'continuity-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
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
