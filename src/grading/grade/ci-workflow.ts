import { Document } from 'yaml';

export const CI_SYSTEMS = ['github'] as const;
export type CiSystem = (typeof CI_SYSTEMS)[number];

export interface WorkflowInput {
  day: string;
  submissions: string;
  shards: number;
  /** True when the run uses a hidden seed: it comes from a repository secret, never from the file. */
  hiddenSeed: boolean;
}

/** Where the workflow file goes in the repository. */
export const workflowPath = (day: string) => `.github/workflows/de-lab-grade-${day}.yml`;

/** A word for the runner's shell: as it is when plain, else in single quotes. */
const shellWord = (text: string) => (/^[\w./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

const SEED_SECRET = 'DE_LAB_GRADE_SEED';

/** Steps that put de-lab on the runner's PATH from the repository the workflow lives in. */
const install = [
  { uses: 'actions/checkout@v4' },
  { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
  { name: 'Install de-lab', run: 'npm ci --no-audit --no-fund && npm link' },
];

/**
 * A GitHub Actions workflow: one job per shard (a matrix), each grading its part and uploading its
 * --out folder; then a merge job that needs them all, downloads their folders, merges them and
 * uploads the reports of the whole class. The merge runs even when a shard failed, so the reports
 * of the others are not lost (merge names the missing shard).
 */
export function githubWorkflow(input: WorkflowInput): string {
  const { day, shards } = input;
  const seed = input.hiddenSeed ? ` --seed "\${{ secrets.${SEED_SECRET} }}"` : '';
  const shardDir = 'grades-shard-${{ matrix.shard }}';
  const workflow = {
    name: `de-lab grade ${day}`,
    on: { workflow_dispatch: {} },
    jobs: {
      grade: {
        name: `grade ${day} shard \${{ matrix.shard }}/${shards}`,
        'runs-on': 'ubuntu-latest',
        'timeout-minutes': 360,
        strategy: { 'fail-fast': false, matrix: { shard: Array.from({ length: shards }, (_, i) => i + 1) } },
        steps: [
          ...install,
          {
            name: 'Grade this shard',
            run: `de-lab grade ${day} --submissions ${shellWord(input.submissions)} --shard \${{ matrix.shard }}/${shards} --out ${shardDir}${seed}`,
          },
          {
            uses: 'actions/upload-artifact@v4',
            if: 'always()',
            with: { name: shardDir, path: `${shardDir}/`, 'if-no-files-found': 'ignore' },
          },
        ],
      },
      merge: {
        name: `merge the ${shards} shards of ${day}`,
        needs: ['grade'],
        if: 'always()',
        'runs-on': 'ubuntu-latest',
        steps: [
          ...install,
          { uses: 'actions/download-artifact@v4', with: { pattern: 'grades-shard-*', path: 'shards' } },
          { name: 'Merge the shards', run: `de-lab grade merge shards/grades-shard-* --out grades-${day}` },
          { uses: 'actions/upload-artifact@v4', with: { name: `grades-${day}`, path: `grades-${day}/` } },
        ],
      },
    },
  };
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` ${workflowPath(day)}: made by de-lab grade ${day} --ci-workflow github.`,
    ` Put it in a repository that holds de-lab, with the submissions folder at ${input.submissions}.`,
    ...(input.hiddenSeed
      ? [` Set the repository secret ${SEED_SECRET} to the hidden seed; it is never written here.`]
      : []),
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
