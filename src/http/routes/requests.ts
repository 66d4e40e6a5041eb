import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as access from '../../access/index.ts';
import {
  ApproveInputSchema,
  ReasonInputSchema,
  RequestInputSchema,
  ResubmitInputSchema,
  WithdrawInputSchema,
  requestStatuses,
  type Actor,
} from '../../core/index.ts';
import { created, Id, idOf, Paging, security } from './support.ts';

export const RequestListQuery = Type.Object({
  box: Type.Optional(Type.Union(['mine', 'inbox', 'all'].map((b) => Type.Literal(b)))),
  status: Type.Optional(Type.Union(requestStatuses.map((s) => Type.Literal(s)))),
  overdue: Type.Optional(Type.Boolean()),
  dataset: Type.Optional(Type.String({ format: 'uuid' })),
  ...Paging,
});
export const PrefillQuery = Type.Object({
  datasets: Type.String({
    minLength: 1,
    maxLength: 4000,
    description: 'dataset ids, resource codes or slugs, comma-separated (at most 20)',
  }),
});
export const refsOf = (q: unknown) =>
  [
    ...new Set(
      (q as { datasets: string }).datasets
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].slice(0, 20);

/** The body schema each decision takes (for OpenAPI; the domain checks it again). */
export const decisionBodies = {
  approve: ApproveInputSchema,
  reject: ReasonInputSchema,
  return_for_info: ReasonInputSchema,
  resubmit: ResubmitInputSchema,
  withdraw: WithdrawInputSchema,
  revoke: ReasonInputSchema,
  escalate: ReasonInputSchema,
} as const;
type Decision = keyof typeof decisionBodies;

/** One kind of request (application or sharing request): its paths, words and domain calls. */
export interface RequestKindRoutes<A extends Decision> {
  path: string;
  tags: string[];
  summaries: { prefill: string; submit: string; list: string };
  prefill: (actor: Actor | null, refs: string[]) => Promise<unknown>;
  submit: (actor: Actor | null, body: unknown) => Promise<unknown>;
  list: (actor: Actor | null, filter: access.RequestFilter) => Promise<unknown>;
  get: (actor: Actor | null, id: string) => Promise<unknown>;
  /** The decisions the kind knows, in the order they are listed. */
  actions: readonly A[];
  decide: (actor: Actor | null, id: string, action: A, body: unknown) => Promise<unknown>;
}

/**
 * Applications and sharing requests run on one request engine, so their API is one set of routes:
 * the form's prefill, submission, the list, one request, and a route per decision.
 */
export function requestRoutes<A extends Decision>(app: FastifyInstance, k: RequestKindRoutes<A>): void {
  const { path, tags } = k;
  app.get(
    `${path}/prefill`,
    { schema: { tags, summary: k.summaries.prefill, querystring: PrefillQuery, security } },
    async (req) => k.prefill(req.actor, refsOf(req.query)),
  );
  app.post(
    path,
    { schema: { tags, summary: k.summaries.submit, body: RequestInputSchema, security } },
    async (req, reply) => created(reply, k.submit(req.actor, req.body)),
  );
  app.get(
    path,
    { schema: { tags, summary: k.summaries.list, querystring: RequestListQuery, security } },
    async (req) => k.list(req.actor, req.query as access.RequestFilter),
  );
  app.get(`${path}/:id`, { schema: { tags, params: Id, security } }, async (req) =>
    k.get(req.actor, idOf(req)),
  );
  for (const action of k.actions)
    app.post(
      `${path}/:id/${action}`,
      {
        schema: { tags, summary: `Decision: ${action}`, params: Id, body: decisionBodies[action], security },
      },
      async (req) => k.decide(req.actor, idOf(req), action, req.body),
    );
}
