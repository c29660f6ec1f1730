import { shape } from './grader-case-list.js';
import { VERDICTS } from './grader-verdicts.js';
import { runsOnHost, type GraderCase } from './graders.js';

/** Every grader fixture case: its fixture, how its grader runs, and the whole verdict it must give. */
export const GRADER_CASES: GraderCase[] = VERDICTS.map(([fixture, key, want]) => ({ ...shape(fixture, key), want }));

export const caseTitle = (c: GraderCase) => (c.key === '-' ? c.name : `${c.name} ${c.key}`);

/** The cases the host can run (their language and libraries are there), and the rest. */
export async function splitByHost(): Promise<{ host: GraderCase[]; elsewhere: GraderCase[] }> {
  const host: GraderCase[] = [];
  const elsewhere: GraderCase[] = [];
  for (const c of GRADER_CASES) ((await runsOnHost(c)) ? host : elsewhere).push(c);
  return { host, elsewhere };
}
