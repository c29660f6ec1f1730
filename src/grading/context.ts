import type Dockerode from 'dockerode';
import { join, relative } from 'node:path';
import type { Lab } from '../course/labs.js';
import type { Limits } from '../stack/sandbox/containers.js';
import type { PortRequest } from '../stack/sandbox/learner-compose.js';
import type { Containment } from './results.js';
import type { Vars } from './template.js';
import type { Check, Step } from './schema.js';

export interface GradingSpec {
  day: string;
  exercise: string;
  dir: string;
  /** The files the learner edits: the only ones taken from a learner's folder when grading. */
  files: string[];
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
  /** Ports the learner's compose files asked to publish, and where they really were published. */
  portRequests: PortRequest[];
  /** Images that docker-build steps made; removed after the run. */
  builtImages: Set<string>;
  /** Aborts the run (Ctrl-C): running commands are stopped, then the run cleans up. */
  signal?: AbortSignal;
  /** A folder of de-lab's own, outside every container mount (rendered compose files). */
  privateDir: string;
  /** What confined this run, filled in as steps apply it. */
  containment: Containment;
  /** Folder that the day's containers see at lab.workspaceMount. */
  dayDir: string;
  /** What one check observed that the next check of the run may reuse (e.g. a topic's offsets), by key. */
  memo: Map<string, Promise<unknown>>;
}

export function makeVars(input: {
  lab: Lab;
  exercise: string;
  role: string;
  seed: number;
  workdir: string;
  dayDir: string;
  dayProject: string;
  prefix: string;
  unique: string;
  portVars?: Record<string, string>;
  runToken?: string;
}): Vars {
  const rel = relative(input.dayDir, input.workdir).split('\\').join('/');
  return {
    ...input.portVars,
    seed: String(input.seed),
    // Names built from {role} (projects, containers, image tags) carry the run's token, so two runs never share one.
    role: input.runToken ? `${input.role}-${input.runToken}` : input.role,
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
