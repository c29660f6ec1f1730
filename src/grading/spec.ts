import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DeLabError, EXIT } from '../core/errors.js';
import { loadYaml, type Lab } from '../course/labs.js';
import type { GradingSpec } from './context.js';
import { gradingSchema } from './schema.js';

/** The grading part (steps, checks) of labs/dayN/exercises/<id>/exercise.yaml; other keys belong to the course model. */
export function loadGradingSpec(lab: Lab, exercise: string): GradingSpec {
  const dir = join(lab.dir, 'exercises', exercise);
  const file = join(dir, 'exercise.yaml');
  if (!existsSync(file)) {
    throw new DeLabError(`${lab.id} has no exercise called "${exercise}".`, {
      hint: `See the exercises with \`de-lab list\`.`,
      code: 'E_NO_EXERCISE',
      exitCode: EXIT.usage,
    });
  }
  const parsed = loadYaml(
    file,
    gradingSchema.extend({}).passthrough() as unknown as z.ZodType<z.infer<typeof gradingSchema>>,
  );
  const ids = new Set<string>();
  for (const check of parsed.checks) {
    if (ids.has(check.id))
      throw new DeLabError(`${file}: check id "${check.id}" is used twice.`, { code: 'E_MANIFEST' });
    ids.add(check.id);
  }
  for (const check of parsed.checks) {
    for (const dependency of check.dependsOn) {
      if (!ids.has(dependency))
        throw new DeLabError(
          `${file}: check "${check.id}" depends on "${dependency}", which is not a check of this exercise.`,
          { code: 'E_MANIFEST' },
        );
    }
  }
  const files = (parsed as unknown as { files?: unknown }).files;
  return {
    day: lab.id,
    exercise,
    dir,
    files: Array.isArray(files) ? files.map(String) : [],
    steps: parsed.steps,
    checks: parsed.checks,
  };
}
