import type { Vocabulary, VocabularyTerm } from './vocabulary.ts';

const EU_LICENCE = 'http://publications.europa.eu/resource/authority/licence/';

export interface LicenceTerm extends VocabularyTerm {
  /** SPDX identifier, for tools that speak SPDX rather than URIs. */
  spdx?: string;
  /** EU licence authority URI, which DCAT-AP prefers for dct:license. */
  euLicence?: string;
  /** Meets the Open Definition: anyone may use, modify and share, at most with attribution/share-alike. */
  open: boolean;
}

/** Used when a department does not choose: the portal's own open-government terms. */
export const DEFAULT_LICENCE = 'gov-open';

const terms: LicenceTerm[] = [
  {
    code: 'gov-open',
    label: { zh: '政府数据开放授权协议', en: 'Open Government Data Licence' },
    aliases: ['开放授权协议', '数据开放授权协议', 'open government licence', 'ogl'],
    open: true,
    default: true,
  },
  {
    // Conditional data goes only to approved applicants under a use agreement, so this is not
    // an open licence and has no public URI.
    code: 'conditional-agreement',
    label: { zh: '有条件开放数据使用协议', en: 'Conditional Open Data Use Agreement' },
    aliases: ['数据使用协议', '有条件开放协议'],
    open: false,
  },
  {
    code: 'cc-by-4.0',
    label: { zh: '知识共享署名 4.0 国际许可协议', en: 'Creative Commons Attribution 4.0 International' },
    uri: 'https://creativecommons.org/licenses/by/4.0/',
    spdx: 'CC-BY-4.0',
    euLicence: `${EU_LICENCE}CC_BY_4_0`,
    aliases: ['CC BY 4.0', 'CC-BY', 'CC BY'],
    open: true,
  },
  {
    code: 'cc-by-sa-4.0',
    label: {
      zh: '知识共享署名-相同方式共享 4.0 国际许可协议',
      en: 'Creative Commons Attribution-ShareAlike 4.0 International',
    },
    uri: 'https://creativecommons.org/licenses/by-sa/4.0/',
    spdx: 'CC-BY-SA-4.0',
    euLicence: `${EU_LICENCE}CC_BYSA_4_0`,
    aliases: ['CC BY-SA 4.0', 'CC-BY-SA'],
    open: true,
  },
  {
    code: 'cc0-1.0',
    label: { zh: 'CC0 1.0 通用公有领域贡献', en: 'CC0 1.0 Universal Public Domain Dedication' },
    uri: 'https://creativecommons.org/publicdomain/zero/1.0/',
    spdx: 'CC0-1.0',
    euLicence: `${EU_LICENCE}CC0`,
    aliases: ['CC0', '公有领域'],
    open: true,
  },
  {
    code: 'odc-by',
    label: { zh: '开放数据共享署名许可协议', en: 'Open Data Commons Attribution License' },
    uri: 'https://opendatacommons.org/licenses/by/1-0/',
    spdx: 'ODC-By-1.0',
    euLicence: `${EU_LICENCE}ODC_BY`,
    aliases: ['ODC-By-1.0', 'ODC-BY 1.0'],
    open: true,
  },
  {
    code: 'odbl',
    label: { zh: '开放数据库许可协议', en: 'Open Database License' },
    uri: 'https://opendatacommons.org/licenses/odbl/1-0/',
    spdx: 'ODbL-1.0',
    euLicence: `${EU_LICENCE}ODC_BL`,
    aliases: ['ODbL-1.0', 'ODbL 1.0'],
    open: true,
  },
  {
    code: 'pddl',
    label: {
      zh: '开放数据共享公有领域贡献与许可',
      en: 'Open Data Commons Public Domain Dedication and License',
    },
    uri: 'https://opendatacommons.org/licenses/pddl/1-0/',
    spdx: 'PDDL-1.0',
    euLicence: `${EU_LICENCE}ODC_PDDL`,
    aliases: ['PDDL-1.0'],
    open: true,
  },
];

export const licences: Vocabulary = {
  name: 'licences',
  label: { zh: '开放授权', en: 'Licences' },
  terms,
};
