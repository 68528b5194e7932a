// The Indexes row is answered from the queries (postgres.query-index-use) and
// the catalog checks together: the queries' evidence carries the answer, the
// catalog qualifies it, and the lead is the worse of both.
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../checks';
import type { PostgresFacts } from '../../src/datastores/postgres/facts';
import type { DatastoreCheck } from '../../src/engine/types';
import { DEFAULT_FRAMEWORK, framework } from '../../src/frameworks';
import { answerFramework } from '../../src/report/answers';
import { column, foreignKey, indexedPlan, observed, plannedWith, postgresFacts, run, scanIssue, statement, statementFacts, table } from '../support/postgres-facts';

const QUESTIONNAIRE = framework(DEFAULT_FRAMEWORK);
const INDEXES = QUESTIONNAIRE.controls.find((c) => c.id === 'indexes')!;

function indexesAnswer(facts: PostgresFacts): string {
  const findings = ALL_CHECKS.filter((c): c is DatastoreCheck<'postgres'> => INDEXES.checks.includes(c.id) && c.scope === 'datastore' && c.requires === 'postgres').flatMap(
    (check) => run(check, facts),
  );
  return answerFramework(QUESTIONNAIRE, findings).find((a) => a.control === 'indexes')!.answer;
}

const catalogClean = { tables: observed('pg_stat_user_tables', [table(1, 'inventory', { liveRows: 20_000, seqScans: 1, indexScans: 999 })]) };
const catalogFailing = {
  ...catalogClean,
  foreignKeys: observed('pg_constraint', [foreignKey(1, 'inventory_menu_id_fkey', [2])]),
  columns: observed('pg_attribute', [column(1, 2, 'menu_id', 'integer')]),
};
const indexed = statementFacts([statement('4410', 'select * from menu where id = $1', indexedPlan('menu_pkey'))]);
const scanning = statementFacts([statement('8125', 'select id from inventory where menu_id = $1', plannedWith(scanIssue()))]);

describe('the Indexes answer', () => {
  it('is Yes only when the queries use indexes and the catalog shows no gap, and says which evidence carries it', () => {
    expect(indexesAnswer(postgresFacts({ ...catalogClean, statements: indexed }))).toBe(
      'Yes: the 1 statement of db (94% of its execution time in pg_stat_statements, judged from their generic plans) uses indexes or reads only small tables. ' +
        // The row's other checks include clickhouse.indexes, which has no ClickHouse datastore to judge here.
        'Other checks of this row: no gap (6 of 7 checks had evidence).',
    );
  });

  it('is No when a top statement reads a large table in full, naming it and the index', () => {
    expect(indexesAnswer(postgresFacts({ ...catalogClean, statements: scanning }))).toMatch(
      /^No: 1 of the 1 statement of db .* reads a large table in full: `select id from inventory where menu_id = \$1` \(queryid 8125\) reads public\.inventory in full: CREATE INDEX CONCURRENTLY ON public\.inventory \(menu_id\)\..* Other checks of this row: no gap/,
    );
  });

  it('is Partly when the queries use indexes but a catalog check fails', () => {
    expect(indexesAnswer(postgresFacts({ ...catalogFailing, statements: indexed }))).toMatch(
      /^Partly: the 1 statement of db .* uses indexes or reads only small tables\. Other checks of this row: 1 failing finding \(postgres\.unindexed-foreign-key\)\.$/,
    );
  });

  it('rests on the catalog, and says the queries were not judged, without pg_stat_statements', () => {
    expect(indexesAnswer(postgresFacts({ ...catalogFailing }))).toBe(
      'Partly: the queries of db were not judged (the pg_stat_statements extension is not installed in this database). Other checks of this row: 1 failing finding (postgres.unindexed-foreign-key).',
    );
    expect(indexesAnswer(postgresFacts({ ...catalogClean }))).toMatch(/^Not fully assessed: the queries of db were not judged/);
  });
});
