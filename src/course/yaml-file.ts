import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { DeLabError } from '../core/errors.js';

// Reading a YAML file of the course against its schema, with the line of the first mistake.
// Its own module so that labs.ts and planned.ts both read YAML without importing each other.
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
