import { Command, Option } from 'commander';
import { packageVersion } from '../core/paths.js';
import { example } from './help.js';
import { localiseUsageError } from '../i18n/usage.js';
import { usageLang } from './usage-lang.js';
import { EXIT } from '../core/errors.js';

/**
 * Every command, in the order `--help` lists them. Each module is imported only when needed: a
 * command line that names one command loads that module alone, which keeps `de-lab list` near a
 * bare node start (issue 16); help, the menu and unknown names load them all.
 */
const commands: [string, () => Promise<{ register(program: Command): void }>][] = [
  ['doctor', () => import('./commands/doctor.js')],
  ['init', () => import('./commands/init.js')],
  ['start', () => import('./commands/start.js')],
  ['list', () => import('./commands/list.js')],
  ['exercise', () => import('./commands/exercise.js')],
  ['hint', () => import('./commands/hint.js')],
  ['check', () => import('./commands/check.js')],
  ['watch', () => import('./commands/watch.js')],
  ['run', () => import('./commands/run.js')],
  ['gen', () => import('./commands/gen.js')],
  ['solution', () => import('./commands/solution.js')],
  ['reset', () => import('./commands/reset.js')],
  ['progress', () => import('./commands/progress.js')],
  ['status', () => import('./commands/status.js')],
  ['logs', () => import('./commands/logs.js')],
  ['shell', () => import('./commands/shell.js')],
  ['stop', () => import('./commands/stop.js')],
  ['gc', () => import('./commands/gc.js')],
  ['images', () => import('./commands/images.js')],
  ['config', () => import('./commands/config.js')],
  ['selftest', () => import('./commands/selftest.js')],
  ['grade', () => import('./commands/grade.js')],
];

/** The command a command line names: its first word that is not a global option (or --lang's value). */
export function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return undefined;
    if (token === '--lang') i++;
    else if (!token.startsWith('-')) return token;
  }
  return undefined;
}

/** The program with every command, or with only `only` when that names a command. */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('de-lab')
    .description(
      'Run the Data Engineering Advanced course on your own machine: Docker stacks per day, exercises and graders.',
    )
    .version(packageVersion(), '-V, --version', 'print the de-lab version')
    .option('--json', 'print machine-readable JSON instead of text')
    .option('--no-color', 'plain text without colours (NO_COLOR is honoured too)')
    .option('--verbose', 'show details and stack traces')
    .addOption(new Option('--lang <lang>', 'language of messages and course text').choices(['en', 'ko']))
    .option(
      '--context <name>',
      'Docker context whose engine runs the stacks, for this command (config `context` for every one)',
    )
    .showSuggestionAfterError(true)
    // Set before the commands are added, so each inherits it: usage errors in the learner's language.
    .configureOutput({ outputError: (text, write) => write(localiseUsageError(text, usageLang())) })
    // Also inherited: a usage error in a subcommand throws to main() instead of exiting the process.
    .exitOverride()
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', example(['de-lab doctor', 'de-lab config set lang ko']));
  const wanted = commands.filter(([name]) => name === only);
  for (const [, load] of wanted.length > 0 ? wanted : commands) (await load()).register(program);
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
        const program = await buildProgram();
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
  const program = await buildProgram(commandName(argv.slice(2)));
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
    // give usage errors exit code 2 like de-lab's own (EXIT in core/errors.ts) (a bad option value, a missing argument).
    process.exitCode =
      typeof code === 'number' &&
      code !== 0 &&
      kind?.startsWith('commander.') &&
      !['commander.help', 'commander.version', 'commander.helpDisplayed', 'commander.executeSubCommandAsync'].includes(
        kind,
      )
        ? EXIT.usage
        : typeof code === 'number'
          ? code
          : EXIT.failed;
  }
}
