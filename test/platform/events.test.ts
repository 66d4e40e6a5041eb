import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { raise, subscribe, type Database } from '../../src/platform/index.ts';
import { freshDatabase, onEachDatabase } from '../helpers/db.ts';

onEachDatabase('domain events run inside the raising transaction', (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  before(async () => {
    ({ database, drop } = await freshDatabase(kind));
  });
  after(() => drop());

  const addOrg = (trx: Database['db'], code: string) =>
    trx
      .insertInto('organisation')
      .values({
        name: `事件测试局${code}`,
        org_code: code,
        region_code: '339900',
        admin_level: 'prefecture',
        created_at: new Date(),
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const orgExists = async (code: string) =>
    !!(await database.db
      .selectFrom('organisation')
      .select('id')
      .where('org_code', '=', code)
      .executeTakeFirst());

  test('a subscriber sees the uncommitted change and its writes commit with it', async () => {
    const seen: boolean[] = [];
    const off = subscribe('datasetChanged', async (trx, e) => {
      seen.push(
        !!(await trx
          .selectFrom('organisation')
          .select('id')
          .where('id', '=', e.datasetId)
          .executeTakeFirst()),
      );
    });
    try {
      await database.db.transaction().execute(async (trx) => {
        const { id } = await addOrg(trx, '11339900MB000E001X');
        await raise(trx, 'datasetChanged', { datasetId: id, at: new Date() });
      });
    } finally {
      off();
    }
    assert.deepEqual(seen, [true]);
    assert.ok(await orgExists('11339900MB000E001X'));
  });

  test('a subscriber that fails rolls the change back; an unsubscribed one no longer runs', async () => {
    const off = subscribe('datasetChanged', async () => {
      throw new Error('subscriber failed');
    });
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        const { id } = await addOrg(trx, '11339900MB000E002X');
        await raise(trx, 'datasetChanged', { datasetId: id, at: new Date() });
      }),
      /subscriber failed/,
    );
    assert.equal(await orgExists('11339900MB000E002X'), false);
    off();
    await database.db.transaction().execute(async (trx) => {
      const { id } = await addOrg(trx, '11339900MB000E003X');
      await raise(trx, 'datasetChanged', { datasetId: id, at: new Date() });
    });
    assert.ok(await orgExists('11339900MB000E003X'));
  });
});
