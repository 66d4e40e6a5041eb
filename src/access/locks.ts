import type { Kdb } from '../platform/index.ts';

/**
 * Locks a request or grant row for the rest of the transaction and answers its status as stored:
 * a decision checked against a status read earlier is refused if another one came in between.
 */
export async function lockedStatus(
  trx: Kdb,
  table: 'access_request' | 'access_grant',
  id: string,
): Promise<string> {
  const row =
    table === 'access_request'
      ? await trx
          .selectFrom('access_request')
          .select('status')
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirstOrThrow()
      : await trx
          .selectFrom('access_grant')
          .select('status')
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirstOrThrow();
  return row.status;
}
