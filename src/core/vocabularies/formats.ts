import type { Vocabulary, VocabularyTerm } from './vocabulary.ts';

const FILE_TYPE = 'http://publications.europa.eu/resource/authority/file-type/';

export interface FormatTerm extends VocabularyTerm {
  /** Structured so a program can read the values without a person (open-data star 2). */
  machineReadable: boolean;
  /** Openly specified, usable without any one vendor's software (star 3). */
  nonProprietary: boolean;
  /** IANA media type, or the de-facto one where none is registered (noted inline). */
  mediaType: string;
}

type Seed = [
  code: string,
  zh: string,
  en: string,
  mr: boolean,
  np: boolean,
  mediaType: string,
  eu: string | null,
  aliases?: string[],
];

/**
 * Flags follow seed 004 §5 (machine-readable: XLS, XLSX, CSV, TXT, JSON, XML, RDF …; not:
 * DOC, PDF, images) and the five-star scheme for non-proprietary. XLS is binary and
 * vendor-defined; XLSX/DOCX are ISO/IEC 29500, hence open. SHP's specification is published
 * by Esri and implemented independently, so it counts as open.
 */
const SEEDS: Seed[] = [
  ['CSV', '逗号分隔值', 'Comma-separated values', true, true, 'text/csv', 'CSV'],
  ['TSV', '制表符分隔值', 'Tab-separated values', true, true, 'text/tab-separated-values', 'TSV'],
  [
    'XLSX',
    'Excel 工作簿',
    'Excel workbook (OOXML)',
    true,
    true,
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'XLSX',
  ],
  [
    'XLS',
    'Excel 97-2003 工作簿',
    'Excel 97-2003 workbook',
    true,
    false,
    'application/vnd.ms-excel',
    'XLS',
    ['Excel'],
  ],
  [
    'ODS',
    'OpenDocument 电子表格',
    'OpenDocument spreadsheet',
    true,
    true,
    'application/vnd.oasis.opendocument.spreadsheet',
    'ODS',
  ],
  ['JSON', 'JSON', 'JSON', true, true, 'application/json', 'JSON'],
  // No registered type; application/x-ndjson is what servers and clients actually send.
  [
    'NDJSON',
    'JSON 行',
    'Newline-delimited JSON',
    true,
    true,
    'application/x-ndjson',
    null,
    ['JSONL', 'JSON Lines'],
  ],
  ['XML', 'XML', 'XML', true, true, 'application/xml', 'XML'],
  ['RDF', 'RDF/XML', 'RDF/XML', true, true, 'application/rdf+xml', 'RDF_XML', ['RDF/XML', 'RDF_XML']],
  ['TTL', 'Turtle', 'Turtle', true, true, 'text/turtle', 'RDF_TURTLE', ['Turtle']],
  ['JSONLD', 'JSON-LD', 'JSON-LD', true, true, 'application/ld+json', 'JSON_LD', ['JSON-LD', 'JSON_LD']],
  ['PARQUET', 'Parquet', 'Apache Parquet', true, true, 'application/vnd.apache.parquet', 'PARQUET'],
  ['GEOJSON', 'GeoJSON', 'GeoJSON', true, true, 'application/geo+json', 'GEOJSON'],
  ['KML', 'KML', 'KML', true, true, 'application/vnd.google-earth.kml+xml', 'KML'],
  ['GML', 'GML', 'Geography Markup Language', true, true, 'application/gml+xml', 'GML'],
  [
    'SHP',
    'Shapefile',
    'Esri Shapefile',
    true,
    true,
    'application/vnd.shp',
    'SHP',
    ['Shapefile', 'ESRI Shapefile'],
  ],
  // An API distribution is an endpoint, not a file; its payload here is JSON.
  ['API', '数据接口', 'API', true, true, 'application/json', null, ['接口', 'REST', 'REST API']],
  ['TXT', '纯文本', 'Plain text', true, true, 'text/plain', 'TXT', ['TEXT']],
  ['HTML', '网页', 'HTML', false, true, 'text/html', 'HTML', ['HTM']],
  ['PDF', 'PDF 文档', 'PDF', false, true, 'application/pdf', 'PDF'],
  ['DOC', 'Word 97-2003 文档', 'Word 97-2003 document', false, false, 'application/msword', 'DOC', ['Word']],
  [
    'DOCX',
    'Word 文档',
    'Word document (OOXML)',
    false,
    true,
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'DOCX',
  ],
  // Archives are judged by their contents, which the container cannot vouch for.
  ['ZIP', 'ZIP 压缩包', 'ZIP archive', false, true, 'application/zip', 'ZIP'],
  ['RAR', 'RAR 压缩包', 'RAR archive', false, false, 'application/vnd.rar', 'RAR'],
];

export const formats: Vocabulary = {
  name: 'formats',
  label: { zh: '数据格式', en: 'Formats' },
  terms: SEEDS.map(([code, zh, en, machineReadable, nonProprietary, mediaType, eu, aliases]): FormatTerm => ({
    code,
    label: { zh, en },
    ...(eu ? { uri: FILE_TYPE + eu } : {}),
    aliases: [`.${code.toLowerCase()}`, ...(aliases ?? [])],
    machineReadable,
    nonProprietary,
    mediaType,
  })),
};
