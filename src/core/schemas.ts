import { Type, type TSchema } from '@sinclair/typebox';

/**
 * Shapes of what callers send, as JSON Schema. The same objects document the API
 * (OpenAPI) and check every write, whether it comes from the API, a web form, the CLI or the demo.
 */

const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const OpenTierSchema = Type.Union([
  Type.Literal('unconditional'),
  Type.Literal('conditional'),
  Type.Literal('not_open'),
]);
export const ShareTierSchema = Type.Union([
  Type.Literal('unconditional'),
  Type.Literal('conditional'),
  Type.Literal('not_shared'),
]);

export const DataFieldSchema = Type.Object(
  {
    name: Text(100, 1),
    title: Type.Optional(Text(200)),
    type: Type.Optional(
      Type.Union(['string', 'integer', 'number', 'boolean', 'date', 'datetime'].map((t) => Type.Literal(t))),
    ),
    unit: Type.Optional(Text(50)),
    description: Type.Optional(Text(1000)),
    personal: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ContactSchema = Type.Object(
  { name: Type.Optional(Text(100)), email: Type.Optional(Text(200)), phone: Type.Optional(Text(50)) },
  { additionalProperties: false },
);

const datasetProperties = {
  title: Text(200, 1),
  description: Text(10000, 1),
  orgId: Type.String({ format: 'uuid' }),
  themes: Type.Array(Text(64, 1), { minItems: 1, maxItems: 16 }),
  tags: Type.Optional(Type.Array(Text(50, 1), { maxItems: 50 })),
  contact: Type.Optional(ContactSchema),
  openTier: OpenTierSchema,
  openConditions: Type.Optional(Nullable(Text(5000))),
  notOpenReason: Type.Optional(Nullable(Text(5000))),
  notOpenLegalBasis: Type.Optional(Nullable(Text(2000))),
  notSharedReason: Type.Optional(Nullable(Text(5000))),
  notSharedLegalBasis: Type.Optional(Nullable(Text(2000))),
  shareTier: ShareTierSchema,
  shareConditions: Type.Optional(Nullable(Text(5000))),
  shareMethod: Type.Optional(Nullable(Text(200))),
  updateFrequency: Text(100, 1),
  license: Type.Optional(Nullable(Text(64))),
  spatial: Type.Optional(Nullable(Type.String({ pattern: '^[0-9]{6}$' }))),
  temporal: Type.Optional(
    Nullable(
      Type.Object(
        {
          start: Type.Optional(Type.String({ format: 'date' })),
          end: Type.Optional(Type.String({ format: 'date' })),
        },
        { additionalProperties: false },
      ),
    ),
  ),
  language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z]{2,4})?$' })),
  fields: Type.Optional(Type.Array(DataFieldSchema, { maxItems: 2000 })),
  scenario: Type.Optional(Nullable(Text(2000))),
  relations: Type.Optional(Type.Array(Text(100, 1), { maxItems: 100 })),
  source: Type.Optional(Nullable(Text(1000))),
  version: Type.Optional(Nullable(Text(50))),
};

export const DatasetInputSchema = Type.Object(datasetProperties, { additionalProperties: false });
export const DatasetPatchSchema = Type.Partial(Type.Object(datasetProperties), {
  additionalProperties: false,
  minProperties: 1,
});

const organisationProperties = {
  name: Text(200, 1),
  nameEn: Type.Optional(Nullable(Text(200))),
  orgCode: Type.String({ pattern: '^[0-9A-Z]{9,18}$' }),
  parentId: Type.Optional(Nullable(Type.String({ format: 'uuid' }))),
  regionCode: Type.String({ pattern: '^[0-9]{6}$' }),
  adminLevel: Type.Union(
    ['national', 'provincial', 'sub_provincial', 'prefecture', 'county'].map((t) => Type.Literal(t)),
  ),
  description: Type.Optional(Nullable(Text(5000))),
};
export const OrganisationInputSchema = Type.Object(organisationProperties, { additionalProperties: false });
export const OrganisationPatchSchema = Type.Partial(Type.Object(organisationProperties), {
  additionalProperties: false,
  minProperties: 1,
});

const distributionProperties = {
  title: Text(200, 1),
  format: Text(20, 1),
  description: Type.Optional(Nullable(Text(5000))),
  mediaType: Type.Optional(Nullable(Text(100))),
  downloadURL: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  accessURL: Type.Optional(Nullable(Type.String({ format: 'uri', maxLength: 2000 }))),
  byteSize: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  checksum: Type.Optional(Nullable(Type.String({ pattern: '^[0-9a-f]{64}$' }))),
};
export const DistributionInputSchema = Type.Object(distributionProperties, { additionalProperties: false });
export const DistributionPatchSchema = Type.Partial(Type.Object(distributionProperties), {
  additionalProperties: false,
  minProperties: 1,
});

export const Roles = ['public', 'department', 'reviewer', 'authority', 'sysadmin'] as const;
