import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Text } from '../i18n/lang.js';
import { loadYaml } from './yaml-file.js';
import { textSchema } from './schema.js';

/** A day of the course whose lab is not written yet (labs/planned-days.yaml). */
export interface PlannedDay {
  id: string;
  title: Text;
  teaches: Text;
}

const plannedSchema = z.array(
  z.object({ id: z.string().regex(/^day[1-9]$/), title: textSchema, teaches: textSchema }).strict(),
);

/** The days listed in <labs>/planned-days.yaml; none when the file is absent. */
export function plannedDays(root: string): PlannedDay[] {
  const file = join(root, 'planned-days.yaml');
  return existsSync(file) ? loadYaml(file, plannedSchema) : [];
}
