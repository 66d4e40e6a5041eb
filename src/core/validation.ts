import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FormatRegistry } from '@sinclair/typebox';
import { validationFailed } from './errors.ts';
import type { DatasetInput, FieldError, Label, UpdateFrequency } from './types.ts';
import { findTerm, licences, normaliseUpdateFrequency, themes, formats } from './vocabularies/index.ts';
import { reasonErrors } from './workflow/reasons.ts';
import { isUuid } from './identifiers.ts';

// TypeBox leaves string formats to the host; these are the ones the schemas use.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', isUuid);
if (!FormatRegistry.Has('date'))
  FormatRegistry.Set('date', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)));
if (!FormatRegistry.Has('uri'))
  FormatRegistry.Set('uri', (v) => {
    try {
      return ['http:', 'https:', 'ftp:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  });

const fieldError = (field: string, code: string, message: Label): FieldError => ({ field, code, message });

/** Dotted field name from a JSON pointer: `/fields/2/name` → `fields[2].name`. */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join('');
}

/** Every way `value` departs from `schema`, one entry per offending field. */
export function shapeErrors(schema: TSchema, value: unknown): FieldError[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      fieldError('body', 'not_an_object', {
        zh: '请求体必须是 JSON 对象',
        en: 'The body must be a JSON object',
      }),
    ];
  }
  const seen = new Map<string, FieldError>();
  for (const e of Value.Errors(schema, value)) {
    let field = fieldName(e.path) || 'body';
    let code = 'invalid';
    let zh = `字段 ${field} 不符合要求：${e.message}`;
    const en = `${field}: ${e.message}`;
    if (/Expected required property/.test(e.message)) {
      code = 'required';
      zh = `缺少必填字段 ${field}`;
    } else if (/Unexpected property/.test(e.message)) {
      code = 'unknown_field';
      zh = `未知字段 ${field}`;
    } else if (e.path === '' && /properties/.test(e.message)) {
      field = 'body';
      code = 'empty';
      zh = '请求体不能为空';
    }
    // The first error of a field is the most specific; unions would otherwise repeat it.
    if (!seen.has(field)) seen.set(field, fieldError(field, code, { zh, en }));
  }
  return [...seen.values()];
}

export function assertShape<T>(schema: TSchema, value: unknown): T {
  const errors = shapeErrors(schema, value);
  if (errors.length) throw validationFailed(errors);
  return value as T;
}

/**
 * Rules a schema cannot say: controlled vocabularies, free-text update frequency, and the
 * policy that an unopened dataset states its reason and a conditional one its conditions.
 */
export function datasetRuleErrors(input: Partial<DatasetInput>): FieldError[] {
  const errors: FieldError[] = [];
  const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
  list(input.themes).forEach((t, i) => {
    if (typeof t === 'string' && !findTerm(themes, t))
      errors.push(
        fieldError(`themes[${i}]`, 'unknown_theme', { zh: `未知主题：${t}`, en: `Unknown theme: ${t}` }),
      );
  });
  if (typeof input.updateFrequency === 'string' && !normaliseUpdateFrequency(input.updateFrequency)) {
    errors.push(
      fieldError('updateFrequency', 'unknown_update_frequency', {
        zh: `无法识别的更新周期：${input.updateFrequency}`,
        en: `Unrecognised update frequency: ${input.updateFrequency}`,
      }),
    );
  }
  if (typeof input.license === 'string' && input.license && !findTerm(licences, input.license)) {
    errors.push(
      fieldError('license', 'unknown_license', {
        zh: `未知开放授权：${input.license}`,
        en: `Unknown licence: ${input.license}`,
      }),
    );
  }
  // 不予开放 and 不予共享 say why, in substance, and on which law (issue 14).
  const refusal = (field: string, text: unknown, zh: string, en: string) => {
    if (typeof text === 'string' && text.trim())
      errors.push(...(field.endsWith('Reason') ? reasonErrors(field, text) : []));
    else errors.push(fieldError(field, 'required', { zh, en }));
  };
  if (input.openTier === 'not_open') {
    refusal(
      'notOpenReason',
      input.notOpenReason,
      '不予开放的数据须说明理由',
      'An unopened dataset must state its reason',
    );
    refusal(
      'notOpenLegalBasis',
      input.notOpenLegalBasis,
      '不予开放的数据须写明法律法规依据',
      'An unopened dataset must state its legal basis',
    );
  }
  if (input.shareTier === 'not_shared') {
    refusal(
      'notSharedReason',
      input.notSharedReason,
      '不予共享的数据须说明理由',
      'An unshared dataset must state its reason',
    );
    refusal(
      'notSharedLegalBasis',
      input.notSharedLegalBasis,
      '不予共享的数据须写明法律法规依据',
      'An unshared dataset must state its legal basis',
    );
  }
  if (
    input.openTier === 'conditional' &&
    !(typeof input.openConditions === 'string' && input.openConditions.trim())
  ) {
    errors.push(
      fieldError('openConditions', 'required', {
        zh: '有条件开放的数据须说明开放条件',
        en: 'A conditional dataset must state its conditions',
      }),
    );
  }
  const names = new Set<string>();
  list(input.fields).forEach((f, i) => {
    if (!f || typeof f.name !== 'string') return;
    if (names.has(f.name))
      errors.push(
        fieldError(`fields[${i}].name`, 'duplicate', {
          zh: `数据项重名：${f.name}`,
          en: `Duplicate field: ${f.name}`,
        }),
      );
    names.add(f.name);
  });
  const t = input.temporal;
  if (
    t &&
    typeof t === 'object' &&
    typeof t.start === 'string' &&
    typeof t.end === 'string' &&
    t.start > t.end
  ) {
    errors.push(
      fieldError('temporal', 'invalid_range', {
        zh: '时间范围的开始晚于结束',
        en: 'Temporal start is after its end',
      }),
    );
  }
  return errors;
}

export function assertDatasetRules(input: Partial<DatasetInput>): void {
  const errors = datasetRuleErrors(input);
  if (errors.length) throw validationFailed(errors);
}

export function formatErrors(format: string | undefined, field = 'format'): FieldError[] {
  if (format === undefined || findTerm(formats, format)) return [];
  return [
    fieldError(field, 'unknown_format', { zh: `未知格式：${format}`, en: `Unknown format: ${format}` }),
  ];
}

/** The vocabulary code and, when the department wrote something else, their own words. */
export function normaliseFrequency(text: string): {
  updateFrequency: UpdateFrequency;
  updateFrequencyText: string | null;
} {
  const code = normaliseUpdateFrequency(text)!;
  return { updateFrequency: code, updateFrequencyText: code === text.trim() ? null : text.trim() };
}
