import type { FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as access from '../../access/index.ts';
import {
  notFound,
  type AccessRequest,
  type Actor,
  type Dataset,
  type FieldError,
  type RequestKind,
  type RequestStatus,
  isUuid,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import type { ErrorMap } from '../dataset-form.ts';
import { hasMessage } from '../i18n/index.ts';
import type { View } from '../view.ts';
import { field, fieldErrorsOf, type FormBody } from '../respond.ts';
import type { FormState } from '../pages/workflow-parts.ts';
import type { SharingValues } from '../pages/console-workflows.ts';

/** A path id that cannot name anything is "not found" before any lookup. */
export function idParam(req: FastifyRequest, label: { en: string; zh: string }): string {
  const { id } = req.params as { id: string };
  if (!isUuid(id)) throw notFound(label.en, label.zh);
  return id;
}

export const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

export function pageOf(req: FastifyRequest): number {
  const n = Number(query(req).page);
  return Number.isInteger(n) && n >= 1 && n <= 100000 ? n : 1;
}

/** `?done=<step>` after a redirect becomes the page's confirmation, when there is a message for it. */
export function flashOf(v: View, req: FastifyRequest): string | undefined {
  const done = query(req).done;
  const key = `wf.flash.${String(done)}`;
  return typeof done === 'string' && hasMessage(key) ? v.t(key) : undefined;
}

/** Datasets by id with their declared fields; one that can no longer be read (withdrawn since) is null. */
export async function datasetsOf(ctx: Context, actor: Actor, ids: string[]): Promise<(Dataset | null)[]> {
  return Promise.all(ids.map((id) => catalog.getDataset(ctx, actor, id).catch(() => null)));
}

/**
 * The access module's field errors keyed by the input they are about, worded for a person: this
 * catalogue's message for the input when the error is a generic one (missing, malformed), else
 * the access module's own specific message.
 */
export function workflowErrors(v: View, fields: FieldError[], idOf: (field: string) => string): ErrorMap {
  const out: ErrorMap = new Map();
  for (const e of fields) {
    const id = idOf(e.field);
    const key = `wf.error.${id.replace(/^[a-z_]+-(ds-\d+-)?/, '')}`;
    const generic = e.code === 'invalid' || e.code === 'required';
    const message = generic && hasMessage(key) ? v.t(key) : e.message[v.lang];
    if (!out.has(id)) out.set(id, message);
  }
  return out;
}

/** Which input of a request's step form an error names (`datasets[1].rows[0].value` → approve-ds-1-rowValues). */
export function stepInputId(action: string, field: string): string {
  const m = /^datasets\[(\d+)\]\.(\w+)(?:\[\d+\](?:\.(\w+))?)?/.exec(field);
  if (m) {
    if (m[2] === 'rows') return `approve-ds-${m[1]}-${m[3] === 'value' ? 'rowValues' : 'rowField'}`;
    return `approve-ds-${m[1]}-fields`;
  }
  if (field === 'expiresOn' || (action === 'approve' && field.startsWith('period')))
    return 'approve-expiresOn';
  if (field.startsWith('period')) return `${action}-periodEnd`;
  if (field === 'body' || field === 'datasets') return `${action}-form`;
  return `${action}-${field.replace(/[.[].*$/, '')}`;
}

const listOf = (kind: RequestKind) =>
  kind === 'application' ? access.listApplications : access.listSharingRequests;

/**
 * Requests still waiting for an answer, the most urgent first: running clocks by due time
 * (overdue ones therefore at the top), then paused ones. The access module lists by submission,
 * so each waiting status is fetched (up to 100 each) and merged here.
 */
export async function pendingRequests(
  ctx: Context,
  actor: Actor,
  kind: RequestKind,
  box: access.RequestFilter['box'],
  statuses: RequestStatus[],
): Promise<{ items: AccessRequest[]; total: number }> {
  const pages = await Promise.all(
    statuses.map((status) => listOf(kind)(ctx, actor, { box, status, pageSize: 100 })),
  );
  const items = pages.flatMap((p) => p.items);
  const due = (r: AccessRequest) =>
    r.deadline.dueAt ? Date.parse(r.deadline.dueAt) : Number.POSITIVE_INFINITY;
  items.sort((a, b) => due(a) - due(b) || a.deadline.submittedAt.localeCompare(b.deadline.submittedAt));
  return { items, total: pages.reduce((n, p) => n + p.total, 0) };
}

export { listOf };

/** What an application and a sharing request both ask for, as the form posted it. */
/**
 * A workflow form the domain refused field by field, as the state to show it again with: what was
 * sent and each error at its input. Any other failure is thrown on; the view is made only when needed.
 */
export function refusedForm(
  view: () => View,
  err: unknown,
  action: string,
  values: FormBody,
  inputOf: (field: string) => string,
): FormState {
  const fields = fieldErrorsOf(err);
  if (!fields) throw err;
  return { action, values, errors: workflowErrors(view(), fields, inputOf) };
}

/** The terms of a request form not yet filled in. */
export const emptyRequestTerms = (): SharingValues => ({
  purpose: '',
  scenario: '',
  periodStart: '',
  periodEnd: '',
  fields: [],
  accepted: false,
});

export function requestTermsFrom(b: FormBody): SharingValues {
  const fields = b.fields;
  return {
    purpose: field(b, 'purpose').trim(),
    scenario: field(b, 'scenario').trim(),
    periodStart: field(b, 'periodStart').trim(),
    periodEnd: field(b, 'periodEnd').trim(),
    fields: (Array.isArray(fields) ? fields : fields ? [fields] : []).slice(0, 500),
    accepted: field(b, 'accepted') === '1',
  };
}

/** The access module's field names (`period.end`, `commitment.accepted`, `datasets[0].fields[2]`) as the request forms' inputs. */
export function requestInputId(f: string): string {
  if (f.startsWith('period.start')) return 'periodStart';
  if (f.startsWith('period')) return 'periodEnd';
  if (f.startsWith('commitment')) return 'accepted';
  if (f.startsWith('applicant.')) return f.slice('applicant.'.length);
  if (/^datasets\[\d+\]\.fields/.test(f)) return 'fields';
  return f.replace(/[.[].*$/, '');
}

/** The terms as the access module takes them, for the one dataset the form is about. */
export function requestTermsInput(datasetId: string, values: SharingValues, b: FormBody) {
  return {
    datasets: [{ id: datasetId, fields: values.fields.length ? values.fields : null }],
    purpose: values.purpose,
    scenario: values.scenario,
    period: { start: values.periodStart || null, end: values.periodEnd },
    // An unticked box is sent as what it is, so the access module names the missing acceptance.
    commitment: { version: field(b, 'commitmentVersion'), accepted: values.accepted },
  };
}
