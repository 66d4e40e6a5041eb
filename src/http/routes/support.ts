import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';

/** What every route module of the API declares alike: the bearer security, the `:id` parameter, paging. */
export const security = [{ bearer: [] }];
export const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};

/** The `:id` of a route whose schema checked it against `Id`. */
export const idOf = (req: FastifyRequest): string => (req.params as { id: string }).id;

/** Answers 201 with what a create call made. */
export const created = async (reply: FastifyReply, made: Promise<unknown>) =>
  reply.status(201).send(await made);
