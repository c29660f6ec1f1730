import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { packageRoot } from '../core/paths.js';
import { example } from './help.js';
import { localiseUsageError } from '../i18n/usage.js';
import { usageLang } from './usage-lang.js';
import { register as doctor } from './commands/doctor.js';
import { register as config } from './commands/config.js';
import { register as images } from './commands/images.js';
import { register as start } from './commands/start.js';
import { register as stop } from './commands/stop.js';
import { register as status } from './commands/status.js';
import { register as logs } from './commands/logs.js';
import { register as shell } from './commands/shell.js';
import { register as gc } from './commands/gc.js';
import { register as init } from './commands/init.js';
import { register as list } from './commands/list.js';
import { register as exercise } from './commands/exercise.js';
import { register as hint } from './commands/hint.js';
import { register as solution } from './commands/solution.js';
import { register as reset } from './commands/reset.js';
import { register as progress } from './commands/progress.js';
import { register as selftest } from './commands/selftest.js';
import { register as grade } from './commands/grade.js';
import { register as check } from './commands/check.js';
import { register as watch } from './commands/watch.js';
import { register as run } from './commands/run.js';
import { register as gen } from './commands/gen.js';

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command('de-lab')
    .description(
      'Run the Data Engineering Advanced course on your own machine: Docker stacks per day, exercises and graders.',
    )
    .version(version(), '-V, --version', 'print the de-lab version')
    .option('--json', 'print machine-readable JSON instead of text')
    .option('--no-color', 'plain text without colours (NO_COLOR is honoured too)')
    .option('--verbose', 'show details and stack traces')
    .addOption(new Option('--lang <lang>', 'language of messages and course text').choices(['en', 'ko']))
    .showSuggestionAfterError(true)
    // Set before the commands are added, so each inherits it: usage errors in the learner's language.
    .configureOutput({ outputError: (text, write) => write(localiseUsageError(text, usageLang())) })
    // Also inherited: a usage error in a subcommand throws to main() instead of exiting the process.
    .exitOverride()
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', example(['de-lab doctor', 'de-lab config set lang ko']));
  doctor(program);
  init(program);
  start(program);
  list(program);
  exercise(program);
  hint(program);
  check(program);
  watch(program);
  run(program);
  gen(program);
  solution(program);
  reset(program);
  progress(program);
  status(program);
  logs(program);
  shell(program);
  stop(program);
  gc(program);
  images(program);
  config(program);
  selftest(program);
  grade(program);
  return program;
}

/** The interactive menu: inquirer prompts, and each choice runs the matching command. */
async function openMenu(): Promise<void> {
  const { select } = await import('@inquirer/prompts');
  const { runMenu } = await import('./menu.js');
  const { loadConfig } = await import('../config/config.js');
  const { setLang, tr } = await import('../i18n/lang.js');
  const { loadCourse } = await import('../course/exercises.js');
  const { findWorkspace } = await import('../course/workspace.js');
  const { loadState, exerciseState, statusOf } = await import('../course/state.js');
  const config = loadConfig();
  setLang(config.values.lang);
  try {
    await runMenu({
      select: (message, choices) => select({ message, choices, pageSize: 12 }),
      dispatch: async (args) => {
        const program = buildProgram();
        program.exitOverride();
        await program.parseAsync(['node', 'de-lab', ...args]).catch(() => undefined);
        process.exitCode = 0;
      },
      days: () => {
        const root = findWorkspace(process.cwd(), config.values.workspace)?.root;
        const state = root ? loadState(root) : undefined;
        return loadCourse().map((day) => {
          const exercises = day.exercises.map((e) => {
            const status = state ? statusOf(exerciseState(state, day.lab.id, e.id)) : 'not-tried';
            return {
              id: e.id,
              title: tr(e.title),
              mark: status === 'passed' ? '✔' : status === 'failed' ? '✖' : '·',
              runnable: e.run !== undefined,
            };
          });
          return {
            id: day.lab.id,
            title: tr(day.lab.title),
            done: exercises.filter((e) => e.mark === '✔').length,
            total: exercises.length,
            exercises,
          };
        });
      },
    });
  } catch (error) {
    // Ctrl-C inside a prompt ends the menu quietly.
    if ((error as Error).name !== 'ExitPromptError') throw error;
  }
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    if (argv.length <= 2) {
      if (process.stdin.isTTY && process.stdout.isTTY && process.env.CI !== 'true') await openMenu();
      else program.outputHelp();
      return;
    }
    await program.parseAsync(argv);
  } catch (error) {
    const { exitCode: code, code: kind } = error as { exitCode?: number; code?: string };
    // commander already printed help/version/usage errors; keep its exit code (0 for --help), and
    // give usage errors exit code 2 like de-lab's own (a bad option value, a missing argument).
    process.exitCode =
      typeof code === 'number' &&
      code !== 0 &&
      kind?.startsWith('commander.') &&
      !['commander.help', 'commander.version', 'commander.helpDisplayed', 'commander.executeSubCommandAsync'].includes(
        kind,
      )
        ? 2
        : typeof code === 'number'
          ? code
          : 1;
  }
}
