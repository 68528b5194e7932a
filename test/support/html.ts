import type { FindingsData } from '../../src/report/html-view';

/** The JSON a generated page embeds for one findings list, parsed. */
export function embeddedData(html: string, id = 'findings-data'): FindingsData {
  const match = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
  if (!match) throw new Error(`no embedded ${id} block`);
  return JSON.parse(match[1]!) as FindingsData;
}
