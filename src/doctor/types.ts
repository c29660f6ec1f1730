export type Verdict = 'ok' | 'warn' | 'fail' | 'info';

/** One line of `de-lab doctor`: what was checked, the verdict, and the next step when not green. */
export interface DoctorCheck {
  id: string;
  title: string;
  verdict: Verdict;
  summary: string;
  hint?: string;
  /** A failed blocking check means day 1 cannot run. */
  blocking: boolean;
  data?: Record<string, unknown>;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
  /** Days whose stack runs now: the next step is their exercises, not starting day 1. */
  runningDays?: string[];
  /** The course's first day (what to start when none runs). */
  firstDay?: string;
}
