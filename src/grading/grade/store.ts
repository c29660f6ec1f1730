import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DeLabError } from '../../core/errors.js';
import { writeFileAtomic } from '../../course/atomic.js';
import { tr } from '../../i18n/lang.js';
import type { LearnerResult } from './model.js';

export const RUN_SCHEMA = 'de-lab/grade-run@1';

/** run.json: what a grading folder is about, so --resume continues it the same way. */
export interface RunMeta {
  schema: typeof RUN_SCHEMA;
  day: string;
  seed: number;
  submissions: string;
  startedAt: string;
}

/**
 * The output folder of a grading run. Each learner's result is written as soon as it is known
 * (learners/<role>.json, atomically), so an interrupted run loses at most the learners in flight.
 * Reference observations are cached in reference/, which no container ever sees.
 */
export class ResultStore {
  readonly dir: string;
  private locked = false;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  get learnersDir(): string {
    return join(this.dir, 'learners');
  }

  get referenceDir(): string {
    return join(this.dir, 'reference');
  }

  readMeta(): RunMeta | undefined {
    const file = join(this.dir, 'run.json');
    if (!existsSync(file)) return undefined;
    try {
      const meta = JSON.parse(readFileSync(file, 'utf8')) as RunMeta;
      return meta.schema === RUN_SCHEMA ? meta : undefined;
    } catch {
      return undefined;
    }
  }

  /** Creates the folder (or takes over an existing one for --resume) and locks it against a second run. */
  open(meta: RunMeta): void {
    mkdirSync(this.learnersDir, { recursive: true });
    mkdirSync(this.referenceDir, { recursive: true });
    const lock = join(this.dir, '.lock');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').trim());
      let alive = false;
      try {
        alive = Number.isInteger(pid) && pid > 0 && pid !== process.pid && process.kill(pid, 0);
      } catch {
        alive = false;
      }
      if (alive) {
        throw new DeLabError(
          tr({
            en: `Another de-lab grade (pid ${pid}) is writing to ${this.dir}.`,
            ko: `다른 de-lab grade(pid ${pid})가 ${this.dir}에 쓰고 있습니다.`,
          }),
          {
            hint: tr({
              en: 'Wait for it to finish, or choose another folder with --out.',
              ko: '끝날 때까지 기다리거나 --out으로 다른 폴더를 고르세요.',
            }),
            code: 'E_GRADE_LOCKED',
          },
        );
      }
    }
    writeFileSync(lock, String(process.pid));
    this.locked = true;
    writeFileAtomic(join(this.dir, 'run.json'), JSON.stringify(meta, null, 2) + '\n');
  }

  close(): void {
    if (this.locked) rmSync(join(this.dir, '.lock'), { force: true });
    this.locked = false;
  }

  save(result: LearnerResult): void {
    writeFileAtomic(join(this.learnersDir, `${result.role}.json`), JSON.stringify(result, null, 2) + '\n');
  }

  load(role: string): LearnerResult | undefined {
    const file = join(this.learnersDir, `${role}.json`);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as LearnerResult;
    } catch {
      return undefined; // a torn or edited file: grade that learner again
    }
  }

  roles(): string[] {
    return existsSync(this.learnersDir)
      ? readdirSync(this.learnersDir)
          .filter((n) => n.endsWith('.json'))
          .map((n) => n.slice(0, -5))
      : [];
  }

  referenceFile(exercise: string, seed: number): string {
    return join(this.referenceDir, `${exercise}.seed-${seed}.json`);
  }
}
