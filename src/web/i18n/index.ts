import { findTerm, type Label, type Vocabulary } from '../../core/index.ts';
import { zh } from './zh.ts';
import { en } from './en.ts';

/** The message catalogue: every string a page shows comes from here or from a bilingual vocabulary. */
export type Lang = 'zh' | 'en';
export type MessageKey = keyof typeof zh;
export type Messages = Record<MessageKey, string>;
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const catalogues: Record<Lang, Messages> = { zh, en };

export const isLang = (v: unknown): v is Lang => v === 'zh' || v === 'en';

/** `{name}` placeholders are filled from params; the result is plain text, escaped where it is rendered. */
export function translator(lang: Lang): Translate {
  const messages = catalogues[lang];
  return (key, params) => {
    const text = messages[key];
    return params
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
      : text;
  };
}

/** Whether a key exists, for labels looked up by a name that comes from data (extra facets, error codes). */
export const hasMessage = (key: string): key is MessageKey => Object.hasOwn(zh, key);

export const labelIn = (l: Label, lang: Lang): string => l[lang];

/** A vocabulary term's label in the page's language; unknown codes show as they are. */
export function termLabel(vocab: Vocabulary, code: string | null | undefined, lang: Lang): string {
  if (!code) return '';
  const term = findTerm(vocab, code);
  return term ? term.label[lang] : code;
}

const SHANGHAI = 'Asia/Shanghai';

/** An ISO instant in Shanghai time and the page's language; empty stays empty, a string that is no date shows as it is. */
function formatInstant(
  iso: string | null | undefined,
  lang: Lang,
  parts: Intl.DateTimeFormatOptions,
): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: SHANGHAI, ...parts }).format(
    d,
  );
}

export const formatDate = (iso: string | null | undefined, lang: Lang): string =>
  formatInstant(iso, lang, { year: 'numeric', month: lang === 'zh' ? 'long' : 'short', day: 'numeric' });

export const formatDateTime = (iso: string | null | undefined, lang: Lang): string =>
  formatInstant(iso, lang, {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  });

export const formatNumber = (n: number, lang: Lang): string =>
  new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB').format(n);

export function formatBytes(n: number | null, lang: Lang): string {
  if (n === null) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { maximumFractionDigits: i ? 1 : 0 }).format(v)} ${units[i]}`;
}
