import { style } from './style.js';

function inline(text: string): string {
  return text
    .replace(/`([^`]+)`/g, (_m, code: string) => style.code(code))
    .replace(/\*\*([^*]+)\*\*/g, (_m, bold: string) => style.bold(bold));
}

/**
 * Markdown for a terminal, kept simple: headings bold, fenced and inline code cyan, **bold** bold;
 * everything else (lists, tables, links) reads fine as it is.
 */
export function renderMarkdown(markdown: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.replace(/\r\n/g, '\n').split('\n')) {
    const opening = /^\s*(```+|~~~+)/.exec(line);
    if (fence) {
      if (opening && opening[1]!.startsWith(fence)) fence = undefined;
      else out.push('    ' + style.code(line));
      continue;
    }
    if (opening) {
      fence = opening[1]!;
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    out.push(heading ? style.bold(heading[2]!.replace(/`([^`]+)`/g, '$1')) : inline(line));
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd();
}
