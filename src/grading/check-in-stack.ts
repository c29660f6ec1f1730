import { join } from 'node:path';
import type Dockerode from 'dockerode';
import { findExercise, loadExercises } from '../course/exercises.js';
import type { Lab } from '../course/labs.js';
import { lastMeasured, recordCheckResult } from '../course/state.js';
import { exerciseDir } from '../course/workspace.js';
import type { CheckResult, ExerciseResult } from './results.js';
import { giveBackToOwner } from '../stack/sandbox/give-back.js';
import { gradeExercise } from './session.js';
import { ensureResident } from '../stack/sandbox/resident.js';
import { tr } from '../i18n/lang.js';

const RESIDENT_TITLE = {
  en: 'start the warm helper in your stack (once; it stays while the stack runs)',
  ko: '스택에 웜 도우미 시작(한 번만, 스택이 도는 동안 유지)',
};

export interface CheckEvents {
  onExercise?: (exercise: { id: string; title: { en: string; ko: string } }) => void;
  onBegin?: (event: { type: 'step' | 'check'; id: string; title: string; role: string }) => void;
  onCheck?: (check: CheckResult & { role: string }) => void;
}

/**
 * `de-lab check`: grades exercises of a day in the learner's running stack, each on a scratch copy
 * (the starter plus the learner's declared files), and records the results as progress. The
 * learner's own folder (outputs, checkpoints) is never written; what the containers wrote in the
 * day folder goes back to the workspace's owner (give-back.ts).
 */
export async function checkInStack(
  input: {
    docker: Dockerode;
    lab: Lab;
    dayProject: string;
    workspaceRoot: string;
    ids?: string[];
    seed?: number;
    prefix: string;
    signal?: AbortSignal;
  } & CheckEvents,
): Promise<ExerciseResult[]> {
  const exercises = input.ids?.length ? input.ids.map((id) => findExercise(input.lab, id)) : loadExercises(input.lab);
  const results: ExerciseResult[] = [];
  for (const exercise of exercises) {
    if (input.signal?.aborted) break;
    input.onExercise?.(exercise);
    // What the last check of this exercise measured, shown beside this run's numbers.
    const before = lastMeasured(input.workspaceRoot, input.lab.id, exercise.id);
    const withBefore = <C extends CheckResult>(check: C): C =>
      check.measured && before.has(check.id) ? { ...check, before: before.get(check.id) } : check;
    // The lab's warm helper (day 4's Spark driver), as grade uses it: started once, kept while the stack runs.
    await ensureResident(input.docker, input.lab, input.dayProject, () =>
      input.onBegin?.({ type: 'step', id: 'resident', title: tr(RESIDENT_TITLE), role: 'learner' }),
    ).catch(() => undefined);
    let result: ExerciseResult;
    try {
      result = await gradeExercise({
        docker: input.docker,
        lab: input.lab,
        exercise: exercise.id,
        workdir: exerciseDir(input.workspaceRoot, exercise),
        dayDir: join(input.workspaceRoot, input.lab.id),
        dayProject: input.dayProject,
        prefix: input.prefix,
        seed: input.seed,
        signal: input.signal,
        onBegin: input.onBegin,
        // The reference's run is not the learner's "before".
        onCheck: (check) => input.onCheck?.(check.role === 'reference' ? check : withBefore(check)),
      });
      result = { ...result, checks: result.checks.map(withBefore) };
    } finally {
      // What the check's containers wrote in the day folder goes back to the learner.
      giveBackToOwner(input.workspaceRoot, join(input.workspaceRoot, input.lab.id));
    }
    recordCheckResult(input.workspaceRoot, input.lab.id, exercise.id, result);
    results.push(result);
  }
  return results;
}
