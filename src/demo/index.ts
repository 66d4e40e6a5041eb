/**
 * The demo installation: a fictional city's departments, accounts and catalogue, read from data
 * files and loaded through the same doors as the API. It stands above catalog, data and access,
 * and nothing but the CLI (and tests) imports it.
 */
export { loadDemo, DEMO_PASSWORD, type DemoResult, type DemoOptions } from './load.ts';
export {
  readDemoCatalogue,
  DemoCatalogueError,
  type DemoCatalogue,
  type DemoCity,
  type DemoDataset,
  type DemoOrganisation,
  type DemoTable,
} from './catalogue.ts';
export { attachFileNow } from './attach.ts';
export {
  readGeneratedTables,
  tableBytes,
  DEMO_SEED,
  GENERATED_DIR,
  type GeneratedTable,
  type GeneratedTables,
} from './generated.ts';
