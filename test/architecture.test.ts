import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The house's floor plan, checked from the sources (docs/architecture.md, ADRs 0021 and 0022):
 * a room names only its own tables in SQL, imports only rooms on its floor or below, and no import
 * loop runs through two rooms. What is listed below as known is what stood when the rule came in,
 * each with why; the lists may only shrink (a fixed entry left in the list fails too).
 */

const SRC = path.resolve('src');

/** Floors, lowest first: a room imports its own floor or lower ones. */
const FLOOR: Record<string, number> = {
  core: 0,
  platform: 0,
  text: 1,
  identity: 1,
  catalog: 2,
  data: 3,
  access: 4,
  demo: 5,
  http: 6,
  web: 6,
  cli: 7,
};

/** The room of a source file: its top folder. */
function roomOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

/** Import edges from a lower room to a higher one that are known and on their way out. */
const KNOWN_UPWARD_IMPORTS: Record<string, string> = {};

/** Imports of another room's files past its door. */
const KNOWN_PAST_DOOR: Record<string, string> = {};

/**
 * Tables a room names although another room owns them, file by file. Each is a read (joins for
 * names and titles in lists), except where said.
 */
const KNOWN_CROSSINGS: Record<string, string> = {
  // The data room's own columns (current_version, capacity, migration 004) sit on the catalogue's
  // table; moving them to a table of the data room's own needs a migration of its own.
  'data/access.ts: distribution': "reads its own current_version column on the catalogue's table",
  'data/history.ts: distribution': "reads its own current_version column on the catalogue's table",
  'data/ingest-job.ts: distribution': 'writes its own current_version and capacity columns',
  'data/versions.ts: distribution': "reads its own current_version column on the catalogue's table",
  'data/upload.ts: distribution': 'reads its own capacity column',
  'data/usage.ts: distribution': 'maps distributions to datasets while counting use',
  // Workflows list requests and grants with their datasets' titles and departments' names: joins
  // that a door call per row would make N+1 queries of.
  'access/grants/grants.ts: dataset': 'grant lists with dataset titles',
  'access/grants/grants.ts: organisation': 'grant lists with department names',
  'access/grants/grants.ts: app_user': 'a grant token holder’s current department',
  'access/grants/notices.ts: dataset': 'revocation notices with dataset titles',
  'access/grants/notices.ts: organisation': 'revocation notices with department names',
  'access/grants/notices.ts: app_user': 'masked names of grantees on notices',
  'access/titles.ts: dataset': 'dataset titles on notices and overdue lists',
  'access/applications/deadlines.ts: organisation': 'overdue lists by department',
  'access/applications/deadlines.ts: app_user': 'reminder recipients by department',
  'access/applications/requests.ts: dataset': 'request lists with dataset titles',
  'access/applications/requests.ts: organisation': 'request lists with department names',
  'access/applications/requests.ts: app_user': 'requesters’ names',
  'access/applications/submit.ts: app_user': 'the applicant’s profile',
  'access/applications/submit.ts: organisation': 'the applicant’s department name',
  'access/applications/decide.ts: dataset': 'dataset titles on decisions',
  'access/grants/rulings.ts: dataset': 'dataset titles on ruling requests',
  'access/sharing/negotiation.ts: organisation': 'the two departments’ names in a negotiation thread',
  'access/sharing/negotiation.ts: app_user': 'message authors’ names in a negotiation thread',
  // Lower rooms reading higher ones: the sign-in path needs the grant a token is tied to, and a
  // user's department must exist.
  'identity/identity.ts: access_grant': 'a grant token dies with its grant (read on every request)',
  'identity/identity.ts: organisation': 'a department user’s organisation must exist',
  'catalog/organisations.ts: app_user': 'an organisation with users cannot be deleted',
  'cli/commands.ts: organisation': 'the CLI lists organisations for the admin',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const files = sourceFiles(SRC);
const rel = (f: string) => path.relative(SRC, f).split(path.sep).join('/');
const owners = JSON.parse(fs.readFileSync(path.join(SRC, 'platform/migrations/owners.json'), 'utf8'))
  .tables as Record<string, string>;

test('every table a migration creates has an owning room', () => {
  const dir = path.join(SRC, 'platform/migrations');
  const created = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .flatMap((f) => [
      ...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/g),
    ])
    .map((m) => m[1]);
  assert.ok(created.length > 20);
  assert.deepEqual(
    created.filter((t) => !owners[t]),
    [],
  );
  for (const room of Object.values(owners)) assert.ok(room in FLOOR, room);
});

/** Table names a file's queries mention: Kysely calls and SQL text. */
function tablesNamed(text: string): Set<string> {
  const found = new Set<string>();
  const kysely =
    /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|mergeInto)\(\s*'(\w+)/g;
  const raw = /\b(?:FROM|JOIN|UPDATE|INSERT INTO|DELETE FROM)\s+(\w+)/g;
  for (const re of [kysely, raw]) for (const m of text.matchAll(re)) if (owners[m[1]]) found.add(m[1]);
  return found;
}

test('a room names only its own tables in SQL (others change and read through doors and events)', () => {
  const crossings = new Map<string, string>();
  for (const f of files) {
    const room = roomOf(f);
    if (room === 'demo') continue;
    for (const t of tablesNamed(fs.readFileSync(f, 'utf8')))
      if (owners[t] !== room) crossings.set(`${rel(f)}: ${t}`, owners[t]);
  }
  const unknown = [...crossings.keys()].filter((k) => !(k in KNOWN_CROSSINGS));
  assert.deepEqual(unknown, [], "a room names another room's table: use that room's door or an event");
  const stale = Object.keys(KNOWN_CROSSINGS).filter((k) => !crossings.has(k));
  assert.deepEqual(stale, [], 'fixed: remove these from KNOWN_CROSSINGS');
});

/** Runtime imports of a file (type-only imports cannot make a loop at run time, but count for floors). */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  const re =
    /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)|(?:^|\n)\s*import\s+'(\.[^']+)'/g;
  for (const m of text.matchAll(re)) {
    const spec = m[3] ?? m[4] ?? m[5];
    out.push({ target: path.resolve(path.dirname(file), spec), typeOnly: !!m[2] });
  }
  return out;
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));

test('no import from a lower room to a higher one, and other rooms only through their door', () => {
  const upward: string[] = [];
  const pastDoor: string[] = [];
  for (const [from, edges] of graph)
    for (const { target } of edges) {
      const [a, b] = [roomOf(from), roomOf(target)];
      if (a === b) continue;
      const edge = `${rel(from)} -> ${rel(target)}`;
      if (FLOOR[a] < FLOOR[b] && !(edge in KNOWN_UPWARD_IMPORTS)) upward.push(edge);
      if (path.basename(target) !== 'index.ts' && b !== 'demo' && !(edge in KNOWN_PAST_DOOR))
        pastDoor.push(edge);
    }
  assert.deepEqual(upward, []);
  assert.deepEqual(pastDoor, []);
  const used = new Set(
    [...graph].flatMap(([from, edges]) => edges.map((e) => `${rel(from)} -> ${rel(e.target)}`)),
  );
  assert.deepEqual(
    [...Object.keys(KNOWN_UPWARD_IMPORTS), ...Object.keys(KNOWN_PAST_DOOR)].filter((k) => !used.has(k)),
    [],
    'fixed: remove these from KNOWN_UPWARD_IMPORTS / KNOWN_PAST_DOOR',
  );
});

test('no import loop runs through files of two rooms', () => {
  // Tarjan's strongly connected components over runtime imports, known upward edges left out.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const loops: string[][] = [];
  let next = 0;
  const edgesOf = (f: string) =>
    (graph.get(f) ?? [])
      .filter((e) => !e.typeOnly && graph.has(e.target))
      .filter((e) => !(`${rel(f)} -> ${rel(e.target)}` in KNOWN_UPWARD_IMPORTS))
      .map((e) => e.target);
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edgesOf(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (new Set(scc.map(roomOf)).size > 1) loops.push(scc.map(rel).sort());
    }
  };
  for (const f of graph.keys()) if (!index.has(f)) visit(f);
  assert.deepEqual(loops, []);
});
