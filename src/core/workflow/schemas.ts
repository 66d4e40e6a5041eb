import { Type, type TSchema } from '@sinclair/typebox';
import { reportIntervals } from './grants.ts';

/** Shapes of what callers send to the tiered-access workflows (checked by `access`, shown in OpenAPI). */

const Text = (max: number, min = 0) => Type.String({ minLength: min, maxLength: max });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Day = Type.String({ format: 'date' });
const FieldNames = Type.Array(Text(100, 1), { maxItems: 500 });
const DatasetRef = Text(200, 1);

export const RowConditionSchema = Type.Object(
  {
    field: Text(100, 1),
    op: Type.Union([Type.Literal('eq'), Type.Literal('in')]),
    value: Type.Union([
      Text(200),
      Type.Number(),
      Type.Array(Type.Union([Text(200), Type.Number()]), { minItems: 1, maxItems: 100 }),
    ]),
  },
  { additionalProperties: false },
);

export const RequestInputSchema = Type.Object(
  {
    datasets: Type.Array(
      Type.Object(
        { id: DatasetRef, fields: Type.Optional(Nullable(FieldNames)) },
        { additionalProperties: false },
      ),
      {
        minItems: 1,
        maxItems: 20,
      },
    ),
    purpose: Text(2000, 1),
    scenario: Text(2000, 1),
    period: Type.Object({ start: Type.Optional(Nullable(Day)), end: Day }, { additionalProperties: false }),
    applicant: Type.Optional(
      Type.Object(
        {
          name: Type.Optional(Text(100, 1)),
          phone: Type.Optional(Nullable(Text(50))),
          organisation: Type.Optional(Nullable(Text(200))),
        },
        { additionalProperties: false },
      ),
    ),
    commitment: Type.Object(
      { version: Text(50, 1), accepted: Type.Literal(true) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const ApproveInputSchema = Type.Object(
  {
    /** Last day (Asia/Shanghai) the grant is valid; defaults to the end of the requested period. */
    expiresOn: Type.Optional(Day),
    reason: Type.Optional(Text(2000)),
    /** The scope per dataset; datasets left out are not granted. Omitted: every dataset, the fields asked for, all rows. */
    datasets: Type.Optional(
      Type.Array(
        Type.Object(
          {
            id: DatasetRef,
            fields: Type.Optional(Nullable(FieldNames)),
            rows: Type.Optional(Nullable(Type.Array(RowConditionSchema, { maxItems: 20 }))),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 20 },
      ),
    ),
    reportEvery: Type.Optional(Nullable(Type.Union(reportIntervals.map((r) => Type.Literal(r))))),
  },
  { additionalProperties: false },
);

export const ReasonInputSchema = Type.Object({ reason: Text(2000, 1) }, { additionalProperties: false });
export const WithdrawInputSchema = Type.Object(
  { reason: Type.Optional(Text(2000)) },
  { additionalProperties: false },
);

export const ResubmitInputSchema = Type.Object(
  {
    response: Text(2000, 1),
    purpose: Type.Optional(Text(2000, 1)),
    scenario: Type.Optional(Text(2000, 1)),
    period: Type.Optional(
      Type.Object({ start: Type.Optional(Nullable(Day)), end: Day }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const UsageReportInputSchema = Type.Object(
  { periodStart: Day, periodEnd: Day, usage: Text(5000, 1), results: Text(5000, 1) },
  { additionalProperties: false },
);

export const GrantTokenInputSchema = Type.Object({ name: Text(100, 1) }, { additionalProperties: false });
