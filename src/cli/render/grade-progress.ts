import { josa } from '../../i18n/josa.js';
import type { GradeEvent } from '../../grading/grade/run.js';
import { marks, style } from '../../ui/style.js';
import { tr } from '../../i18n/lang.js';
import type { Writer } from './progress-line.js';

/** Where the live line goes: a terminal stream (its width in `columns`), or a test's buffer. */
export interface Screen extends Writer {
  columns?: number;
}

/** Seconds as `42s` or `3m07s`. */
export const duration = (seconds: number) =>
  seconds >= 60
    ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`
    : `${Math.round(seconds)}s`;

const planLine = (event: Extract<GradeEvent, { type: 'plan' }>) =>
  style.dim(
    `${event.todo} of ${event.total} submissions to grade${event.kept ? `, ${event.kept} kept from before` : ''}; ${event.parallel} at a time` +
      (event.parallel < event.requested && event.todo > event.parallel
        ? ` (asked ${event.requested}; the engine's ${Math.round(event.engineMemoryBytes / 2 ** 30)} GiB hold ${event.cap})`
        : ''),
  );

const doneLine = (event: Extract<GradeEvent, { type: 'done' }>) => {
  const r = event.result;
  const eta = event.etaSec;
  const mark =
    r.status === 'graded'
      ? r.score >= r.maxScore
        ? style.ok(marks.ok)
        : style.warn('~')
      : r.status === 'rejected'
        ? style.fail(marks.fail)
        : style.warn(marks.warn);
  return `[${event.done}/${event.todo}] ${mark} ${r.learner} ${r.score}/${r.maxScore} (${r.percent} %) ${r.status} ${style.dim(`${r.seconds.toFixed(1)}s${eta !== undefined && event.done < event.todo ? ` · ETA ${duration(eta)}` : ''}`)}`;
};

/**
 * Grading progress: with `live` one line on `screen` rewritten in place (done/total, who is
 * running, ETA); otherwise one plain line per event through `say`, so CI logs and pipes stay
 * readable. `quiet` (--json) draws nothing.
 */
export function gradeProgress(
  say: (text: string) => void,
  options: { live: boolean; quiet?: boolean; screen: Screen },
): { onEvent: (event: GradeEvent) => void; end: () => void } {
  const { live, screen } = options;
  const running = new Set<string>();
  let done = 0;
  let todo = 0;
  let eta: number | undefined;
  let drawn = false;
  const draw = () => {
    if (!live) return;
    const width = screen.columns ?? 100;
    const bar = todo > 0 ? '█'.repeat(Math.round((done / todo) * 20)).padEnd(20, '░') : '';
    const line = `${bar} ${done}/${todo}${eta !== undefined ? ` · ETA ${duration(eta)}` : ''} · ${[...running].join(', ')}`;
    screen.write(`\r\u001b[2K${line.slice(0, width - 1)}`);
    drawn = true;
  };
  const line = (text: string) => {
    if (drawn) screen.write('\r\u001b[2K');
    say(text);
    draw();
  };
  return {
    onEvent(event) {
      if (options.quiet) return;
      switch (event.type) {
        case 'plan':
          todo = event.todo;
          line(planLine(event));
          break;
        case 'reference':
          line(style.dim(`running the reference solution of ${event.exercise}…`));
          break;
        case 'start':
          running.add(event.learner);
          if (live) draw();
          else say(style.dim(`grading ${event.learner}${event.engine ? ` on ${event.engine}` : ''}…`));
          break;
        case 'engine-lost':
          running.delete(event.learner);
          line(
            style.warn(
              tr({
                en: `engine ${event.engine} stopped answering: ${event.learner} goes back to the queue (${event.reason})`,
                ko: `엔진 ${josa(event.engine, '이/가')} 응답하지 않음: ${josa(event.learner, '을/를')} 대기열로 돌려보냄(${event.reason})`,
              }),
            ),
          );
          break;
        case 'exercise':
          break;
        case 'done':
          running.delete(event.result.learner);
          done = event.done;
          eta = event.etaSec;
          line(doneLine(event));
          break;
      }
    },
    end() {
      if (drawn) screen.write('\r\u001b[2K');
    },
  };
}
