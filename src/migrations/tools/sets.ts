import { dirOf } from '../repo-files';
import type { Migration, DetectedSet, MigrationTool } from '../types';
import { groupBy } from '../../util';

/** One set per directory, for tools whose migrations live as files side by side; the first file is the marker. */
export function setsByDirectory(tool: MigrationTool, migrations: Migration[]): DetectedSet[] {
  return [...groupBy(migrations, (m) => dirOf(m.up))].map(([directory, list]) => ({
    tool,
    directory,
    marker: list[0]!.up,
    forwardOnly: false,
    autoMigration: false,
    migrations: list,
    notes: [],
  }));
}
