// The service reports show the top SQL statements of postgres.query-index-use:
// verdicts, the suggested CREATE INDEX CONCURRENTLY and HypoPG's estimates, the
// text shortened with the whole text behind a toggle in HTML.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import check from '../../checks/postgres/query-index-use';
import { renderServiceHtml } from '../../src/report/html';
import { renderServiceMarkdown } from '../../src/report/markdown';
import { answerFrameworks } from '../../src/report/answers';
import { buildFleetScan } from '../support/fleet';
import { indexedPlan, plannedWith, postgresFacts, run, scanIssue, statement, statementFacts } from '../support/postgres-facts';

const LONG_TEXT = `select i.id, i.quantity, i.reorder_level, m.item, m.price_cents
from inventory i join menu m on m.id = i.menu_id
where i.menu_id = $1 and i.quantity < i.reorder_level order by i.quantity`;

function scanWithStatements() {
  const scan = buildFleetScan({ services: 1, datastoresPerService: 1 });
  const service = scan.services[0]!;
  const verified = scanIssue({
    suggestion: {
      kind: 'new',
      columns: ['menu_id'],
      where: null,
      statement: 'CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);',
      hypothetical: { ok: true, costBefore: 378, costAfter: 125.14, used: true },
    },
  });
  const facts = postgresFacts({
    statements: statementFacts(
      [
        statement('8125', LONG_TEXT, plannedWith(verified), { totalTimeMs: 90_000 }),
        statement('4410', 'select item from menu where id = $1', indexedPlan('menu_pkey'), { totalTimeMs: 1_200 }),
      ],
      { hypopg: { schema: 'public', version: '1.4.1' } },
    ),
  });
  const findings = run(check, facts).map((f) => ({ ...f, service: service.name }));
  service.findings.push(...findings);
  service.datastores.push({ name: 'db', type: 'postgres', environment: 'production', durationMs: 120 });
  answerFrameworks(scan, ['continuity-0003']);
  return { scan, service };
}

describe('the top SQL statements in the service reports', () => {
  const { scan, service } = scanWithStatements();

  it('HTML: a section per datastore, the text shortened with the whole text behind a toggle, suggestions and HypoPG estimates', () => {
    const html = renderServiceHtml(scan, service);
    expect(html).toContain('<li><a href="#statements">Top SQL statements</a></li>');
    const section = /<section id="statements"[\s\S]*?<\/section>/.exec(html)![0];
    expect(section).toContain('<h3>db</h3>');
    expect(section).toMatch(/<summary><code>select i.id, i.quantity, i.reorder_level, m.item, m.price_cents from inventory i join men…<\/code><\/summary><pre>select i.id/);
    expect(section).toContain('where i.menu_id &#x3D; $1 and i.quantity &lt; i.reorder_level order by i.quantity</pre>');
    expect(section).toContain('<code>CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);</code>');
    expect(section).toContain('378.00 -&gt; 125.14 (66% less); the plan uses the index');
    expect(section).toContain('<td class="num">1.5 min</td>');
    // Worst first by total time: the scanning statement, then the indexed one.
    expect(section.indexOf('queryid 8125')).toBeLessThan(section.indexOf('queryid 4410'));
    expect(section).toMatch(/uses index menu_pkey<\/td>\s*<td><span class="note">none<\/span><\/td>/);
  });

  it('HTML: stays self-contained under its hash-based CSP (no inline style attribute, no external asset)', () => {
    const html = renderServiceHtml(scan, service);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    expect(csp).toContain(`style-src &#x27;sha256-${createHash('sha256').update(style).digest('base64').replace(/=/g, '&#x3D;')}&#x27;`);
    expect(csp).not.toMatch(/unsafe-inline/);
    expect(html).not.toMatch(/\sstyle="/);
    expect(html.replace(/<script type="application\/json"[^>]*>[^<]*<\/script>/g, '')).not.toMatch(/<link\b|\bsrc=|@import|url\(/i);
  });

  it('Markdown: a table per datastore with the verdict, the suggested index and the estimate', () => {
    const markdown = renderServiceMarkdown(scan, service);
    expect(markdown).toContain('## Top SQL statements');
    expect(markdown).toContain('### db (fail)');
    const row = markdown.split('\n').find((line) => line.startsWith('| fail | 8125 |'))!;
    expect(row).toContain('`select i.id, i.quantity, i.reorder_level, m.item, m.price_cents from inventory i join men…`');
    expect(row).toContain('| `CREATE INDEX CONCURRENTLY ON public.inventory (menu_id);` | 378.00 -> 125.14 (66% less); the plan uses the index |');
    expect(markdown.split('\n').find((line) => line.startsWith('| pass | 4410 |'))).toContain('| uses index menu_pkey | none | not estimated |');
    expect(markdown.indexOf('## Top SQL statements')).toBeLessThan(markdown.indexOf('## Findings'));
  });

  it('shows no section for a service without explained statements', () => {
    const plain = buildFleetScan({ services: 1, datastoresPerService: 2 });
    expect(renderServiceHtml(plain, plain.services[0]!)).not.toContain('id="statements"');
    expect(renderServiceMarkdown(plain, plain.services[0]!)).not.toContain('## Top SQL statements');
  });
});
