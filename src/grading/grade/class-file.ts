import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IANAZone } from 'luxon';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { DeLabError, EXIT } from '../../core/errors.js';
import { tr } from '../../i18n/lang.js';
import { parseDeadline, type Deadline } from './deadline.js';

/**
 * class.yaml: who is in the class (for LMS exports), the deadline of each day with its time zone,
 * and the late policy with its waivers. Deadlines are ISO 8601 with an offset
 * ("2026-03-02T23:59:00+09:00") or { at: "2026-03-02 23:59", zone: Asia/Seoul }.
 */
const learnerSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1).optional(),
    lmsId: z
      .union([z.string().min(1), z.number()])
      .transform(String)
      .optional(),
    email: z.string().includes('@').optional(),
  })
  .strict();

const deadlineSchema = z.union([
  z.string().min(1),
  z
    .object({
      at: z.string().min(1),
      zone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not a time zone of the IANA database'),
    })
    .strict(),
]);

const percent = z.number().min(0).max(100);

const lateSchema = z
  .object({
    /** Percent of the score off for each started day late (a day in the deadline's time zone). */
    perDay: percent.optional(),
    /** Percent off once late, however late. */
    flat: percent.optional(),
    /** The most taken off, in percent. */
    cap: percent.default(100),
    /** Per day (day1…day5): a policy of its own. */
    days: z.record(z.string(), z.object({ perDay: percent.optional(), flat: percent.optional() }).strict()).optional(),
    waivers: z
      .array(z.object({ learner: z.string().min(1), day: z.string().optional(), reason: z.string().min(1) }).strict())
      .default([]),
  })
  .strict()
  .refine((late) => !(late.perDay !== undefined && late.flat !== undefined), 'give perDay or flat, not both');

export const classFileSchema = z
  .object({
    learners: z.array(learnerSchema).default([]),
    deadlines: z.record(z.string().regex(/^day\d+$/, 'deadlines are named day1…day5'), deadlineSchema).default({}),
    late: lateSchema.optional(),
  })
  .strict();

export type ClassLearner = z.infer<typeof learnerSchema>;
export type LatePolicy = z.infer<typeof lateSchema>;

export type { Deadline } from './deadline.js';

export interface ClassFile {
  file: string;
  learners: ClassLearner[];
  deadlines: Record<string, Deadline>;
  late?: LatePolicy;
}

function classError(file: string, line: number | undefined, message: string): DeLabError {
  return new DeLabError(`${file}${line ? `:${line}` : ''}: ${message}`, {
    hint: tr({
      en: 'Fix that line of the class file and run the command again.',
      ko: '클래스 파일의 그 줄을 고치고 명령을 다시 실행하세요.',
    }),
    code: 'E_CLASS_FILE',
    exitCode: EXIT.usage,
  });
}

function lineOf(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: PropertyKey[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth).map(String), true) as { range?: [number, number] } | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Parses the text of a class file; every error names the file, the line and what is wrong. */
export function parseClassFile(text: string, file = 'class.yaml'): ClassFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    throw classError(
      file,
      first.linePos?.[0].line,
      `${tr({ en: 'invalid YAML', ko: 'YAML 오류' })}: ${first.message.split('\n')[0]}`,
    );
  }
  const parsed = classFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    const at = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    throw classError(file, lineOf(doc, counter, at), `${where}${issue.message}`);
  }
  const deadlines: Record<string, Deadline> = {};
  for (const [day, value] of Object.entries(parsed.data.deadlines)) {
    const deadline = parseDeadline(value);
    if (typeof deadline === 'string')
      throw classError(file, lineOf(doc, counter, ['deadlines', day]), `deadlines.${day}: ${deadline}`);
    deadlines[day] = deadline;
  }
  const ids = new Set<string>();
  for (const [i, learner] of parsed.data.learners.entries()) {
    if (ids.has(learner.id))
      throw classError(
        file,
        lineOf(doc, counter, ['learners', i, 'id']),
        tr({ en: `learner "${learner.id}" is listed twice`, ko: `학습자 "${learner.id}"가 두 번 있습니다` }),
      );
    ids.add(learner.id);
  }
  return { file, learners: parsed.data.learners, deadlines, late: parsed.data.late };
}

/** The class file given with --class, else class.yaml next to the submissions folder, else none. */
export function findClassFile(submissions: string | undefined, given: string | undefined): ClassFile | undefined {
  const file = given ? resolve(given) : submissions ? join(dirname(resolve(submissions)), 'class.yaml') : undefined;
  if (!file) return undefined;
  if (!existsSync(file)) {
    if (!given) return undefined;
    throw new DeLabError(tr({ en: `There is no class file ${file}.`, ko: `클래스 파일 ${file}이(가) 없습니다.` }), {
      hint: tr({ en: 'Check the path given with --class.', ko: '--class로 준 경로를 확인하세요.' }),
      code: 'E_CLASS_FILE',
      exitCode: EXIT.usage,
    });
  }
  return parseClassFile(readFileSync(file, 'utf8'), file);
}
