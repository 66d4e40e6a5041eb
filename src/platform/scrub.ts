/**
 * Absolute filesystem paths (`/srv/kaifang/data/blobs/ab/cd…`, `C:\data\…`) in text shown to
 * users, replaced by `[path]`: they tell an attacker the installation's layout and name files
 * they cannot read. A path starts after a space, quote or bracket, never inside a URL
 * (`https://host/a/b` stays) or a fraction (`1/2/3`).
 */
const ABSOLUTE_PATH = /(?<![\w:/.\\-])(?:[A-Za-z]:)?(?:[/\\][^\s/\\"'`:,;()<>[\]{}]+){2,}[/\\]?/g;

export function scrubPaths<T>(value: T): T {
  if (typeof value === 'string') return value.replace(ABSOLUTE_PATH, '[path]') as T;
  if (Array.isArray(value)) return value.map((v) => scrubPaths(v)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubPaths(v)])) as T;
  return value;
}
