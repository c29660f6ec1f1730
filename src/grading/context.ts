import type Dockerode from 'dockerode';
import { join, relative } from 'node:path';
import type { Lab } from '../course/labs.js';
import type { Limits } from './containers.js';
import type { Vars } from './template.js';
import type { Check, Step } from './schema.js';

export interface GradingSpec {
  day: string;
  exercise: string;
  dir: string;
  steps: Step[];
  checks: Check[];
}

/** Everything one run (learner or reference) of one exercise needs. */
export interface RunContext {
  docker: Dockerode;
  lab: Lab;
  spec: GradingSpec;
  role: string;
  seed: number;
  workdir: string;
  /** The day's Compose project whose services `service:` refers to. */
  dayProject: string;
  prefix: string;
  limits: Limits;
  vars: Vars;
  /** Compose projects started by steps; the runner removes them after the checks. */
  composeProjects: Set<string>;
  background: Map<string, { containerId: string; pidFile: string; finished: Promise<void> }>;
  /** Folder that the day's containers see at lab.workspaceMount. */
  dayDir: string;
}

export function makeVars(input: { lab: Lab; exercise: string; role: string; seed: number; workdir: string; dayDir: string; dayProject: string; prefix: string; unique: string }): Vars {
  const rel = relative(input.dayDir, input.workdir).split('\\').join('/');
  return {
    seed: String(input.seed),
    role: input.role,
    day: input.lab.id,
    exercise: input.exercise,
    workdir: input.workdir,
    mount: input.lab.workspaceMount ? `${input.lab.workspaceMount}/${rel}` : input.workdir,
    project: input.dayProject,
    network: `${input.dayProject}_default`,
    prefix: input.prefix,
    unique: input.unique,
  };
}

export function hostPath(ctx: RunContext, path: string): string {
  return join(ctx.workdir, path);
}
