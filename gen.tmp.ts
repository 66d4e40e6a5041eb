import { readDemoCatalogue } from './src/demo/index.ts';
import { readGeneratedTables, tableBytes } from './src/demo/generated.ts';
const c = readDemoCatalogue();
const g = readGeneratedTables(c);
console.log('tables', g.tables.length, 'eligible', c.datasets.filter(d => d.openTier !== 'not_open').length);
for (const t of g.tables) {
  const text = tableBytes(g, t).toString();
  console.log('##', t.dataset.title, text.length);
  console.log(text.split('\n').slice(0, 4).join('\n'));
}
