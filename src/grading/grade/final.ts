import { penaltyPoints } from './late.js';
import { computeStats, percentOf, round, type GradeResults, type LearnerResult } from './model.js';
import type { Override } from './overrides.js';

export interface FinalView {
  /** results.json with the overrides and late penalties applied: what every report shows. */
  results: GradeResults;
  /** Overrides applied to a check whose status or points changed since they were made. */
  changed: Override[];
  /** Overrides of a learner or check no longer in the results: kept in the file, not applied. */
  orphaned: Override[];
}

function applyTo(learner: LearnerResult, overrides: Override[], changed: Override[], orphaned: Override[]): void {
  for (const override of overrides.filter((o) => o.learner === learner.learner)) {
    const exercise = learner.exercises.find((e) => e.id === override.exercise);
    const check = exercise?.checks.find((c) => c.id === override.check);
    if (!exercise || !check) {
      orphaned.push(override);
      continue;
    }
    const moved = check.status !== override.against.status || check.points !== override.against.points;
    if (moved) changed.push(override);
    check.override = {
      points: override.points,
      comment: override.comment,
      at: override.at,
      was: { status: check.status, points: check.points },
      changed: moved,
    };
    exercise.score = round(exercise.score - check.points + override.points);
    check.points = override.points;
    exercise.passed = exercise.score >= exercise.maxScore;
  }
}

/**
 * The results every report is drawn from: results.json (never changed) plus the overrides, then
 * the late penalty on the score with the overrides. `rawScore` and `penalty` are set on every
 * learner, so reports can show raw score, penalty and final score side by side.
 */
export function finalView(raw: GradeResults, overrides: Override[]): FinalView {
  const results = structuredClone(raw);
  const changed: Override[] = [];
  const orphaned = overrides.filter((o) => !results.learners.some((l) => l.learner === o.learner));
  for (const learner of results.learners) {
    applyTo(learner, overrides, changed, orphaned);
    const rawScore = round(learner.exercises.reduce((sum, e) => sum + e.score, 0));
    const penalty = learner.late ? penaltyPoints(rawScore, learner.late.percent) : 0;
    learner.rawScore = rawScore;
    learner.penalty = penalty;
    learner.score = round(rawScore - penalty);
    learner.percent = percentOf(learner.score, learner.maxScore);
  }
  results.stats = computeStats(results.exercises, results.learners);
  return { results, changed, orphaned };
}
