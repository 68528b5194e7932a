// The HTML renderer on its own: escaping, self-containment, size budget, sections.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CompactFinding } from '../../src/report/html-view';
import { HTML_LIMITS, htmlFileName, overviewView } from '../../src/report/html-view';
import { renderOverviewHtml, renderServiceHtml } from '../../src/report/html';
import { STATUS_ORDER } from '../../src/report/order';
import { QUESTIONNAIRE } from '../support/questionnaire';
import { severityRank, type Status } from '../../src/model';
import { buildFleetScan } from '../support/fleet';
import { embeddedData } from '../support/html';
import { questionnaireOf } from '../support/questionnaire';

const HOSTILE = '</script><script>window.__xss=1</script><img src=x onerror="window.__xss=2">';

function inlineBlock(html: string, tag: 'style' | 'script'): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
  if (!match) throw new Error(`no inline <${tag}>`);
  return match[1]!;
}

describe('HTML service report', () => {
  const scan = buildFleetScan({ services: 2, datastoresPerService: 8, changes: true, hostileText: HOSTILE });
  const service = scan.services[0]!;
  const html = renderServiceHtml(scan, service);

  it('escapes scan text in markup and in the embedded JSON', () => {
    expect(html).not.toContain('<script>window.__xss');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;window.__xss&#x3D;1&lt;/script&gt;&lt;img src&#x3D;x onerror&#x3D;&quot;window.__xss&#x3D;2&quot;&gt;');
    // Only the report's own script element and the JSON data block exist.
    expect(html.match(/<script[ >]/g)).toHaveLength(2);
    const data = embeddedData(html);
    expect(data.findings.some((f) => f.m === `backup policy link is ${HOSTILE}` && f.e[0]![2] === HOSTILE)).toBe(true);
  });

  it('is self-contained: no external asset, and a CSP that allows only its own style and script', () => {
    const markup = html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/g, '');
    expect(markup).not.toMatch(/<link\b|\bsrc=|@import|url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    const hash = (text: string) => `&#x27;sha256-${createHash('sha256').update(text).digest('base64').replace(/=/g, '&#x3D;')}&#x27;`;
    expect(csp).toContain(`style-src ${hash(inlineBlock(html, 'style'))}`);
    expect(csp).toContain(`script-src ${hash(inlineBlock(html, 'script'))}`);
    expect(csp).toContain('default-src &#x27;none&#x27;');
  });

  it('puts the questionnaire first, in the order and with the labels of the questionnaire', () => {
    const labels = [...html.matchAll(/<tr id="q-([a-z]+)" data-row="[a-z]+">\s*<th scope="row">([^<]+)<\/th>/g)];
    expect(labels.map((m) => m[1])).toEqual(QUESTIONNAIRE.map((r) => r.id));
    expect(labels.map((m) => m[2])).toEqual(QUESTIONNAIRE.map((r) => r.label));
    expect(html.indexOf('id="questionnaire"')).toBeLessThan(html.indexOf('id="findings-section"'));
    for (const answer of questionnaireOf(service)) {
      expect(html).toContain(`<span class="badge s-${answer.status}">${answer.status}</span>`);
    }
  });

  it('embeds every finding, worst first, and lists a few per check inline', () => {
    const data = embeddedData(html);
    expect(data.omitted).toBe(0);
    expect(data.findings).toHaveLength(service.findings.length);
    const order = data.findings.map((f) => STATUS_ORDER.indexOf(f.s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    const inlineRows = html.match(/<tr data-status=/g) ?? [];
    const checks = new Set(service.findings.map((f) => f.checkId));
    expect(inlineRows.length).toBeLessThanOrEqual(Math.min(checks.size * HTML_LIMITS.inlinePerCheck, HTML_LIMITS.inlineTotal));
    expect(html).toMatch(/… and \d+ more <code>postgres\.[a-z-]+<\/code> findings/);
  });

  it('shows waived findings with reason, approver and expiry, and marks expired waivers', () => {
    const waived = service.findings.filter((f) => f.waiver && !f.waiver.expired);
    const expired = service.findings.filter((f) => f.waiver?.expired);
    expect(waived.length).toBeGreaterThan(0);
    expect(expired.length).toBeGreaterThan(0);
    const waivers = html.slice(html.indexOf('id="waivers"'));
    expect(waivers).toContain(`${waived.length + expired.length} findings matched a waiver`);
    expect(waivers).toContain('<td>sre-lead@example.org</td>');
    expect(waivers).toContain('<time datetime="2026-06-30">2026-06-30</time>');
    expect(waivers).toContain('<strong>expired</strong>');
  });

  it('shows changes since the last scan only when the scan carries them', () => {
    const events = scan.changes!.events.filter((e) => e.service === service.name);
    expect(html).toContain('Changed since last scan');
    expect(html.slice(html.indexOf('id="changes"'), html.indexOf('id="datastores"')).match(/<tr>\s*<th scope="row">/g)).toHaveLength(events.length);
    const withoutHistory = { ...scan };
    delete withoutHistory.changes;
    expect(renderServiceHtml(withoutHistory, service)).not.toContain('Changed since last scan');
  });

  it('makes links only of http(s) URLs', () => {
    const bad = {
      ...service,
      docs: { saas: 'javascript:alert(1)' },
      datastores: service.datastores.map((d) => ({ ...d, backupPolicy: 'javascript:alert(2)' })),
    };
    const page = renderServiceHtml(scan, bad);
    expect(page).not.toMatch(/href="javascript:/);
    expect(page).toContain('javascript:alert(2)');
  });

  it("shows a datastore's parts as rows of the datastore table, each with its own recovery line and backup link", () => {
    const [first, ...rest] = service.datastores;
    const withParts = {
      ...service,
      datastores: [
        {
          ...first!,
          parts: [
            { kind: 'storage bucket', name: 'invoices', recovery: 'own backup declared (not covered by database backups)', backupPolicy: 'https://wiki.acme.io/invoices' },
            { kind: 'storage bucket', name: 'exports', recovery: 'not covered by database backups', backupPolicy: 'javascript:alert(3)' },
          ],
        },
        ...rest,
      ],
    };
    const page = renderServiceHtml(scan, withParts);
    const rows = page.slice(page.indexOf('id="datastores"')).match(/<tr class="part">[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(`${first!.name} › invoices`);
    expect(rows[0]).toContain('<td>own backup declared (not covered by database backups)</td>');
    expect(rows[0]).toContain('<a href="https://wiki.acme.io/invoices">');
    expect(rows[1]).not.toMatch(/href="javascript:/);
    expect(rows[1]).toContain(`part of ${first!.name}`);
  });

  it('keeps a service page under 1 MB by leaving the least severe findings out of the embedded JSON', () => {
    const huge = buildFleetScan({ services: 1, datastoresPerService: 50, maxTableFindings: 200, seed: 3 });
    const big = huge.services[0]!;
    const page = renderServiceHtml(huge, big);
    const data = embeddedData(page);
    expect(big.findings.length).toBeGreaterThan(20_000);
    expect(Buffer.byteLength(page)).toBeLessThan(1_000_000);
    expect(data.omitted).toBe(big.findings.length - data.findings.length);
    expect(data.omitted).toBeGreaterThan(0);
    expect(page).toContain(`${data.omitted} of ${big.findings.length} findings, the least severe, are not embedded`);
    // What is embedded is never better than what was left out.
    const rank = (status: Status) => STATUS_ORDER.indexOf(status);
    const last: CompactFinding = data.findings.at(-1)!;
    const embedded = new Set(data.findings.map((f) => `${f.r}|${data.checks[f.c]!.id}`));
    const left = big.findings.filter((f) => !embedded.has(`${f.resource}|${f.checkId}`));
    expect(left).toHaveLength(data.omitted);
    expect(
      left.every((f) => rank(f.status) > rank(last.s) || (rank(f.status) === rank(last.s) && severityRank(f.severity) <= severityRank(last.v))),
    ).toBe(true);
  });
});

describe('HTML fleet overview', () => {
  const scan = buildFleetScan({ services: 4, datastoresPerService: 3, changes: true, estateFindings: 12 });
  const html = renderOverviewHtml(scan);

  it('has a matrix row per service linking to its page and to each answer', () => {
    for (const service of scan.services) {
      expect(html).toContain(`<th scope="row"><a href="${service.name}.html">${service.name}</a>`);
      for (const answer of questionnaireOf(service)) {
        expect(html).toContain(`href="${service.name}.html#q-${answer.control}"`);
      }
    }
  });

  it('totals by severity and by check add up to every finding of the scan', () => {
    const view = overviewView(scan);
    const all = scan.services.reduce((n, s) => n + s.findings.length, 0) + scan.estate.findings.length;
    expect(view.bySeverity.reduce((n, r) => n + r.total, 0)).toBe(all);
    expect(view.byCheck.reduce((n, r) => n + r.total, 0)).toBe(all);
    expect(view.totalsRow).toEqual(view.statusColumns.map((s) => scan.totals[s]));
  });

  it('lists by check only the checks that apply to the estate: no all-zero row', () => {
    const view = overviewView(scan);
    const produced = new Set([...scan.services.flatMap((s) => s.findings), ...scan.estate.findings].map((f) => f.checkId));
    expect(view.byCheck.map((r) => r.id).sort()).toEqual([...produced].sort());
    expect(view.byCheck.every((r) => r.total > 0)).toBe(true);
    expect(view.checksNotApplicable).toBe(scan.checks.filter((c) => !produced.has(c.id)).length);
  });

  it('lists the estate findings', () => {
    const data = embeddedData(html, 'estate-findings-data');
    expect(data.findings).toHaveLength(12);
    expect(html).toContain('arn:aws:rds:eu-west-1:123456789012:db:orphan-1');
  });

  it('keeps a service named "index" from overwriting the overview', () => {
    expect(htmlFileName('index')).toBe('_index.html');
    const renamed = { ...scan, services: [{ ...scan.services[0]!, name: 'index' }] };
    expect(renderOverviewHtml(renamed)).toContain('<a href="_index.html">index</a>');
  });
});
