// The `continuity` command line. Each command's implementation is imported
// when it runs, so `continuity --help` loads commander and nothing else.
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './exit-codes';
import { SEVERITIES, STATUSES } from '../model';
import { TOOL_VERSION } from '../version';
import { stopWhenWrapperDies } from './parent-watch';

stopWhenWrapperDies();

function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('a port number');
  return port;
}

/** A comma-separated list whose items must be among `known`. */
function listOf(known: readonly string[]) {
  return (value: string) => {
    const items = list(value);
    const unknown = items.filter((v) => !known.includes(v));
    if (unknown.length > 0) throw new InvalidArgumentError(`unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
    return items;
  };
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

const program = new Command()
  .name('continuity')
  .description('Answers the CONTINUITY-0003 Data Management questionnaire from evidence.')
  .version(TOOL_VERSION, '-V, --version', 'print the version')
  .addOption(
    new Option('--log-format <format>', 'logs on stderr: json (the default when stderr is not a terminal) or text').choices(['json', 'text']),
  )
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) })
  .hook('preAction', (command) => {
    const { logFormat } = command.opts<{ logFormat?: string }>();
    if (logFormat) process.env.CONTINUITY_LOG_FORMAT = logFormat;
  });

program
  .command('scan')
  .description('Scan the configured datastores and write the reports (the built-in demo estate without --config).')
  .option('-c, --config <file>', 'configuration file (YAML); without it, the demo estate is scanned')
  .option('-s, --service <names>', 'only these services (comma-separated)', list)
  .option('-f, --format <formats>', 'output formats, comma-separated', list, ['md', 'json', 'html'])
  .option('--framework <ids>', 'frameworks the reports answer, comma-separated: continuity-0003, soc2, iso27001', list, ['continuity-0003'])
  .option('-o, --out <dir>', 'output directory; - writes scan.json to stdout and no file', 'out')
  .option('--check <ids>', 'only these checks (comma-separated ids or globs, e.g. postgres.*)', list)
  .option('--exclude-check <ids>', 'not these checks (comma-separated ids or globs)', list)
  .option('--severity <severities>', `the summary lists findings of these severities: ${SEVERITIES.join(', ')}`, listOf(SEVERITIES))
  .option('--status <statuses>', `the summary lists findings of these statuses (default fail): ${STATUSES.join(', ')}`, listOf(STATUSES))
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity').choices([
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]),
  )
  .option('--repo <path>', "analyse this repository's migrations (without --config: only this repository)")
  .option('--since <ref>', 'lint only migrations added after this git ref')
  .option('--diff', 'compare with the previous scan of each service: "changed since last scan" in the reports and on stdout')
  .option('--no-history', 'do not keep this scan in the history (nor compare it)')
  .option('--no-alerts', 'queue alerts in the history without sending them now')
  .action(async (options) => {
    const { runScanCommand } = await import('./scan');
    process.exitCode = await runScanCommand(options);
  });

program
  .command('verify-migrations')
  .description('Apply every up migration on a throwaway PostgreSQL, then check that each down restores the previous schema.')
  .requiredOption('--repo <path>', 'the repository holding the migrations')
  .option('-f, --format <formats>', 'output formats, comma-separated', list, ['md', 'json'])
  .option('-o, --out <dir>', 'output directory', 'out')
  .action(async (options) => {
    const { runVerifyMigrationsCommand } = await import('./verify-migrations');
    process.exitCode = await runVerifyMigrationsCommand(options);
  });

program
  .command('diff')
  .description('Print the drift events between two stored scans (default: the newest scan and the one before it of the same service).')
  .option('-c, --config <file>', 'configuration file whose history section names the store (datastore secrets are not needed)')
  .option('--history <dir>', 'history directory (default .continuity/history)')
  .option('-s, --service <name>', 'only this service')
  .option('--from <scan>', 'the earlier scan id (or a unique prefix of it)')
  .option('--to <scan>', 'the later scan id (or a unique prefix of it)')
  .option('--json', 'print JSON')
  .action(async (options) => {
    const { runDiffCommand } = await import('./diff');
    process.exitCode = await runDiffCommand(options);
  });

program
  .command('history')
  .description('List the stored scans, newest first; any unique prefix of a scan id is accepted where a scan id is.')
  .option('-c, --config <file>', 'configuration file whose history section names the store (datastore secrets are not needed)')
  .option('--history <dir>', 'history directory (default .continuity/history)')
  .option('-s, --service <name>', 'only scans of this service')
  .option('-n, --limit <count>', 'at most this many scans', positiveInteger)
  .option('--json', 'print JSON')
  .action(async (options) => {
    const { runHistoryCommand } = await import('./history');
    process.exitCode = await runHistoryCommand(options);
  });

program
  .command('checks')
  .description('List the checks: id, severity, title, the datastore types they run on, the framework rows they answer.')
  .option('-f, --format <format>', 'text or json', 'text')
  .action(async (options) => {
    const { runChecksCommand } = await import('./checks');
    process.exitCode = runChecksCommand(options);
  });

program
  .command('serve')
  .description('Scan on the configured schedules, keep the history, send drift alerts, serve /healthz /metrics /reports /api/scans.')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-p, --port <port>', 'HTTP port (0: any free port); default serve.port', portNumber)
  .action(async (options) => {
    const { runServeCommand } = await import('./serve');
    process.exitCode = await runServeCommand(options);
  });

program
  .command('worker')
  .description('Queue mode: run the scan jobs of one zone (pg-boss on queue.url), serve /healthz and /metrics; until SIGTERM/SIGINT.')
  .requiredOption('-c, --config <file>', 'configuration file (YAML) with a queue section')
  .option('-z, --zone <zone>', 'take only the jobs of the services of this zone', 'default')
  .option('--concurrency <n>', 'scan jobs run at once', positiveInteger, 1)
  .option('-p, --port <port>', 'HTTP port (0: any free port); default serve.port', portNumber)
  .action(async (options) => {
    const { runWorkerCommand } = await import('./queue');
    process.exitCode = await runWorkerCommand(options);
  });

program
  .command('jobs')
  .description('Queue mode: scan and discovery queue depths per zone and the queued, running or (--failed) failed jobs; --retry runs a failed job again.')
  .requiredOption('-c, --config <file>', 'configuration file (YAML) with a queue section')
  .option('-z, --zone <zone>', 'only this zone')
  .option('--failed', 'failed jobs and dead letters instead of queued and running ones')
  .option('--retry <id>', 'queue this failed scan or discovery job, or dead letter, again')
  .option('--json', 'print JSON')
  .action(async (options) => {
    const { runJobsCommand } = await import('./queue');
    process.exitCode = await runJobsCommand(options);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') {
    process.exitCode = EXIT.ok;
  } else if (code?.startsWith('commander.') || error instanceof InvalidArgumentError) {
    process.exitCode = EXIT.usage;
  } else {
    // A bug or an unforeseen fault: one line naming it, not a stack trace.
    const { errorMessage } = await import('../secrets');
    process.stderr.write(`continuity: unexpected error: ${errorMessage(error)}\n`);
    process.exitCode = EXIT.scanFailed;
  }
}
// Exit explicitly, with the command's code, whatever handles are still open.
process.exit(process.exitCode ?? EXIT.ok);
