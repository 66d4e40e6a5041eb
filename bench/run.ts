// Benchmarks run on demand (`npm run bench`), never in `npm test`. Each script prints its figures
// next to a baseline measured in the same run.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const scripts = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
if (!scripts.length) console.log('no benchmarks yet');
for (const s of scripts) {
  console.log(`\n## ${s}`);
  const mod = await import(pathToFileURL(path.join(dir, s)).href);
  if (typeof mod.default === 'function') await mod.default();
}
