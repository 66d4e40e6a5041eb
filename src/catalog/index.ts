import './reactions.ts';
export {
  listOrganisations,
  getOrganisation,
  createOrganisation,
  updateOrganisation,
  deleteOrganisation,
  toOrganisation,
} from './organisations.ts';
export {
  getDataset,
  listDatasets,
  createDataset,
  updateDataset,
  deleteDataset,
  transitionDataset,
  listVersions,
  getVersion,
  diffDatasets,
  inputOf,
  toDataset,
  refuseEdit,
  relatedDatasets,
  rankVisible,
  type DatasetFilter,
  type DatasetList,
  type DatasetSort,
  type ListedDataset,
  type RelatedDataset,
  type Facet,
  type Facets,
  type FacetName,
} from './datasets.ts';
export {
  listDistributions,
  getDistribution,
  createDistribution,
  updateDistribution,
  deleteDistribution,
  toDistribution,
  setIngestStatus,
} from './distributions.ts';
export {
  reindexAll,
  compactSearchIndex,
  highlight,
  type Highlight,
  type ReindexResult,
} from './search/index.ts';
export { findDatasets, type DatasetFacts } from './facts.ts';
