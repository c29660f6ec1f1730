import { Option, type Command } from 'commander';
import { numberBetween } from '../parse.js';
import { resolve } from 'node:path';
import { tr } from '../../i18n/lang.js';
import { style } from '../../ui/style.js';
import { action, usageError, type Context } from '../context.js';
import { example } from '../help.js';

interface AdjustOptions {
  learner?: string;
  check?: string;
  exercise?: string;
  points?: number;
  comment?: string;
}

const need = <T>(value: T | undefined, flag: string): T => {
  if (value !== undefined) return value;
  throw usageError(
    tr({ en: `de-lab grade adjust needs ${flag}.`, ko: `de-lab grade adjust에는 ${flag}가 필요합니다.` }),
    'de-lab grade adjust ./grades-day1 --learner kim-minji --check runs --points 2 --comment "ran on my machine"',
  );
};

/** `de-lab grade adjust OUT`: one check's points set by the instructor, with a comment; every report drawn again. */
async function adjust(ctx: Context, out: string, options: AdjustOptions): Promise<number> {
  const { readResults, renderReports } = await import('../../grading/grade/reports.js');
  const { addOverride, readOverrides, writeOverrides } = await import('../../grading/grade/overrides.js');
  const dir = resolve(out);
  const points = need(options.points, '--points');
  const results = readResults(dir);
  const { file, override } = addOverride(results, readOverrides(dir), {
    learner: need(options.learner, '--learner'),
    check: need(options.check, '--check'),
    exercise: options.exercise,
    points,
    comment: need(options.comment, '--comment'),
  });
  writeOverrides(dir, file);
  const { files, view } = renderReports(results, dir);
  const learner = view.results.learners.find((l) => l.learner === override.learner)!;
  ctx.emit({ override, score: learner.score, maxScore: learner.maxScore, files }, () =>
    [
      `${style.ok('✓')} ${override.learner} ${override.exercise}/${override.check}: ${override.against.points} → ${override.points} (${override.comment})`,
      tr({
        en: `Total ${learner.score}/${learner.maxScore}; every report in ${out} is drawn again, overrides are in overrides.json.`,
        ko: `합계 ${learner.score}/${learner.maxScore}. ${out}의 모든 보고서를 다시 만들었고, 조정은 overrides.json에 있습니다.`,
      }),
    ].join('\n'),
  );
  return 0;
}

export function registerAdjust(grade: Command): void {
  grade
    .command('adjust <out>')
    .description("Set one check's points for a learner, with a comment the learner sees; stored beside results.json")
    .option('--learner <id>', 'the learner id, as in gradebook.csv')
    .option('--check <id>', 'the check id, as on the learner page')
    .option('--exercise <id>', 'the exercise of the check, when two exercises have a check of that id')
    .addOption(
      new Option('--points <n>', 'the points the check gets, from 0 to its weight').argParser(
        numberBetween(0, 1000, 2),
      ),
    )
    .option('--comment <text>', 'why, in a sentence the learner reads on their page')
    .addHelpText(
      'after',
      example([
        'de-lab grade adjust ./grades-day1 --learner kim-minji --check runs --points 2 --comment "ran on my machine"',
        'de-lab grade adjust ./grades-day1 --learner lee --exercise ex2 --check rows --points 0 --comment "copied output"',
      ]),
    )
    .action((out: string, _options: unknown, command: Command) =>
      action(adjust)(out, command.optsWithGlobals() as AdjustOptions, command),
    );
}
