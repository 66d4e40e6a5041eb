import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as access from '../../access/index.ts';
import * as identity from '../../identity/index.ts';
import { HolidayNoticeSchema, notFound, validationFailed } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';

const Year = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

/** The holiday calendar deadlines are counted with (ADR 0031): public to read, kept by the data authority. */
export const calendarRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['calendar'];
    app.get(
      '/calendar',
      {
        schema: {
          tags,
          summary: 'Years of the State Council holiday notice the calendar knows, and whether one is missing',
        },
      },
      async () => access.calendarStatus(ctx),
    );
    app.get(
      '/calendar/:year',
      { schema: { tags, summary: 'One year: its days off and make-up days, as a notice', params: Year } },
      async (req) => {
        const y = await access.calendarYear(ctx, (req.params as { year: number }).year);
        if (!y) throw notFound('Calendar year', '节假日年度');
        return y;
      },
    );
    app.put(
      '/calendar/:year',
      {
        schema: {
          tags,
          summary:
            'Import or replace a year (data authority): open deadlines are recomputed and those affected told',
          params: Year,
          body: HolidayNoticeSchema,
          security: [{ bearer: [] }],
        },
      },
      async (req) => {
        const year = (req.params as { year: number }).year;
        const body = req.body as { year?: unknown };
        if (body && typeof body === 'object' && body.year !== year)
          throw validationFailed([
            {
              field: 'year',
              code: 'mismatch',
              message: {
                zh: `年份与地址中的 ${year} 不一致`,
                en: `The year differs from ${year} in the path`,
              },
            },
          ]);
        return access.importCalendarYear(ctx, identity.requireActor(req.actor), req.body);
      },
    );
  };
