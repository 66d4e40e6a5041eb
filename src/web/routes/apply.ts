import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import {
  DomainError,
  canApplyFor,
  notFound,
  tierSubject,
  type Dataset,
  type FieldError,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { field, fieldErrorsOf, formBody, sendPage, type FormBody } from '../respond.ts';
import { viewOf, type View } from '../view.ts';
import { hasMessage, type MessageKey } from '../i18n/index.ts';
import type { ErrorMap } from '../dataset-form.ts';
import {
  emptyRequestTerms,
  requestInputId,
  requestTermsFrom,
  requestTermsInput,
} from './workflow-support.ts';
import {
  applyDonePage,
  applyFormPage,
  applyRefusedPage,
  applySignInPage,
  type ApplyValues,
} from '../pages/apply.ts';

/** Only published conditional datasets are applied for; anything else is "not found" here, as on the dataset page. */
async function conditionalDataset(ctx: Context, req: FastifyRequest): Promise<Dataset> {
  const ref = (req.query as Record<string, unknown>).dataset;
  if (typeof ref !== 'string' || !ref || ref.length > 200) throw notFound('Dataset', '数据集');
  const d = await catalog.getDataset(ctx, null, ref);
  if (!canApplyFor(tierSubject(d))) throw notFound('Dataset', '数据集');
  return d;
}

function valuesFrom(b: FormBody): ApplyValues {
  return {
    name: field(b, 'name').trim(),
    phone: field(b, 'phone').trim(),
    organisation: field(b, 'organisation').trim(),
    ...requestTermsFrom(b),
  };
}

function applyErrors(v: View, fields: FieldError[]): ErrorMap {
  const out: ErrorMap = new Map();
  for (const e of fields) {
    const id = requestInputId(e.field);
    const key = `applyError.${id}`;
    const generic = e.code === 'invalid' || e.code === 'required';
    const message = generic && hasMessage(key) ? v.t(key as MessageKey) : e.message[v.lang];
    if (!out.has(id)) out.set(id, message);
  }
  return out;
}

export function applyRoutes(app: FastifyInstance, ctx: Context): void {
  const show = async (
    req: FastifyRequest,
    reply: FastifyReply,
    d: Dataset,
    values: ApplyValues | null,
    errors: ErrorMap,
    formError?: string,
    status = 200,
  ) => {
    const v = viewOf(ctx, req, reply);
    if (!req.actor) return sendPage(reply, applySignInPage(v, d), status === 200 ? 200 : 401);
    const prefill = await access.applicationPrefill(ctx, req.actor, [d.id]);
    const target = prefill.datasets[0];
    if (!target) throw notFound('Dataset', '数据集');
    if (target.problem)
      return sendPage(
        reply,
        applyRefusedPage(v, d, target.problem.message[v.lang]),
        status === 200 ? 200 : 403,
      );
    const initial: ApplyValues = values ?? {
      name: prefill.applicant.name,
      phone: '',
      organisation: prefill.applicant.organisation ?? '',
      ...emptyRequestTerms(),
    };
    return sendPage(reply, applyFormPage(v, d, prefill, initial, errors, formError), status);
  };

  app.get('/apply', async (req, reply) =>
    show(req, reply, await conditionalDataset(ctx, req), null, new Map()),
  );

  app.post('/apply', async (req, reply) => {
    const d = await conditionalDataset(ctx, req);
    const actor = identity.requireActor(req.actor);
    const b = formBody(req);
    const values = valuesFrom(b);
    const v = viewOf(ctx, req, reply);
    try {
      const result = await access.submitApplication(ctx, actor, {
        ...requestTermsInput(d.id, values, b),
        applicant: {
          ...(values.name && { name: values.name }),
          phone: values.phone || null,
          organisation: values.organisation || null,
        },
      });
      return sendPage(
        reply,
        applyDonePage(v, d, result.items.map((r) => r.deadline.dueAt ?? '').filter(Boolean)),
      );
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields) return show(req, reply, d, values, applyErrors(v, fields), undefined, 400);
      if (err instanceof DomainError && err.kind === 'conflict')
        return show(req, reply, d, values, new Map(), err.label[v.lang], 409);
      throw err;
    }
  });
}
