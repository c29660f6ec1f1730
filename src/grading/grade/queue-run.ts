import type Dockerode from 'dockerode';
import { errorMessage } from '../../core/errors.js';
import { withTimeout } from '../../stack/engine.js';
import { runQueue, type QueueReport } from './engine-queue.js';
import { gradeLearner, type GradeEnv } from './learner.js';
import type { LearnerResult } from './model.js';
import { etaSeconds } from './plan.js';
import type { ResultStore } from './store.js';
import type { Submission } from './submissions.js';

/** An engine learners are graded on; `recorded`: its name goes into each learner's result (--engines). */
export interface GradingEngine {
  name: string;
  docker: Dockerode;
  slots: number;
}

export type QueueEvent =
  | { type: 'start'; learner: string; slot: number; engine?: string }
  | { type: 'exercise'; learner: string; exercise: string }
  | { type: 'done'; result: LearnerResult; done: number; todo: number; etaSec?: number }
  | { type: 'engine-lost'; engine: string; learner: string; reason: string };

/** How long after a grader error an engine must still answer for the error to be the learner's result. */
const SETTLE_MS = 5000;

/** Whether an engine still answers; a learner's result from one that does not is not trusted. */
async function answers(docker: Dockerode): Promise<string | undefined> {
  try {
    await withTimeout(docker.ping(), 5000);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/**
 * Grades the learners of `todo` from one queue over the engines' slots, storing each result as it
 * comes. With `recorded`, each result names its engine, and a learner whose engine stopped
 * answering is not stored but graded again on another engine (noted in its result).
 */
export async function gradeFromQueue(input: {
  env: GradeEnv;
  engines: GradingEngine[];
  recorded: boolean;
  todo: Submission[];
  store: ResultStore;
  graded: string[];
  signal?: AbortSignal;
  onEvent?: (event: QueueEvent) => void;
}): Promise<QueueReport<Submission> & { counts: Map<string, number> }> {
  const { env, store, graded, todo } = input;
  const byName = new Map(input.engines.map((e) => [e.name, e]));
  const parallel = input.engines.reduce((sum, e) => sum + e.slots, 0);
  const lostOn = new Map<string, string[]>();
  const times: number[] = [];
  const counts = new Map<string, number>();
  const report = await runQueue({
    items: todo,
    engines: input.engines,
    signal: input.signal,
    onLost: (event) => {
      lostOn.set(event.learner, [...(lostOn.get(event.learner) ?? []), event.engine]);
      input.onEvent?.({ type: 'engine-lost', ...event });
    },
    work: async (submission, name, slot) => {
      const engine = byName.get(name)!;
      input.onEvent?.({
        type: 'start',
        learner: submission.learner,
        slot,
        ...(input.recorded ? { engine: name } : {}),
      });
      const result = await gradeLearner({ ...env, docker: engine.docker }, submission, (exercise) =>
        input.onEvent?.({ type: 'exercise', learner: submission.learner, exercise }),
      );
      if (input.recorded) {
        // An engine that is shutting down still answers while its containers stop under the
        // learner: a grader error is trusted only if the engine still answers a moment later.
        if (result.status === 'error') await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const gone = await answers(engine.docker);
        if (gone !== undefined) return { kind: 'lost', reason: `engine ${name} stopped answering: ${gone}` };
        result.engine = name;
        for (const from of lostOn.get(submission.learner) ?? [])
          result.notes.push(`graded on engine ${name}: engine ${from} stopped answering while it graded this learner`);
      }
      result.worker = slot;
      store.save(result);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      graded.push(submission.learner);
      times.push(result.seconds);
      input.onEvent?.({
        type: 'done',
        result,
        done: graded.length,
        todo: todo.length,
        etaSec: etaSeconds(times, todo.length - graded.length, parallel),
      });
      return { kind: 'done' };
    },
  });
  return { ...report, counts };
}
