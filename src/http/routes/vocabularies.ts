import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { getVocabulary, notFound, vocabularies } from '../../core/index.ts';

export const vocabularyRoutes = (): FastifyPluginAsync => async (app) => {
  const tags = ['vocabularies'];
  app.get(
    '/vocabularies',
    { schema: { tags, summary: 'Names of the controlled vocabularies' } },
    async () => ({
      items: Object.values(vocabularies).map((v) => ({
        name: v.name,
        label: v.label,
        terms: v.terms.length,
      })),
    }),
  );
  app.get(
    '/vocabularies/:name',
    {
      schema: {
        tags,
        summary: 'One controlled vocabulary with zh/en labels and URIs',
        params: Type.Object({ name: Type.String() }),
      },
    },
    async (req) => {
      const v = getVocabulary((req.params as { name: string }).name);
      if (!v) throw notFound('Vocabulary', '词表');
      return v;
    },
  );
};
