import {
  findTerm,
  licences,
  openTiers,
  shareTiers,
  themes,
  updateFrequencies,
  type Dataset,
  type FieldError,
  type Organisation,
} from '../core/index.ts';
import { html, type Html, type Renderable } from './html.ts';
import { hasMessage, termLabel, type MessageKey } from './i18n/index.ts';
import type { View } from './view.ts';
import type { FormBody } from './respond.ts';

/**
 * The dataset form: what the browser sends, how it becomes a DatasetInput for the catalogue,
 * and how the catalogue's field errors land next to the inputs they are about. The form never
 * validates on its own — `catalog` is the one validator, so the API and the form cannot disagree.
 */

export type { FormBody };

const FIELD_PARTS = ['name', 'title', 'type', 'unit', 'description', 'personal'] as const;
const FIELD_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'datetime'] as const;
/** Blank data-field rows offered below the filled ones. */
const BLANK_ROWS = 2;
const MAX_ROWS = 500;

/** Everything as the user typed it, so a refused form comes back exactly as it was sent. */
export interface FormValues {
  title: string;
  description: string;
  orgId: string;
  themes: string[];
  tags: string;
  openTier: string;
  openConditions: string;
  notOpenReason: string;
  notOpenLegalBasis: string;
  notSharedReason: string;
  notSharedLegalBasis: string;
  shareTier: string;
  shareConditions: string;
  shareMethod: string;
  updateFrequency: string;
  license: string;
  spatial: string;
  temporalStart: string;
  temporalEnd: string;
  language: string;
  scenario: string;
  source: string;
  version: string;
  relations: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
  fields: Record<(typeof FIELD_PARTS)[number], string>[];
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);
const splitList = (s: string): string[] =>
  s
    .split(/[,，、;；\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function emptyValues(orgId: string): FormValues {
  return {
    title: '',
    description: '',
    orgId,
    themes: [],
    tags: '',
    openTier: 'unconditional',
    openConditions: '',
    notOpenReason: '',
    notOpenLegalBasis: '',
    notSharedReason: '',
    notSharedLegalBasis: '',
    shareTier: 'unconditional',
    shareConditions: '',
    shareMethod: '',
    updateFrequency: '',
    license: 'gov-open',
    spatial: '',
    temporalStart: '',
    temporalEnd: '',
    language: 'zh',
    scenario: '',
    source: '',
    version: '',
    relations: '',
    contactName: '',
    contactEmail: '',
    contactPhone: '',
    fields: [],
  };
}

/** A stored dataset as form values; the update frequency shows the department's own words when it has them. */
export function valuesOf(d: Dataset): FormValues {
  return {
    title: d.title,
    description: d.description,
    orgId: d.publisher.id,
    themes: d.themes,
    tags: d.tags.join('，'),
    openTier: d.openTier,
    openConditions: d.openConditions ?? '',
    notOpenReason: d.notOpenReason ?? '',
    notOpenLegalBasis: d.notOpenLegalBasis ?? '',
    notSharedReason: d.notSharedReason ?? '',
    notSharedLegalBasis: d.notSharedLegalBasis ?? '',
    shareTier: d.shareTier,
    shareConditions: d.shareConditions ?? '',
    shareMethod: d.shareMethod ?? '',
    updateFrequency: d.updateFrequencyText ?? termLabel(updateFrequencies, d.updateFrequency, 'zh'),
    license: d.license ?? '',
    spatial: d.spatial ?? '',
    temporalStart: d.temporal?.start ?? '',
    temporalEnd: d.temporal?.end ?? '',
    language: d.language,
    scenario: d.scenario ?? '',
    source: d.source ?? '',
    version: d.version ?? '',
    relations: d.relations.join('，'),
    contactName: d.contact.name ?? '',
    contactEmail: d.contact.email ?? '',
    contactPhone: d.contact.phone ?? '',
    fields: d.fields.map((f) => ({
      name: f.name,
      title: f.title ?? '',
      type: f.type ?? '',
      unit: f.unit ?? '',
      description: f.description ?? '',
      personal: f.personal ? '1' : '',
    })),
  };
}

/** Reads a posted form. Field rows arrive as `fields[3][name]`; rows left entirely blank are dropped. */
export function valuesFromBody(body: FormBody, orgId: string): FormValues {
  const rows = new Map<number, Record<string, string>>();
  for (const [key, raw] of Object.entries(body)) {
    const m = /^fields\[(\d{1,3})\]\[(\w+)\]$/.exec(key);
    if (!m || !(FIELD_PARTS as readonly string[]).includes(m[2]!)) continue;
    const i = Number(m[1]);
    if (i >= MAX_ROWS) continue;
    if (!rows.has(i)) rows.set(i, {});
    rows.get(i)![m[2]!] = one(raw);
  }
  const fields = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(
      ([, r]) =>
        Object.fromEntries(FIELD_PARTS.map((p) => [p, (r[p] ?? '').trim()])) as FormValues['fields'][number],
    )
    .filter((r) => FIELD_PARTS.some((p) => p !== 'personal' && r[p] !== ''));
  const text = (k: string) => one(body[k]).trim();
  return {
    title: text('title'),
    description: text('description'),
    orgId: text('orgId') || orgId,
    themes: many(body.themes).slice(0, 32),
    tags: text('tags'),
    openTier: text('openTier'),
    openConditions: text('openConditions'),
    notOpenReason: text('notOpenReason'),
    notOpenLegalBasis: text('notOpenLegalBasis'),
    notSharedReason: text('notSharedReason'),
    notSharedLegalBasis: text('notSharedLegalBasis'),
    shareTier: text('shareTier'),
    shareConditions: text('shareConditions'),
    shareMethod: text('shareMethod'),
    updateFrequency: text('updateFrequency'),
    license: text('license'),
    spatial: text('spatial'),
    temporalStart: text('temporalStart'),
    temporalEnd: text('temporalEnd'),
    language: text('language'),
    scenario: text('scenario'),
    source: text('source'),
    version: text('version'),
    relations: text('relations'),
    contactName: text('contactName'),
    contactEmail: text('contactEmail'),
    contactPhone: text('contactPhone'),
    fields,
  };
}

/**
 * Form values as the catalogue's input. Empty optional fields become null so an edit can clear
 * them; required ones are sent as typed (possibly empty) so the catalogue names them. A label
 * picked from the suggestions ("每月") is sent as its code, so it is not kept as "original words".
 */
export function inputFromValues(f: FormValues): Record<string, unknown> {
  const opt = (s: string) => (s === '' ? null : s);
  const frequency = findTerm(updateFrequencies, f.updateFrequency);
  const contact = Object.fromEntries(
    Object.entries({ name: f.contactName, email: f.contactEmail, phone: f.contactPhone }).filter(
      ([, val]) => val !== '',
    ),
  );
  return {
    title: f.title,
    description: f.description,
    orgId: f.orgId,
    themes: f.themes,
    tags: splitList(f.tags),
    contact,
    openTier: f.openTier,
    openConditions: opt(f.openConditions),
    notOpenReason: opt(f.notOpenReason),
    notOpenLegalBasis: opt(f.notOpenLegalBasis),
    notSharedReason: opt(f.notSharedReason),
    notSharedLegalBasis: opt(f.notSharedLegalBasis),
    shareTier: f.shareTier,
    shareConditions: opt(f.shareConditions),
    shareMethod: opt(f.shareMethod),
    updateFrequency:
      frequency && (frequency.label.zh === f.updateFrequency || frequency.label.en === f.updateFrequency)
        ? frequency.code
        : f.updateFrequency,
    license: opt(f.license),
    spatial: opt(f.spatial),
    temporal:
      f.temporalStart || f.temporalEnd
        ? { ...(f.temporalStart && { start: f.temporalStart }), ...(f.temporalEnd && { end: f.temporalEnd }) }
        : null,
    language: f.language || 'zh',
    fields: f.fields.map((r) => ({
      name: r.name,
      ...(r.title && { title: r.title }),
      ...(r.type && { type: r.type }),
      ...(r.unit && { unit: r.unit }),
      ...(r.description && { description: r.description }),
      ...(r.personal && { personal: true }),
    })),
    scenario: opt(f.scenario),
    relations: splitList(f.relations),
    source: opt(f.source),
    version: opt(f.version),
  };
}

/** Which input a catalogue error is about: `themes[2]` → themes, `fields[1].name` → that row's name, `contact.email` → contactEmail. */
export function inputIdOf(field: string): string {
  const row = /^fields\[(\d+)\](?:\.(\w+))?/.exec(field);
  if (row) return `fields-${row[1]}-${row[2] ?? 'name'}`;
  if (field.startsWith('contact.')) return `contact${field.slice(8, 9).toUpperCase()}${field.slice(9)}`;
  if (field === 'contact') return 'contactName';
  if (field === 'temporal' || field === 'temporal.start') return 'temporalStart';
  if (field === 'temporal.end') return 'temporalEnd';
  return field.replace(/\[.*$/, '').replace(/\..*$/, '');
}

export type ErrorMap = Map<string, string>;

/**
 * Catalogue errors keyed by input, worded for a person: a message written for this field and
 * code, else the catalogue's own specific message, else a message for the field.
 */
export function errorMap(v: View, errors: FieldError[]): ErrorMap {
  const out: ErrorMap = new Map();
  for (const e of errors) {
    const id = inputIdOf(e.field);
    const base = id.replace(/^fields-\d+-/, 'field-');
    const specific = `formError.${base}.${e.code}`;
    const general = `formError.${base}`;
    const generic = e.code === 'invalid' || e.code === 'required';
    const message = hasMessage(specific)
      ? v.t(specific)
      : !generic
        ? e.message[v.lang]
        : hasMessage(general)
          ? v.t(general)
          : e.code === 'required'
            ? v.t('formError.required')
            : e.message[v.lang];
    if (!out.has(id)) out.set(id, message);
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------

export interface FieldOpts {
  id: string;
  label: string;
  hint?: string;
  required?: boolean;
  errors: ErrorMap;
}

function describedBy(o: FieldOpts): string {
  return [o.hint ? `${o.id}-hint` : '', o.errors.has(o.id) ? `${o.id}-error` : ''].filter(Boolean).join(' ');
}

export function fieldShell(v: View, o: FieldOpts, control: Html): Html {
  const error = o.errors.get(o.id);
  return html`<div class="form-field ${error ? 'has-error' : ''}">
    <label for="${o.id}"
      >${o.label}${o.required ? html` <span class="req">${v.t('form.required')}</span>` : ''}</label
    >
    ${o.hint ? html`<p class="hint" id="${o.id}-hint">${o.hint}</p>` : ''}
    ${error ? html`<p class="field-error" id="${o.id}-error"><span class="visually-hidden">${v.t('form.errorPrefix')}</span>${error}</p>` : ''}
    ${control}
  </div>`;
}

function aria(o: FieldOpts): Html {
  const d = describedBy(o);
  return html`${d ? html` aria-describedby="${d}"` : ''}${o.errors.has(o.id) ? html` aria-invalid="true"` : ''}${o.required ? html` required` : ''}`;
}

export function input(
  v: View,
  o: FieldOpts & { value: string; type?: string; maxlength?: number; extra?: Html; name?: string },
): Html {
  return fieldShell(
    v,
    o,
    html`<input
      id="${o.id}"
      name="${o.name ?? o.id}"
      type="${o.type ?? 'text'}"
      value="${o.value}"
      ${o.maxlength ? html`maxlength="${o.maxlength}"` : ''}${aria(o)}${o.extra ?? ''}
    />`,
  );
}

export function textarea(
  v: View,
  o: FieldOpts & { value: string; rows?: number; maxlength?: number; name?: string },
): Html {
  return fieldShell(
    v,
    o,
    html`<textarea
      id="${o.id}"
      name="${o.name ?? o.id}"
      rows="${o.rows ?? 3}"
      ${o.maxlength ? html`maxlength="${o.maxlength}"` : ''}${aria(o)}
    >
${o.value}</textarea>`,
  );
}

export function select(
  v: View,
  o: FieldOpts & { value: string; options: { value: string; label: string }[]; name?: string },
): Html {
  return fieldShell(
    v,
    o,
    html`<select id="${o.id}" name="${o.name ?? o.id}" ${aria(o)}>
      ${o.options.map((op) => html`<option value="${op.value}" ${op.value === o.value ? html`selected` : ''}>${op.label}</option>`)}
    </select>`,
  );
}

/** A group of radios or checkboxes with a legend; the error sits under the legend. */
export function choiceGroup(
  v: View,
  o: FieldOpts & {
    type: 'radio' | 'checkbox';
    name: string;
    values: string[];
    options: { value: string; label: string }[];
    columns?: boolean;
  },
): Html {
  const error = o.errors.get(o.id);
  return html`<fieldset
    class="form-field choice-group ${error ? 'has-error' : ''}"
    id="${o.id}"
    tabindex="-1"
    ${error ? html`aria-describedby="${o.id}-error"` : ''}
  >
    <legend>${o.label}${o.required ? html` <span class="req">${v.t('form.required')}</span>` : ''}</legend>
    ${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}
    ${error ? html`<p class="field-error" id="${o.id}-error"><span class="visually-hidden">${v.t('form.errorPrefix')}</span>${error}</p>` : ''}
    <div class="choices ${o.columns ? 'columns' : ''}">
      ${o.options.map(
        (op, i) =>
          html`<div class="choice">
            <input
              type="${o.type}"
              id="${o.id}-${i}"
              name="${o.name}"
              value="${op.value}"
              ${o.values.includes(op.value) ? html`checked` : ''}
            />
            <label for="${o.id}-${i}">${op.label}</label>
          </div>`,
      )}
    </div>
  </fieldset>`;
}

function fieldRows(v: View, f: FormValues, errors: ErrorMap, extraRows: number): Html {
  const { t } = v;
  const rows = [
    ...f.fields,
    ...Array.from({ length: BLANK_ROWS + extraRows }, () => ({
      name: '',
      title: '',
      type: '',
      unit: '',
      description: '',
      personal: '',
    })),
  ];
  const cell = (i: number, part: 'name' | 'title' | 'unit' | 'description', value: string, max: number) => {
    const id = `fields-${i}-${part}`;
    const error = errors.get(id);
    return html`<td class="${error ? 'has-error' : ''}">
      <label class="visually-hidden" for="${id}"
        >${t('form.fieldRow', { n: i + 1, part: t(`field.${part}`) })}</label
      >
      ${error ? html`<p class="field-error" id="${id}-error">${error}</p>` : ''}
      <input
        id="${id}"
        name="fields[${i}][${part}]"
        value="${value}"
        maxlength="${max}"
        ${error ? html`aria-invalid="true" aria-describedby="${id}-error"` : ''}
      />
    </td>`;
  };
  return html`<div class="form-field" id="fields" tabindex="-1">
    <p class="hint">${t('form.fieldsHint')}</p>
    ${errors.get('fields') ? html`<p class="field-error">${errors.get('fields')}</p>` : ''}
    <div class="table-scroll">
      <table class="data-table form-table">
        <thead>
          <tr>
            <th scope="col">${t('field.name')}</th>
            <th scope="col">${t('field.title')}</th>
            <th scope="col">${t('field.type')}</th>
            <th scope="col">${t('field.unit')}</th>
            <th scope="col">${t('field.description')}</th>
            <th scope="col">${t('field.personal')}</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r, i) =>
              html`<tr>
                ${cell(i, 'name', r.name, 100)} ${cell(i, 'title', r.title, 200)}
                <td>
                  <label class="visually-hidden" for="fields-${i}-type"
                    >${t('form.fieldRow', { n: i + 1, part: t('field.type') })}</label
                  >
                  <select id="fields-${i}-type" name="fields[${i}][type]">
                    <option value="">—</option>
                    ${FIELD_TYPES.map((ft) => html`<option value="${ft}" ${r.type === ft ? html`selected` : ''}>${t(`fieldType.${ft}`)}</option>`)}
                  </select>
                </td>
                ${cell(i, 'unit', r.unit, 50)} ${cell(i, 'description', r.description, 1000)}
                <td class="center">
                  <input
                    type="checkbox"
                    id="fields-${i}-personal"
                    name="fields[${i}][personal]"
                    value="1"
                    ${r.personal ? html`checked` : ''}
                  />
                  <label class="visually-hidden" for="fields-${i}-personal"
                    >${t('form.fieldRow', { n: i + 1, part: t('field.personal') })}</label
                  >
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p>
      <button type="submit" name="_action" value="add_rows" class="button secondary" formnovalidate>
        ${t('form.addRows')}
      </button>
    </p>
    <input type="hidden" name="_extraRows" value="${extraRows}" />
  </div>`;
}

export interface DatasetFormOptions {
  values: FormValues;
  errors: ErrorMap;
  action: string;
  submitLabel: string;
  cancelHref: string;
  /** Only sysadmins choose the publisher; a department always publishes as itself. */
  organisations: Organisation[] | null;
  extraRows?: number;
}

/** Errors listed above the form, each linking to its input (the pattern screen-reader users expect). */
export function errorSummary(v: View, errors: ErrorMap): Html | '' {
  if (!errors.size) return '';
  return html`<div
    class="error-summary"
    role="alert"
    tabindex="-1"
    id="error-summary"
    aria-labelledby="error-summary-title"
  >
    <h2 id="error-summary-title">${v.t('form.errorSummary', { n: errors.size })}</h2>
    <ul>
      ${[...errors.entries()].map(([id, msg]) => html`<li><a href="#${id}">${msg}</a></li>`)}
    </ul>
  </div>`;
}

export function datasetForm(v: View, o: DatasetFormOptions): Html {
  const { t } = v;
  const f = o.values;
  const e = o.errors;
  const opts = (terms: { code: string; label: { zh: string; en: string } }[]) =>
    terms.map((term) => ({ value: term.code, label: term.label[v.lang] }));
  const section = (key: MessageKey, content: Renderable) =>
    html`<section class="form-section">
      <h2>${t(key)}</h2>
      ${content}
    </section>`;
  const formError = e.get('body');
  return html`${errorSummary(v, e)}
    <form method="post" action="${o.action}" class="dataset-form" novalidate>
      <input type="hidden" name="_csrf" value="${v.csrf}" />
      <button type="submit" class="visually-hidden" tabindex="-1" aria-hidden="true">${o.submitLabel}</button>
      ${formError ? html`<p class="field-error">${formError}</p>` : ''}
      ${section(
        'form.section.basic',
        html` ${
          o.organisations
            ? select(v, {
                id: 'orgId',
                label: t('dataset.publisher'),
                required: true,
                errors: e,
                value: f.orgId,
                options: o.organisations.map((org) => ({ value: org.id, label: org.name })),
              })
            : html`<input type="hidden" name="orgId" value="${f.orgId}" />`
        }
        ${input(v, { id: 'title', label: t('dataset.title'), required: true, errors: e, value: f.title, maxlength: 200, hint: t('form.hint.title') })}
        ${textarea(v, { id: 'description', label: t('dataset.description'), required: true, errors: e, value: f.description, rows: 5, maxlength: 10000, hint: t('form.hint.description') })}
        ${choiceGroup(v, { id: 'themes', name: 'themes', type: 'checkbox', label: t('dataset.themes'), required: true, errors: e, values: f.themes, options: opts(themes.terms), columns: true, hint: t('form.hint.themes') })}
        ${input(v, { id: 'tags', label: t('dataset.tags'), errors: e, value: f.tags, hint: t('form.hint.tags') })}`,
      )}
      ${section(
        'form.section.access',
        html` ${choiceGroup(v, { id: 'openTier', name: 'openTier', type: 'radio', label: t('dataset.openTier'), required: true, errors: e, values: [f.openTier], options: opts(openTiers.terms) })}
        ${textarea(v, { id: 'openConditions', label: t('dataset.openConditions'), errors: e, value: f.openConditions, maxlength: 5000, hint: t('form.hint.openConditions') })}
        ${textarea(v, { id: 'notOpenReason', label: t('dataset.notOpenReason'), errors: e, value: f.notOpenReason, maxlength: 5000, hint: t('form.hint.notOpenReason') })}
        ${input(v, { id: 'notOpenLegalBasis', label: t('dataset.notOpenLegalBasis'), errors: e, value: f.notOpenLegalBasis, maxlength: 2000, hint: t('form.hint.legalBasis') })}
        ${choiceGroup(v, { id: 'shareTier', name: 'shareTier', type: 'radio', label: t('dataset.shareTier'), required: true, errors: e, values: [f.shareTier], options: opts(shareTiers.terms) })}
        ${textarea(v, { id: 'shareConditions', label: t('dataset.shareConditions'), errors: e, value: f.shareConditions, maxlength: 5000 })}
        ${textarea(v, { id: 'notSharedReason', label: t('dataset.notSharedReason'), errors: e, value: f.notSharedReason, maxlength: 5000, hint: t('form.hint.notSharedReason') })}
        ${input(v, { id: 'notSharedLegalBasis', label: t('dataset.notSharedLegalBasis'), errors: e, value: f.notSharedLegalBasis, maxlength: 2000, hint: t('form.hint.legalBasis') })}
        ${input(v, { id: 'shareMethod', label: t('dataset.shareMethod'), errors: e, value: f.shareMethod, maxlength: 200, hint: t('form.hint.shareMethod') })}`,
      )}
      ${section(
        'form.section.update',
        html` ${input(v, {
            id: 'updateFrequency',
            label: t('dataset.updateFrequency'),
            required: true,
            errors: e,
            value: f.updateFrequency,
            maxlength: 100,
            hint: t('form.hint.updateFrequency'),
            extra: html` list="frequency-options"`,
          })}
          <datalist id="frequency-options">
            ${updateFrequencies.terms.map((term) => html`<option value="${term.label[v.lang]}"></option>`)}
          </datalist>
          ${select(v, { id: 'license', label: t('dataset.license'), errors: e, value: f.license, options: [{ value: '', label: t('form.noLicence') }, ...opts(licences.terms)] })}
          ${input(v, { id: 'version', label: t('dataset.version'), errors: e, value: f.version, maxlength: 50 })}`,
      )}
      ${section(
        'form.section.coverage',
        html` ${input(v, { id: 'spatial', label: t('dataset.spatial'), errors: e, value: f.spatial, maxlength: 6, hint: t('form.hint.spatial'), extra: html` inputmode="numeric"` })}
          <div class="form-row">
            ${input(v, { id: 'temporalStart', label: t('form.temporalStart'), errors: e, value: f.temporalStart, type: 'date' })}
            ${input(v, { id: 'temporalEnd', label: t('form.temporalEnd'), errors: e, value: f.temporalEnd, type: 'date' })}
          </div>
          ${select(v, { id: 'language', label: t('dataset.language'), errors: e, value: f.language, options: ['zh', 'en', 'bo', 'ug', 'mn'].map((c) => ({ value: c, label: t(`language.${c}` as MessageKey) })) })}`,
      )}
      ${section(
        'form.section.source',
        html` ${input(v, { id: 'source', label: t('dataset.source'), errors: e, value: f.source, maxlength: 1000 })}
          ${textarea(v, { id: 'scenario', label: t('dataset.scenario'), errors: e, value: f.scenario, maxlength: 2000, hint: t('form.hint.scenario') })}
          ${input(v, { id: 'relations', label: t('dataset.relations'), errors: e, value: f.relations, hint: t('form.hint.relations') })}
          <div class="form-row">
            ${input(v, { id: 'contactName', label: t('contact.name'), errors: e, value: f.contactName, maxlength: 100 })}
            ${input(v, { id: 'contactPhone', label: t('contact.phone'), errors: e, value: f.contactPhone, maxlength: 50, type: 'tel' })}
            ${input(v, { id: 'contactEmail', label: t('contact.email'), errors: e, value: f.contactEmail, maxlength: 200, type: 'email' })}
          </div>`,
      )}
      ${section('form.section.fields', fieldRows(v, f, e, o.extraRows ?? 0))}
      <div class="form-actions">
        <button type="submit" class="button primary">${o.submitLabel}</button>
        <a href="${o.cancelHref}" class="button secondary">${t('form.cancel')}</a>
      </div>
    </form>`;
}

/** How many extra blank rows were asked for with "add rows" (bounded, so the page stays small). */
export function extraRowsOf(body: FormBody): number {
  const n = Number(one(body._extraRows));
  const base = Number.isInteger(n) && n >= 0 ? Math.min(n, 50) : 0;
  return one(body._action) === 'add_rows' ? Math.min(base + 3, 50) : base;
}
