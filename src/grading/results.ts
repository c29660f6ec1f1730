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
  /** What was measured (shown even when the check passed), and the same of the learner's last check. */
  measured?: string;
  before?: string;
  /** Where to look at this run (the History Server's SQL page of it). */
  url?: string;
  /** The grader failed on its own (no proper verdict, nothing to compare with): an error, not the learner's. */
  graderFault?: boolean;
  seconds: number;
}

export interface StepResult {
  id: string;
  kind: string;
  ok: boolean;
  /** A step of the grader's own (feeding data, a setup load): its failure is an error, not the learner's. */
  owner?: 'grader';
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
  /** What the grader noticed besides the checks (files it ignored, limits that could not apply). */
  notes?: string[];
  /** The containment that really applied to this run's untrusted work. */
  containment?: Containment;
}

/** What actually confined a run (results.json states nothing more than this). */
export interface Containment {
  memoryBytes: number;
  pids: number;
  cpus: number;
  /** Learner image builds ran below a cgroup with this pids limit (false where the host did not allow it). */
  buildPidsLimited?: boolean;
  /** Containers of learner compose files got the memory/pids/CPU caps and the log cap. */
  composeConfined?: boolean;
  logCapBytes: number;
}

export function score(checks: CheckResult[]): { score: number; maxScore: number; passed: boolean } {
  const maxScore = checks.reduce((sum, check) => sum + check.weight, 0);
  const got = checks.filter((check) => check.status === 'passed').reduce((sum, check) => sum + check.weight, 0);
  return {
    score: Math.round(got * 100) / 100,
    maxScore,
    passed: checks.length > 0 && checks.every((check) => check.status === 'passed'),
  };
}
