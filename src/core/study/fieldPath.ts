/** Naming a field of validated input in an error: `spec.llm.headers`, `profiles[1].baseUrl`, and the value found there. */

/** `root` followed by the path: `.name` for keys, `[i]` for indices. */
export function fieldName(root: string, path: readonly PropertyKey[]): string {
  let name = root;
  for (const part of path) name += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  return name;
}

/** The value at `path` inside `input`, or undefined where the path leaves the objects. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
