const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A location in an input: keys and array indices from its root, e.g. `['cases', 0, 'services', 1]`. */
export type JsonPath = readonly (string | number)[];

/** `['services', 0, 'gop']` → `$.services[0].gop`. For the edges (CLI, HTTP, messages); the SDK passes segments. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
