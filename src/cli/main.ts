import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { packageRoot } from '../core/paths.js';
import { example } from './help.js';
import { register as doctor } from './commands/doctor.js';
import { register as config } from './commands/config.js';
import { register as images } from './commands/images.js';
import { register as start } from './commands/start.js';
import { register as stop } from './commands/stop.js';
import { register as status } from './commands/status.js';
import { register as logs } from './commands/logs.js';
import { register as shell } from './commands/shell.js';
import { register as gc } from './commands/gc.js';
import { register as selftest } from './commands/selftest.js';

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('de-lab')
    .description('Run the Data Engineering Advanced course on your own machine: Docker stacks per day, exercises and graders.')
    .version(version(), '-V, --version', 'print the de-lab version')
    .option('--json', 'print machine-readable JSON instead of text')
    .option('--no-color', 'plain text without colours (NO_COLOR is honoured too)')
    .option('--verbose', 'show details and stack traces')
    .addOption(new Option('--lang <lang>', 'language of messages and course text').choices(['en', 'ko']))
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', example(['de-lab doctor', 'de-lab config set lang ko']));
  doctor(program);
  config(program);
  start(program);
  stop(program);
  status(program);
  logs(program);
  shell(program);
  gc(program);
  images(program);
  selftest(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    if (argv.length <= 2) {
      program.outputHelp();
      return;
    }
    await program.parseAsync(argv);
  } catch (error) {
    const code = (error as { exitCode?: number; code?: string }).exitCode;
    // commander already printed help/version/usage errors; keep its exit code (0 for --help).
    process.exitCode = typeof code === 'number' ? code : 1;
  }
}
