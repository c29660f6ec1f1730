import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../config/keys.js';
import { DeLabError, EXIT } from '../core/errors.js';
import { tr } from '../i18n/lang.js';
import { listLabs, loadYaml, manifestError, type Lab } from './labs.js';
import { exerciseSchema, type ExerciseManifest } from './schema.js';

/** One exercise of a day, loaded from labs/dayN/exercises/<id>/ and checked against its folder. */
export interface Exercise extends ExerciseManifest {
  /** The day's id, e.g. day4. */
  day: string;
  dir: string;
  /** exercise.yaml, for messages that point at it. */
  manifest: string;
  starterDir: string;
  solutionDir: string;
  /** Every file under starter/ (relative, sorted): `files` plus support files such as sample data. */
  starterFiles: string[];
}

/** Every regular file under `dir`, relative with forward slashes, sorted. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

/** The first cycle in a dependency graph, as a path that starts and ends at the same node. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** Loads one exercise folder and checks what the schema cannot see: its own files. */
function loadExercise(lab: Lab, id: string): Exercise {
  const dir = join(lab.dir, 'exercises', id);
  const manifest = join(dir, 'exercise.yaml');
  const data = loadYaml(manifest, exerciseSchema);
  if (data.id !== id) throw manifestError(manifest, ['id'], `"${data.id}" must equal the folder name "${id}"`);
  const starterDir = join(dir, 'starter');
  const solutionDir = join(dir, 'solution');
  const seenFiles = new Set<string>();
  data.files.forEach((file, index) => {
    if (seenFiles.has(file)) throw manifestError(manifest, ['files', index], `"${file}" is listed twice`);
    seenFiles.add(file);
    for (const [label, base] of [
      ['starter', starterDir],
      ['solution', solutionDir],
    ] as const) {
      if (!isFile(join(base, file)))
        throw manifestError(manifest, ['files', index], `${label}/${file} does not exist in ${dir}`);
    }
  });
  for (const lang of ['en', 'ko'] as const) {
    const file = join(dir, `instructions.${lang}.md`);
    if (!isFile(file)) {
      throw new DeLabError(`${file}: missing: every exercise needs instructions.en.md and instructions.ko.md.`, {
        hint: 'Write the instructions in both languages; see labs/README.md.',
        code: 'E_MANIFEST',
      });
    }
  }
  const checkIds = new Set<string>();
  data.checks.forEach((check, index) => {
    if (checkIds.has(check.id))
      throw manifestError(manifest, ['checks', index, 'id'], `check id "${check.id}" is used twice in this exercise`);
    checkIds.add(check.id);
  });
  data.checks.forEach((check, index) =>
    check.dependsOn.forEach((dep, depIndex) => {
      if (!checkIds.has(dep))
        throw manifestError(
          manifest,
          ['checks', index, 'dependsOn', depIndex],
          `there is no check "${dep}" in this exercise (checks: ${[...checkIds].join(', ')})`,
        );
    }),
  );
  const checkCycle = findCycle(new Map(data.checks.map((check) => [check.id, check.dependsOn])));
  if (checkCycle) {
    const index = data.checks.findIndex((check) => check.id === checkCycle[0]);
    throw manifestError(
      manifest,
      ['checks', index, 'dependsOn'],
      `checks depend on each other in a cycle: ${checkCycle.join(' → ')}`,
    );
  }
  return { ...data, day: lab.id, dir, manifest, starterDir, solutionDir, starterFiles: filesUnder(starterDir) };
}

/**
 * The day's exercises in lab.yaml order, each validated, plus the references between them:
 * unique ids, a folder per id and no unlisted folder (except _shared-style ones starting with _ or .), dependsOn naming exercises of the day, no cycles.
 */
export function loadExercises(lab: Lab): Exercise[] {
  const labFile = join(lab.dir, 'lab.yaml');
  const seen = new Set<string>();
  lab.exercises.forEach((id, index) => {
    if (seen.has(id)) throw manifestError(labFile, ['exercises', index], `exercise "${id}" is listed twice`);
    seen.add(id);
    if (!isFile(join(lab.dir, 'exercises', id, 'exercise.yaml')))
      throw manifestError(labFile, ['exercises', index], `there is no exercises/${id}/exercise.yaml in ${lab.dir}`);
  });
  const root = join(lab.dir, 'exercises');
  if (existsSync(root)) {
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (entry.isDirectory() && !seen.has(entry.name) && !/^[._]/.test(entry.name)) {
        throw manifestError(
          labFile,
          ['exercises'],
          `the folder exercises/${entry.name} is not listed; add "${entry.name}" to exercises or move the folder out of ${root}`,
        );
      }
    }
  }
  const exercises = lab.exercises.map((id) => loadExercise(lab, id));
  for (const exercise of exercises) {
    exercise.dependsOn.forEach((dep, index) => {
      if (dep === exercise.id)
        throw manifestError(exercise.manifest, ['dependsOn', index], 'an exercise cannot depend on itself');
      if (!seen.has(dep))
        throw manifestError(
          exercise.manifest,
          ['dependsOn', index],
          `there is no exercise "${dep}" in ${lab.id} (exercises: ${lab.exercises.join(', ')})`,
        );
    });
  }
  const cycle = findCycle(new Map(exercises.map((exercise) => [exercise.id, exercise.dependsOn])));
  if (cycle) {
    const first = exercises.find((exercise) => exercise.id === cycle[0])!;
    throw manifestError(
      first.manifest,
      ['dependsOn'],
      `exercises depend on each other in a cycle: ${cycle.join(' → ')}`,
    );
  }
  return exercises;
}

export interface Day {
  lab: Lab;
  exercises: Exercise[];
}

/** Every day with its exercises, validated; the first broken manifest stops it with file:line. */
export function loadCourse(root?: string): Day[] {
  return listLabs(root).map((lab) => ({ lab, exercises: loadExercises(lab) }));
}

export function findExercise(lab: Lab, id: string): Exercise {
  const exercises = loadExercises(lab);
  const exercise = exercises.find((candidate) => candidate.id === id);
  if (!exercise) {
    const ids = exercises.map((e) => e.id).join(', ');
    throw new DeLabError(
      tr({ en: `${lab.id} has no exercise called "${id}".`, ko: `${lab.id}에는 "${id}"라는 문제가 없습니다.` }),
      {
        hint:
          exercises.length > 0
            ? tr({ en: `Choose one of: ${ids}.`, ko: `다음 중에서 고르세요: ${ids}.` })
            : tr({ en: `${lab.id} has no exercises.`, ko: `${lab.id}에는 문제가 없습니다.` }),
        code: 'E_NO_EXERCISE',
        exitCode: EXIT.usage,
      },
    );
  }
  return exercise;
}

export function instructionsFile(exercise: Exercise, lang: Lang): string {
  return join(exercise.dir, `instructions.${lang}.md`);
}

export function readInstructions(exercise: Exercise, lang: Lang): string {
  return readFileSync(instructionsFile(exercise, lang), 'utf8');
}

/** Total weight of the checks: the score a complete solution gets. */
export function maxScore(exercise: Exercise): number {
  return exercise.checks.reduce((sum, check) => sum + check.weight, 0);
}
