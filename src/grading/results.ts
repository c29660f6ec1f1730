export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'error';

export interface CheckResult {
  id: string;
  title: string;
  kind: string;
  weight: number;
  status: CheckStatus;
  /** What was expected and what was found, as short text. */
  expected?: string;
  found?: string;
  message?: string;
  seconds: number;
}

export interface StepResult {
  id: string;
  kind: string;
  ok: boolean;
  seconds: number;
  error?: string;
  output?: string;
}

export interface ExerciseResult {
  day: string;
  exercise: string;
  role: string;
  seed: number;
  passed: boolean;
  score: number;
  maxScore: number;
  steps: StepResult[];
  checks: CheckResult[];
  seconds: number;
}

export function score(checks: CheckResult[]): { score: number; maxScore: number; passed: boolean } {
  const maxScore = checks.reduce((sum, check) => sum + check.weight, 0);
  const got = checks.filter((check) => check.status === 'passed').reduce((sum, check) => sum + check.weight, 0);
  return { score: Math.round(got * 100) / 100, maxScore, passed: checks.length > 0 && checks.every((check) => check.status === 'passed') };
}
