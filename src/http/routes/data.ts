import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import multipart from '@fastify/multipart';
import { Type, type TSchema } from '@sinclair/typebox';
import * as data from '../../data/index.ts';
import { dataReader } from '../../access/index.ts';
import { assertShape, validationFailed, valueHazards } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { GRANT_READS } from '../auth.ts';
import { Id, idOf, security } from './support.ts';

const Version = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000000 }));
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));

const RowsQuery = Type.Object({
  version: Version,
  fields: Text(20000),
  filters: Text(20000),
  q: Text(200),
  sort: Text(2000),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: data.MAX_OFFSET })),
  cursor: Text(10000),
});
const AggregateQuery = Type.Object({
  version: Version,
  groupBy: Text(2000),
  metrics: Text(2000),
  filters: Text(20000),
  q: Text(200),
  sort: Text(2000),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
});
const DownloadQuery = Type.Object({
  format: Type.Optional(Type.Union(data.DOWNLOAD_FORMATS.map((f) => Type.Literal(f)))),
  version: Version,
});
const UploadQuery = Type.Object({ sheet: Text(100), encoding: Text(40) });
const QueryBody = Type.Object(
  { sql: Type.String({ maxLength: 20000 }), limit: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);

/** RFC 6266/5987: an ASCII name for old clients, the real (Chinese) name for everyone else. */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Data may be conditional: it is never kept by shared caches. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'private, no-store');

/** Thin: parse, call the data module, shape the reply. Access rules live in `data` and `access`. */
export const dataRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    // Scoped to these routes: multipart bodies are streamed to the blob store, never buffered.
    await app.register(multipart, {
      limits: { files: 1, fields: 10, fieldSize: 1000, parts: 12, headerPairs: 100 },
    });
    const tags = ['data'];

    app.post(
      '/distributions/:id/upload',
      {
        schema: {
          tags,
          summary: 'Upload a new version of the data: multipart `file`, or JSON {"url": …} to fetch',
          params: Id,
          querystring: UploadQuery,
          security,
        },
      },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const query = req.query as data.UploadOptions;
        let accepted: data.UploadAccepted;
        if (req.isMultipart()) {
          await data.uploadTarget(ctx, req.actor, id);
          const max = ctx.config.data.uploadMaxBytes;
          // A declared length past the limit is refused before a byte is read.
          if (Number(req.headers['content-length'] ?? 0) > max + 64 * 1024) {
            reply.header('connection', 'close');
            throw data.tooLarge(max);
          }
          let part;
          try {
            part = await req.file({ limits: { fileSize: max + 1 } });
          } catch (err) {
            if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw data.tooLarge(max);
            throw err;
          }
          if (!part)
            throw validationFailed([
              {
                field: 'file',
                code: 'required',
                message: { zh: '请选择要上传的文件', en: 'A file part named "file" is required' },
              },
            ]);
          const field = (name: string) => {
            const f = part.fields[name] as { value?: unknown } | undefined;
            return typeof f?.value === 'string' ? f.value : undefined;
          };
          const options = {
            sheet: query.sheet ?? field('sheet'),
            encoding: query.encoding ?? field('encoding'),
          };
          // A streamed body passes the edge hook unseen: its names get the same text rules here.
          const hazards = valueHazards({ filename: part.filename, ...options }, '', { line: true });
          if (hazards.length) {
            part.file.resume();
            throw validationFailed(hazards);
          }
          try {
            accepted = await data.uploadFile(
              ctx,
              req.actor,
              id,
              { stream: part.file, filename: part.filename, mediaType: part.mimetype },
              options,
            );
          } catch (err) {
            // The rest of an oversized body is not worth reading: answer and close.
            if ((err as { code?: string }).code === 'payload_too_large') reply.header('connection', 'close');
            part.file.resume();
            throw err;
          }
        } else accepted = await data.uploadFromUrl(ctx, req.actor, id, { ...query, ...(req.body as object) });
        return reply.status(202).send({
          ...accepted,
          links: { job: `/api/v1/jobs/${accepted.job.id}`, versions: `/api/v1/distributions/${id}/versions` },
        });
      },
    );

    app.get(
      '/jobs/:id',
      {
        schema: { tags, summary: 'A background job: state, progress and final report', params: Id, security },
      },
      async (req) => data.getJobFor(ctx, req.actor, idOf(req)),
    );

    app.get(
      '/distributions/:id/versions',
      { config: GRANT_READS, schema: { tags, summary: 'Versions of the data, newest first', params: Id } },
      async (req, reply) => {
        noStore(reply);
        const list = await data.listDataVersions(ctx, dataReader(req.actor), idOf(req));
        return { ...list, total: list.items.length, page: 1, pageSize: list.items.length };
      },
    );
    app.get(
      '/distributions/:id/versions/:number',
      {
        config: GRANT_READS,
        schema: {
          tags,
          summary: 'One version, with its ingest report',
          params: Type.Object({
            id: Type.String({ format: 'uuid' }),
            number: Type.Integer({ minimum: 1, maximum: 1000000 }),
          }),
        },
      },
      async (req, reply) => {
        noStore(reply);
        const { id, number } = req.params as { id: string; number: number };
        return data.getDataVersion(ctx, dataReader(req.actor), id, number);
      },
    );

    /** A read of one distribution's data: open to grant tokens, never cached, as the data gate lets the caller read. */
    const dataRead = <Q>(
      what: string,
      summary: string,
      querystring: TSchema,
      read: (reader: ReturnType<typeof dataReader>, id: string, q: Q) => Promise<unknown>,
    ) =>
      app.get(
        `/distributions/:id/${what}`,
        { config: GRANT_READS, schema: { tags, summary, params: Id, querystring } },
        async (req, reply) => {
          noStore(reply);
          return read(dataReader(req.actor), idOf(req), req.query as Q);
        },
      );
    dataRead<data.RowsQuery>(
      'rows',
      'Rows: filters (JSON), q (text contains), sort, fields, limit/offset or cursor',
      RowsQuery,
      (reader, id, q) => data.queryRows(ctx, reader, id, q),
    );
    dataRead<data.AggregateQuery>(
      'aggregate',
      'Group by fields with count/sum/avg/min/max',
      AggregateQuery,
      (reader, id, q) => data.aggregate(ctx, reader, id, q),
    );
    dataRead<{ version?: number; limit?: number }>(
      'preview',
      'First rows and column statistics',
      Type.Object({ version: Version, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
      (reader, id, q) => data.previewDistribution(ctx, reader, id, q),
    );
    app.get(
      '/distributions/:id/download',
      {
        config: GRANT_READS,
        schema: {
          tags,
          summary: 'Download as csv, xlsx, json, xml, csvw (metadata) or the original file',
          params: Id,
          querystring: DownloadQuery,
        },
      },
      async (req, reply) => {
        const q = req.query as { format?: data.DownloadFormat; version?: number };
        const d = await data.downloadDistribution(ctx, dataReader(req.actor), idOf(req), {
          format: q.format ?? 'csv',
          version: q.version,
        });
        d.body.on('error', (err) => req.log.warn({ err }, 'download stream failed'));
        noStore(reply);
        return reply
          .header('content-type', d.contentType)
          .header('content-disposition', contentDisposition(d.filename))
          .send(d.body);
      },
    );

    app.post(
      '/query',
      {
        config: GRANT_READS,
        schema: {
          tags,
          summary: 'Read-only SQL over distributions you may read, as tables named dist_<id without dashes>',
          body: QueryBody,
        },
      },
      async (req, reply) => {
        noStore(reply);
        return data.runQuery(
          ctx,
          dataReader(req.actor),
          assertShape<{ sql: string; limit?: number }>(QueryBody, req.body),
        );
      },
    );
  };
