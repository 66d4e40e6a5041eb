import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import {
  notFound,
  type AccessRequest,
  type Actor,
  type RequestAction,
  type RequestKind,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import type { ErrorMap } from '../dataset-form.ts';
import { field, formBody, seeOther, sendPage, type FormBody } from '../respond.ts';
import { viewOf, type View } from '../view.ts';
import { requestPage, type FormState } from '../pages/request-detail.ts';
import { many, one } from '../pages/workflow-parts.ts';
import { datasetsOf, flashOf, idParam, refusedForm, stepInputId } from './workflow-support.ts';
import { negotiationOf, negotiationRoutes } from './negotiation-pages.ts';

type Step = Exclude<RequestAction, 'expire' | 'revoke'>;

/** Where a request's page lives, and which of its steps that page offers. */
interface Place {
  kind: RequestKind;
  path: string;
  grantPath: string;
  shell: 'portal' | 'console';
  steps: Step[];
}

const PLACES: Place[] = [
  // The applicant's own pages offer the applicant's steps.
  {
    kind: 'application',
    path: '/my/applications',
    grantPath: '/my/grants',
    shell: 'portal',
    steps: ['resubmit', 'withdraw'],
  },
  {
    kind: 'application',
    path: '/console/applications',
    grantPath: '/console/grants',
    shell: 'console',
    steps: ['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw'],
  },
  {
    kind: 'sharing',
    path: '/console/sharing',
    grantPath: '/console/grants',
    shell: 'console',
    steps: ['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw', 'escalate'],
  },
];

const SHARING = PLACES.find((p) => p.kind === 'sharing')!;

const LABEL = {
  application: { en: 'Application', zh: '申请' },
  sharing: { en: 'Sharing request', zh: '共享申请' },
};

export const getRequest = (ctx: Context, actor: Actor, kind: RequestKind, id: string) =>
  kind === 'application' ? access.getApplication(ctx, actor, id) : access.getSharingRequest(ctx, actor, id);

/**
 * The approval form as the access module's body: per dataset the ticked fields (null when the
 * dataset declares none) and at most one row condition — one value is `eq`, several are `in`.
 * A condition half filled in is the form's own mistake, reported here next to its input.
 */
function approvalBody(v: View, b: FormBody): { body: Record<string, unknown>; errors: ErrorMap } {
  const errors: ErrorMap = new Map();
  const datasets: Record<string, unknown>[] = [];
  for (let i = 0; i < 20 && b[`ds[${i}][id]`] !== undefined; i++) {
    const declared = one(b[`ds[${i}][declared]`]) === '1';
    const rowField = one(b[`ds[${i}][rowField]`]).trim();
    const values = one(b[`ds[${i}][rowValues]`])
      .split(/[,，、;；\n]/)
      .map((x) => x.trim())
      .filter(Boolean);
    if (rowField && !values.length) errors.set(`approve-ds-${i}-rowValues`, v.t('wf.error.rowValues'));
    if (!rowField && values.length) errors.set(`approve-ds-${i}-rowField`, v.t('wf.error.rowField'));
    datasets.push({
      id: one(b[`ds[${i}][id]`]),
      fields: declared ? many(b[`ds[${i}][fields]`]).slice(0, 500) : null,
      rows:
        rowField && values.length
          ? [
              {
                field: rowField,
                op: values.length > 1 ? 'in' : 'eq',
                value: values.length > 1 ? values : values[0],
              },
            ]
          : null,
    });
  }
  const reportEvery = one(b.reportEvery);
  const reason = one(b.reason).trim();
  return {
    body: {
      ...(datasets.length && { datasets }),
      expiresOn: one(b.expiresOn),
      reportEvery: reportEvery || null,
      ...(reason && { reason }),
    },
    errors,
  };
}

/** The body each step sends to the access module, from the form that was posted. */
async function stepBody(
  ctx: Context,
  actor: Actor,
  place: Place,
  id: string,
  step: Step,
  b: FormBody,
): Promise<unknown> {
  switch (step) {
    case 'withdraw': {
      const reason = field(b, 'reason').trim();
      return reason ? { reason } : undefined;
    }
    case 'resubmit': {
      // Only what the requester changed is sent, so the audit log says what was amended.
      const current = await getRequest(ctx, actor, place.kind, id);
      const purpose = field(b, 'purpose').trim();
      const scenario = field(b, 'scenario').trim();
      const periodEnd = field(b, 'periodEnd').trim();
      return {
        response: field(b, 'response'),
        ...(purpose && purpose !== current.purpose && { purpose }),
        ...(scenario && scenario !== current.scenario && { scenario }),
        ...(periodEnd &&
          periodEnd !== current.period.end && { period: { start: current.period.start, end: periodEnd } }),
      };
    }
    default:
      return { reason: field(b, 'reason') };
  }
}

export function requestPageRoutes(app: FastifyInstance, ctx: Context): void {
  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    place: Place,
    request: AccessRequest,
    state?: FormState,
  ) => {
    const actor = req.actor!;
    const v = viewOf(ctx, req, reply);
    const [datasets, grant, negotiation] = await Promise.all([
      datasetsOf(
        ctx,
        actor,
        request.datasets.map((d) => d.id),
      ),
      request.grantId ? access.getGrant(ctx, actor, request.grantId).catch(() => null) : null,
      request.kind === 'sharing' ? negotiationOf(ctx, actor, request, v, place.path, state) : ('' as const),
    ]);
    return sendPage(
      reply,
      requestPage(v, {
        request,
        datasets,
        grant,
        base: place.path,
        grantBase: place.grantPath,
        shell: place.shell,
        offered: place.steps,
        state,
        flash: state ? undefined : flashOf(v, req),
        negotiation,
      }),
      state ? 400 : 200,
    );
  };

  negotiationRoutes(app, ctx, (req, reply, id, state) =>
    getRequest(ctx, req.actor!, 'sharing', id).then((r) => render(req, reply, SHARING, r, state)),
  );

  for (const place of PLACES) {
    app.get(`${place.path}/:id`, async (req, reply) => {
      const actor = identity.requireActor(req.actor);
      const id = idParam(req, LABEL[place.kind]);
      // A stranger to the request gets "not found": whether it exists is not theirs to know.
      return render(req, reply, place, await getRequest(ctx, actor, place.kind, id));
    });

    app.post(`${place.path}/:id/:step`, async (req, reply) => {
      const actor = identity.requireActor(req.actor);
      const id = idParam(req, LABEL[place.kind]);
      const step = (req.params as { step: string }).step as Step;
      if (!place.steps.includes(step)) throw notFound('Page', '页面');
      const b = formBody(req);
      const v = viewOf(ctx, req, reply);
      const approval = step === 'approve' ? approvalBody(v, b) : null;
      if (approval?.errors.size)
        return render(req, reply, place, await getRequest(ctx, actor, place.kind, id), {
          action: step,
          values: b,
          errors: approval.errors,
        });
      try {
        const body = approval ? approval.body : await stepBody(ctx, actor, place, id, step, b);
        // The access module decides: a step outside the caller's part is refused (403) and audited.
        if (place.kind === 'application')
          await access.decideApplication(ctx, actor, id, step as Exclude<Step, 'escalate'>, body);
        else await access.decideSharingRequest(ctx, actor, id, step, body);
        return seeOther(reply, `${place.path}/${id}?done=${step}`);
      } catch (err) {
        const state = refusedForm(
          () => v,
          err,
          step,
          b,
          (f) => stepInputId(step, f),
        );
        return render(req, reply, place, await getRequest(ctx, actor, place.kind, id), state);
      }
    });
  }
}
