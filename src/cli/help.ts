/** The "Examples:" block every command's --help ends with. */
export function example(lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
