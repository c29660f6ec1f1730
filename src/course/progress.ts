import type { Text } from '../i18n/lang.js';
import type { Day, Exercise } from './exercises.js';

/** Total weight of the checks (as exercises.ts's maxScore; not imported, so progress loads no manifest parser). */
const maxScore = (exercise: Exercise) => exercise.checks.reduce((sum, check) => sum + check.weight, 0);
import { exerciseState, statusOf, type ExerciseStatus, type WorkspaceState } from './state.js';

export interface ExerciseProgress {
  id: string;
  title: Text;
  status: ExerciseStatus;
  /** Score of the last attempt (0 before the first). */
  score: number;
  maxScore: number;
  attempts: number;
  hintsRevealed: number;
  hintsTotal: number;
  lastAttemptAt?: string;
  completedAt?: string;
}

export interface DayProgress {
  day: string;
  title: Text;
  /** Exercises whose last attempt passed. */
  done: number;
  total: number;
  score: number;
  maxScore: number;
  exercises: ExerciseProgress[];
}

export function exerciseProgress(exercise: Exercise, state: WorkspaceState): ExerciseProgress {
  const entry = exerciseState(state, exercise.day, exercise.id);
  return {
    id: exercise.id,
    title: exercise.title,
    status: statusOf(entry),
    score: entry.lastResult?.score ?? 0,
    maxScore: entry.lastResult?.maxScore ?? maxScore(exercise),
    attempts: entry.attempts,
    hintsRevealed: Math.min(entry.hintsRevealed, exercise.hints.length),
    hintsTotal: exercise.hints.length,
    lastAttemptAt: entry.lastResult?.at,
    completedAt: entry.completedAt,
  };
}

export function dayProgress(day: Day, state: WorkspaceState): DayProgress {
  const exercises = day.exercises.map((exercise) => exerciseProgress(exercise, state));
  const sum = (pick: (e: ExerciseProgress) => number) =>
    Math.round(exercises.reduce((total, e) => total + pick(e), 0) * 100) / 100;
  return {
    day: day.lab.id,
    title: day.lab.title,
    done: exercises.filter((e) => e.status === 'passed').length,
    total: exercises.length,
    score: sum((e) => e.score),
    maxScore: sum((e) => e.maxScore),
    exercises,
  };
}

export function courseProgress(course: Day[], state: WorkspaceState): DayProgress[] {
  return course.map((day) => dayProgress(day, state));
}

/** The first exercise of the day, in lab.yaml order, whose last attempt did not pass. */
export function nextExercise(exercises: Exercise[], state: WorkspaceState): Exercise | undefined {
  return exercises.find((exercise) => statusOf(exerciseState(state, exercise.day, exercise.id)) !== 'passed');
}
