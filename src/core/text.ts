/** The last non-empty line of a text (a process's output), trimmed; undefined when it has none. */
export function lastLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .at(-1);
}
