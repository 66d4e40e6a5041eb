import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as access from '../../access/index.ts';
import * as identity from '../../identity/index.ts';
import { forbidden, validationFailed } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import type { ErrorMap } from '../dataset-form.ts';
import { calendarPage, type CalendarForm } from '../pages/calendar.ts';
import { field, fieldErrorsOf, formBody, seeOther, sendPage } from '../respond.ts';
import { viewOf } from '../view.ts';
import { query, workflowErrors } from './workflow-support.ts';

/** Which input a notice's error belongs to: the year, title and reference have their own; the days are the text. */
const inputOf = (f: string) => (['year', 'title', 'reference'].includes(f) ? f : 'text');

function requireKeeper(req: FastifyRequest) {
  const actor = identity.requireActor(req.actor);
  if (actor.role !== 'authority' && actor.role !== 'sysadmin')
    throw forbidden(
      'Only the data authority keeps the holiday calendar',
      '只有数据主管部门可以维护节假日安排',
    );
  return actor;
}

/** The data authority's holiday calendar page: the years known, the November warning, import and edit. */
export function calendarRoutes(app: FastifyInstance, ctx: Context): void {
  const show = async (
    req: FastifyRequest,
    reply: FastifyReply,
    form: CalendarForm,
    errors: ErrorMap = new Map(),
    status = 200,
  ) => {
    const q = query(req);
    const done =
      typeof q.done === 'string' && /^\d{4}$/.test(q.done)
        ? { year: Number(q.done), moved: Number(q.moved) || 0 }
        : undefined;
    const v = viewOf(ctx, req, reply);
    return sendPage(
      reply,
      calendarPage(v, { status: await access.calendarStatus(ctx), form, errors, done }),
      status,
    );
  };

  app.get('/console/calendar', async (req, reply) => {
    requireKeeper(req);
    const status = await access.calendarStatus(ctx);
    const asked = Number(query(req).year);
    const year =
      Number.isInteger(asked) && asked >= 2000 && asked <= 2100
        ? asked
        : (status.warning?.missingYear ?? status.nextYear);
    const stored = await access.calendarYear(ctx, year);
    return show(
      req,
      reply,
      stored
        ? {
            year: String(year),
            title: stored.notice.title,
            reference: stored.notice.reference ?? '',
            text: access.noticeToCsv(stored.notice),
          }
        : {
            year: String(year),
            title: `国务院办公厅关于${year}年部分节假日安排的通知`,
            reference: '',
            text: '',
          },
    );
  });

  app.post('/console/calendar', async (req, reply) => {
    const actor = requireKeeper(req);
    const b = formBody(req);
    const form: CalendarForm = {
      year: field(b, 'year').trim(),
      title: field(b, 'title').trim(),
      reference: field(b, 'reference').trim(),
      text: field(b, 'text'),
    };
    const year = /^\d{4}$/.test(form.year) ? Number(form.year) : undefined;
    try {
      const notice = access.parseNoticeText(form.text, {
        year,
        title: form.title || undefined,
        reference: form.reference || null,
      });
      if (year === undefined || (notice as { year?: unknown }).year !== year)
        throw validationFailed([
          { field: 'year', code: 'invalid', message: { zh: '请填写年度', en: 'Give the year' } },
        ]);
      const r = await access.importCalendarYear(ctx, actor, notice);
      return seeOther(reply, `/console/calendar?done=${r.year}&moved=${r.moved.length}`);
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (!fields) throw err;
      const v = viewOf(ctx, req, reply);
      return show(req, reply, form, workflowErrors(v, fields, inputOf), 400);
    }
  });
}
