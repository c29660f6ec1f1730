import { josa } from '../i18n/josa.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { DeLabError } from '../core/errors.js';
import { labsDir } from '../core/paths.js';
import { tr } from '../i18n/lang.js';
import { labSchema, type LabManifest } from './schema.js';
import { plannedDays } from './planned.js';

export interface Lab extends LabManifest {
  dir: string;
  composeFile: string;
}

/** Line and column of a YAML path, so a broken manifest points at the spot. */
function locate(doc: ReturnType<typeof parseDocument>, counter: LineCounter, path: PropertyKey[]): string {
  let node: any = doc.getIn(
    path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    true,
  );
  for (let depth = path.length; !node?.range && depth > 0; depth--)
    node = doc.getIn(path.slice(0, depth - 1) as unknown[], true);
  if (!node?.range) return '';
  const { line, col } = counter.linePos(node.range[0]);
  return `:${line}:${col}`;
}

export function formatZodError(
  file: string,
  error: ZodError,
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  return `${file}${locate(doc, counter, issue.path)}: ${where}: ${issue.message}`;
}

/**
 * An error about one field of a YAML file found valid by its schema but wrong in context
 * (a dangling reference, a missing file): names file:line:col and the field, like loadYaml.
 */
export function manifestError(file: string, path: Array<string | number>, message: string): DeLabError {
  let where = '';
  try {
    const counter = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter });
    where = locate(doc, counter, path);
  } catch {
    // Without a position the message still names the file and field.
  }
  return new DeLabError(`${file}${where}: ${path.length > 0 ? path.join('.') : '(top level)'}: ${message}`, {
    hint: 'Fix that field of the manifest; see labs/README.md for the format.',
    code: 'E_MANIFEST',
  });
}

/** Parses and validates a YAML file against a schema; errors name file, line and field. */
export function loadYaml<T>(
  file: string,
  schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: ZodError } },
): T {
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: counter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = first.linePos?.[0];
    throw new DeLabError(
      `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: invalid YAML: ${first.message.split('\n')[0]}`,
      {
        hint: 'Fix the YAML syntax at that line (indentation, quotes, a missing colon).',
        code: 'E_MANIFEST',
      },
    );
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    throw new DeLabError(formatZodError(file, result.error, doc, counter), {
      hint: 'Fix that field of the manifest; see labs/README.md for the format.',
      code: 'E_MANIFEST',
    });
  }
  return result.data;
}

export function loadLab(dir: string): Lab {
  const manifest = loadYaml(join(dir, 'lab.yaml'), labSchema);
  return { ...manifest, dir, composeFile: join(dir, manifest.compose) };
}

/** Every day under labs/ that has a lab.yaml, in day order. */
export function listLabs(root = labsDir): Lab[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && /^day[1-9]$/.test(entry.name) && existsSync(join(root, entry.name, 'lab.yaml')),
    )
    .map((entry) => loadLab(join(root, entry.name)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

export function findLab(day: string, root = labsDir): Lab {
  const normalised = /^[1-9]$/.test(day) ? `day${day}` : day.toLowerCase();
  const labs = listLabs(root);
  const lab = labs.find((candidate) => candidate.id === normalised);
  if (!lab) {
    const ids = labs.map((l) => l.id).join(', ');
    const planned = plannedDays(root).find((candidate) => candidate.id === normalised);
    if (planned) {
      throw new DeLabError(
        tr({
          en: `${planned.id} (${planned.title.en}) is coming: its lab is not in this de-lab yet. It teaches ${planned.teaches.en}`,
          ko: `${planned.id}(${planned.title.ko})는 준비 중입니다. 아직 이 de-lab에 실습이 없습니다. 배우는 내용: ${planned.teaches.ko}`,
        }),
        {
          hint: tr({
            en: `Until then, work on ${ids || 'another day'} (\`de-lab list\`), and update de-lab later to get ${planned.id}.`,
            ko: `그동안 ${josa(ids || '다른 날', '을/를')} 하고(\`de-lab list\`), 나중에 de-lab을 업데이트해 ${josa(planned.id, '을/를')} 받으세요.`,
          }),
          code: 'E_LAB_COMING',
          exitCode: 2,
        },
      );
    }
    throw new DeLabError(tr({ en: `There is no lab called "${day}".`, ko: `"${day}"라는 실습일은 없습니다.` }), {
      hint:
        labs.length > 0
          ? tr({
              en: `Choose one of: ${ids} (or just the number).`,
              ko: `다음 중에서 고르세요: ${ids} (숫자만 써도 됩니다).`,
            })
          : tr({
              en: 'This de-lab has no labs installed; reinstall it.',
              ko: '설치된 실습이 없습니다. de-lab을 다시 설치하세요.',
            }),
      code: 'E_NO_LAB',
      exitCode: 2,
    });
  }
  return lab;
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
