// The course seed is decided once (issue 24, item 2): labs/course.yaml holds it, src reads it,
// the generators take it on their command line, and the few learner-facing files that show it
// (a learner may run them without de-lab) must show that same number.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { courseSeed } from '../../src/course/seed.js';
import { generatorSchema } from '../../src/course/schema.js';
import { findLab, listLabs } from '../../src/course/labs.js';
import { requireGenerator } from '../../src/stack/generator.js';

const root = resolve(import.meta.dirname, '..', '..');

/** Learner-facing files that show the seed, and labs/course.yaml, its home. */
const SHOWN = [
  'labs/course.yaml',
  'labs/day1/exercises/env-config/starter/make_sales.py',
  'labs/day2/exercises/docker-logging/solution/compose.yaml',
  'labs/day2/exercises/docker-logging/starter/app/emit.rb',
  'labs/day2/exercises/docker-logging/starter/compose.yaml',
  'labs/day4/exercises/enrich-users/instructions.en.md',
  'labs/day4/exercises/enrich-users/instructions.ko.md',
  'labs/day4/exercises/enrich-users/exercise.yaml',
];

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !/\.(parquet|png|jpg|gz|zip|tar|jar|gem|whl)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

describe('the course seed', () => {
  it('is written in labs/course.yaml and in the learner-facing files that show it, nowhere else', () => {
    const seed = String(courseSeed());
    // Ruby and Python also write it with digit separators: 20_261_123.
    const grouped = seed.replace(/\B(?=(\d{3})+$)/g, '_');
    const holding = ['labs', 'src', 'bench', 'scripts', 'docs']
      .flatMap(filesUnder)
      .concat(['README.md'])
      .filter((file) => {
        const text = readFileSync(join(root, file), 'utf8');
        return new RegExp(`(^|[^\\d_])(${seed}|${grouped})($|[^\\d_])`).test(text);
      })
      .sort();
    expect(holding).toEqual([...SHOWN].sort());
  });

  it('is what the learner-facing files default to', () => {
    const shown = (file: string, pattern: RegExp) =>
      [...readFileSync(join(root, file), 'utf8').matchAll(pattern)].map((m) => Number(m[1]));
    const seed = courseSeed();
    for (const file of SHOWN.filter((f) => f.endsWith('compose.yaml')))
      expect(shown(file, /SEED:-(\d+)/g), file).toEqual([seed, seed]);
    expect(shown('labs/day2/exercises/docker-logging/starter/app/emit.rb', /'SEED', '(\d+)'/g)).toEqual([seed]);
    expect(shown('labs/day1/exercises/env-config/starter/make_sales.py', /--seed (\d+)/g)).toEqual([seed]);
    for (const file of SHOWN.filter((f) => f.includes('enrich-users'))) {
      const seeds = shown(file, /events\.py users --seed (\d+)/g);
      expect(seeds.length, file).toBeGreaterThan(0);
      expect(new Set(seeds), file).toEqual(new Set([seed]));
    }
  });

  it("is a required argument of every generator in labs/*/gen, never a default of the generator's own", () => {
    const gens = filesUnder('labs').filter((file) => /^labs\/day\d\/gen\/.*\.(py|rb)$/.test(file));
    const defaults = gens.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${file}:${i + 1}`, line }))
        .filter(
          ({ line }) => (/add_argument\("--seed"/.test(line) && !/required=True/.test(line)) || /\bseed: \d/.test(line),
        )
        .map(({ where }) => where),
    );
    expect(defaults).toEqual([]);
  });

  it('is passed by de-lab gen: a generator without a --seed flag is refused', () => {
    // generatorArgs takes SeededOptions, so a run without a seed does not typecheck either.
    for (const lab of listLabs().filter((l) => l.generator)) expect(lab.generator!.flags.seed, lab.id).toBeDefined();
    const { flags: _flags, ...withoutFlags } = requireGenerator(findLab('day4'));
    expect(generatorSchema.safeParse({ ...withoutFlags, flags: { count: '--events' } }).success).toBe(false);
  });
});
