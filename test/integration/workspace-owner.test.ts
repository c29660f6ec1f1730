import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLab } from '../../src/course/labs.js';
import { findExercise } from '../../src/course/exercises.js';
import { checkInStack } from '../../src/grading/check-in-stack.js';
import { compose, composeTarget } from '../../src/stack/compose.js';
import { requireEngine } from '../../src/stack/engine.js';
import { execInContainer } from '../../src/stack/exec.js';
import { serviceContainerId } from '../../src/stack/sandbox/containers.js';
import { giveBackToOwner } from '../../src/stack/sandbox/give-back.js';
import { fill } from '../../src/grading/template.js';
import { repoRoot } from '../helpers/cli.js';

/**
 * A learner who is not root owns the workspace; de-lab runs as root, and the fixture day's box
 * writes out/ as root. After `run` and `check` (the code both commands call), the learner can
 * delete out/ and everything in the day folder is theirs. Own compose project, own temp folder.
 */
const LEARNER = 4321;
const lab = loadLab(join(repoRoot, 'test', 'fixtures', 'grading', 'day7'));
const root = mkdtempSync(join(tmpdir(), 'de-lab-owner-'));
const ws = join(root, 'ws');
const exerciseDir = join(ws, 'day7', 'seeded-squares');
const project = `de-lab-owner-${process.pid}`;
const target = composeTarget(lab, { imagePrefix: 'de-lab', workspace: ws }, { project });
const asLearner = (args: string[]) =>
  execa('setpriv', [`--reuid=${LEARNER}`, `--regid=${LEARNER}`, '--clear-groups', ...args], { reject: false });

/** The owners of everything under `dir`, but de-lab's own scratch folder (root's; emptied after each check). */
function owners(dir: string, found = new Set<number>()): Set<number> {
  for (const name of readdirSync(dir)) {
    if (name === '.grading') continue;
    const stats = lstatSync(join(dir, name));
    found.add(stats.uid);
    if (stats.isDirectory()) owners(join(dir, name), found);
  }
  return found;
}

describe.skipIf(process.getuid?.() !== 0)('files the containers write go back to the learner', () => {
  beforeAll(async () => {
    const exercise = findExercise(lab, 'seeded-squares');
    mkdirSync(exerciseDir, { recursive: true });
    cpSync(join(exercise.dir, 'solution', 'squares.sh'), join(exerciseDir, 'squares.sh'));
    for (const path of [root, ws, join(ws, 'day7'), exerciseDir, join(exerciseDir, 'squares.sh')])
      chownSync(path, path === root ? 0 : LEARNER, path === root ? 0 : LEARNER);
    chmodSync(root, 0o755); // mkdtemp makes it 0700: the learner must reach the workspace
    await compose(target, ['up', '-d', '--wait']);
  }, 120_000);

  afterAll(async () => {
    await compose(target, ['down', '--volumes', '--remove-orphans', '--timeout', '1']).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('after run and check, a learner who is not root deletes out/', async () => {
    const { docker } = await requireEngine();
    const exercise = findExercise(lab, 'seeded-squares');
    const mount = `${lab.workspaceMount}/seeded-squares`;
    const command = exercise.run!.command.map((part) => fill(part, { mount, seed: '7' }));
    const containerId = await serviceContainerId(docker, project, exercise.run!.service);
    const exitCode = await execInContainer({ docker, containerId, command, tty: false, stdin: false, workdir: mount });
    expect(exitCode).toBe(0);
    expect(lstatSync(join(exerciseDir, 'out')).uid).toBe(0);
    // Before de-lab gives it back, the learner cannot delete it (so the test below can fail).
    expect((await asLearner(['rm', '-rf', join(exerciseDir, 'out')])).exitCode).not.toBe(0);

    giveBackToOwner(ws, join(ws, 'day7')); // what `de-lab run` does after the program ends
    const results = await checkInStack({
      docker,
      lab,
      dayProject: project,
      workspaceRoot: ws,
      ids: ['seeded-squares'],
      prefix: 'de-lab',
    });
    expect(results[0]!.passed).toBe(true);

    expect([...owners(join(ws, 'day7'))]).toEqual([LEARNER]);
    expect(readdirSync(join(ws, 'day7', '.grading'))).toEqual([]);
    const removed = await asLearner(['rm', '-rf', join(exerciseDir, 'out')]);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(existsSync(join(exerciseDir, 'out'))).toBe(false);
  }, 120_000);
});
