/** The containment every piece of untrusted grading work gets. */
export interface Limits {
  memoryBytes: number;
  pids: number;
  /** CPUs (fractions allowed) per container. */
  cpus: number;
  timeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = { memoryBytes: 512 * 1024 * 1024, pids: 256, cpus: 1, timeoutMs: 120_000 };

/** Docker's json-file log options for every container de-lab starts for grading. */
export const LOG_CONFIG = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '1' } };
