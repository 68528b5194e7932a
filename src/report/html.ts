// The HTML reports: one page per service and the fleet overview (index.html),
// self-contained (inline style and script, no external assets) so they work
// offline, attached to a ticket, and print.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { ScanResult, ServiceResult } from '../model';
import { packagePath } from '../package-root';
import { htmlFileName, overviewView, OVERVIEW_FILE, servicePageView } from './html-view';
import { writeFileAtomic } from '../atomic-file';
import type { FormatWriter } from './write';
import { humanTime } from './wording';
import { plural } from '../util';

const REPORTS_DIR = packagePath('reports');

interface Templates {
  service: Handlebars.TemplateDelegate;
  overview: Handlebars.TemplateDelegate;
  assets: { css: string; js: string; csp: string };
}

let templates: Templates | undefined;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

function load(): Templates {
  // HTML escaping stays on (the default): every value from a scan is escaped.
  const html = Handlebars.create();
  html.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));
  html.registerHelper('plural', (n: number, word: string) => plural(n, word));
  html.registerHelper('time', (iso: string) => humanTime(iso));
  html.registerHelper('sum', (a: number, b: number) => a + b);
  html.registerHelper('sum-list', (values: number[]) => values.reduce((n, v) => n + v, 0));
  const partialsDir = path.join(REPORTS_DIR, 'html', 'partials');
  for (const file of readdirSync(partialsDir)) {
    if (file.endsWith('.html.hbs')) {
      html.registerPartial(file.slice(0, -'.html.hbs'.length), readFileSync(path.join(partialsDir, file), 'utf8'));
    }
  }
  // preventIndent: an indented partial would otherwise re-indent the inlined
  // stylesheet and change its hash.
  const compile = (file: string) =>
    html.compile(readFileSync(path.join(REPORTS_DIR, file), 'utf8'), { preventIndent: true });
  const css = readFileSync(path.join(REPORTS_DIR, 'html', 'report.css'), 'utf8');
  const js = readFileSync(path.join(REPORTS_DIR, 'html', 'report.js'), 'utf8');
  // Only this page's own style and script may run: an injected <script> would
  // not, even if escaping ever failed. No network access of any kind.
  const csp = [
    "default-src 'none'",
    `style-src ${sha256(css)}`,
    `script-src ${sha256(js)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return { service: compile('service.html.hbs'), overview: compile('index.html.hbs'), assets: { css, js, csp } };
}

export function renderServiceHtml(scan: ScanResult, service: ServiceResult, options: Parameters<typeof servicePageView>[2] = {}): string {
  templates ??= load();
  return templates.service({ scan, ...templates.assets, ...servicePageView(scan, service, options) });
}

export function renderOverviewHtml(scan: ScanResult, options: Parameters<typeof overviewView>[1] = {}): string {
  templates ??= load();
  return templates.overview({ scan, ...templates.assets, ...overviewView(scan, options) });
}

/** The `html` format: index.html plus one page per service. */
export const writeHtmlReports: FormatWriter = async (scan, outDir, context) => {
  const files: string[] = [];
  for (const service of scan.services) {
    const file = path.join(outDir, htmlFileName(service.name));
    const trends = context.trends?.services.get(service.name);
    await writeFileAtomic(file, renderServiceHtml(scan, service, trends ? { trends } : {}));
    files.push(file);
  }
  const overview = path.join(outDir, OVERVIEW_FILE);
  const fleet = context.trends?.fleet;
  await writeFileAtomic(overview, renderOverviewHtml(scan, fleet ? { trends: fleet } : {}));
  return [overview, ...files];
};
