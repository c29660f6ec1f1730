/** Placeholder values for one run of an exercise (see schema.ts for their meaning). */
export type Vars = Record<string, string>;

/**
 * Replaces {name} (and {port:N} / {published:N}) for the names in vars only, so JSON and shell
 * braces in commands survive.
 */
export function fill(text: string, vars: Vars): string {
  return text.replace(/\{([a-z][a-zA-Z]*(?::[0-9]+)?)\}/g, (whole, name: string) =>
    Object.hasOwn(vars, name) ? vars[name]! : whole,
  );
}

export function fillDeep<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') return fill(value, vars) as T;
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, vars)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillDeep(item, vars)])) as T;
  return value;
}

/** A command given as one string runs through sh -c; an array runs as is. */
export function argv(command: string | string[]): string[] {
  return typeof command === 'string' ? ['sh', '-c', command] : command;
}
