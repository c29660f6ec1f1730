import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/grading/grade/archive.js';
import { RESULTS_SCHEMA } from '../../src/grading/grade/model.js';
import { roleOf } from '../../src/grading/grade/submissions.js';

/** The fixture course of the grading tests (day7: image-user, seeded-squares). */
export const fixtureLabs = resolve(import.meta.dirname, '..', 'fixtures', 'grading');

/** A loop of our own, written independently of the others. */
const OWN = `#!/bin/sh
# my own version: a while loop
seed="$1"
awk -v s="$seed" 'BEGIN { srand(s); print "n,square"; k = 0; while (k < 5) { v = int(rand() * 100); printf "%d,%d\\n", v, v * v; k++ } }'
`;

/** A hard-coded answer (as dave's fixture), its lines and literals shared by the copier. */
const HARD = `#!/bin/sh
# answers for my seed, typed in by hand after running it once
echo "n,square"
for pair in 39:1521 99:9801 86:7396 42:1764 46:2116; do
  n=\${pair%%:*}; sq=\${pair##*:}
  printf '%s,%s\\n' "$n" "$sq"
done
echo "generated-by-kim-2931"
`;

/**
 * A graded class on disk without Docker: a submissions folder of three learners (bob copied
 * alice's script and changed a comment; carol wrote her own) and a results.json naming them,
 * which is all `de-lab grade similarity` reads.
 */
export function similarityClass(): { root: string; out: string; submissions: string } {
  const root = mkdtempSync(join(tmpdir(), 'de-lab-similarity-class-'));
  const submissions = join(root, 'submissions');
  const out = join(root, 'out');
  const learners = { alice: HARD, bob: HARD.replace('typed in by hand', 'typed by hand'), carol: OWN };
  for (const [learner, script] of Object.entries(learners)) {
    const base = join(submissions, learner, 'day7');
    mkdirSync(join(base, 'seeded-squares'), { recursive: true });
    writeFileSync(join(base, 'seeded-squares', 'squares.sh'), script);
    cpSync(join(fixtureLabs, 'day7', 'exercises', 'image-user', 'solution'), join(base, 'image-user'), {
      recursive: true,
    });
    if (learner !== 'carol') writeFileSync(join(base, 'seeded-squares', 'out.csv'), 'n,square\n39,1521\n');
  }
  mkdirSync(out);
  const results = {
    schema: RESULTS_SCHEMA,
    day: { id: 'day7', title: 'fixture' },
    submissions,
    exercises: [{ id: 'image-user' }, { id: 'seeded-squares' }],
    limits: { archive: DEFAULT_ARCHIVE_LIMITS },
    learners: Object.keys(learners).map((learner) => ({
      learner,
      role: roleOf(learner),
      submission: { file: learner, format: 'folder' },
    })),
  };
  writeFileSync(join(out, 'results.json'), JSON.stringify(results, null, 2));
  return { root, out, submissions };
}
