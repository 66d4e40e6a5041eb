import type { FastifyInstance } from 'fastify';
import type { Context } from '../platform/index.ts';
import { portalWorkflowRoutes } from './routes/portal-workflows.ts';
import { requestPageRoutes } from './routes/request-pages.ts';
import { grantPageRoutes } from './routes/grant-pages.ts';
import { consoleWorkflowRoutes } from './routes/console-workflows.ts';

/**
 * Pages of tiered opening and sharing (issue 6): the applicant's applications, grants and
 * notices in the portal; the department's inbox, decisions, grants and sharing in the console;
 * the data authority's overdue items and escalations. Rules live in `access`; these only ask it.
 */
export function workflowRoutes(app: FastifyInstance, ctx: Context): void {
  portalWorkflowRoutes(app, ctx);
  requestPageRoutes(app, ctx);
  grantPageRoutes(app, ctx);
  consoleWorkflowRoutes(app, ctx);
}

export { unreadBadge } from './routes/portal-workflows.ts';
