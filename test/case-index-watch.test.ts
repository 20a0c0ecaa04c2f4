import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { createUser, type TestUser } from './helpers/fixtures.js';

/**
 * The auditor's case index (case_index) follows every change of an inbox task that it reads, and no other
 * (migration 20261214010000): the officer's completion saved before it is sent (open → completing, the
 * completer being the holder) changes nothing the index shows, and used to cost a full refresh of the case on
 * every human step (issue 19). A step re-offered to named people changes the case's units: the trigger did not
 * watch that column. The rows are written as the inbox writes them, in one case of this file's own.
 */
describe('the case index follows the inbox changes it shows, and only those', () => {
  let db: Knex;
  let holder: TestUser;
  let named: TestUser;
  const key = 9_300_000_000_000_000n + BigInt(randomInt(1, 1_000_000_000)) * 100n;
  const job1 = (key + 1n).toString();
  const job2 = (key + 2n).toString();
  const due = new Date(Date.now() + 3 * 86_400_000);

  const task = (jobKey: string, elementId: string, groups: string[]) => ({
    job_key: jobKey,
    process_instance_key: key.toString(),
    element_instance_key: (BigInt(jobKey) + 50n).toString(),
    process_definition_key: 77,
    bpmn_process_id: 'cw_watch',
    process_version: 1,
    element_id: elementId,
    name: elementId,
    assignee: null,
    candidate_groups: groups,
    candidate_users: [],
    due_date: due,
    form_key: null,
    variables: '{}',
    status: 'open',
  });

  /** The case's index row as the auditor's search reads it. */
  const indexed = async () =>
    (await db('case_index')
      .where({ process_instance_key: key.toString() })
      .first('officers', 'unit_codes', 'pending_due', 'pending_due_at', 'breached_steps'))!;

  /**
   * Runs one inbox write and tells whether the index refreshed the case: a refresh reads the case's history
   * (hist_process_instances, by its key); a write the index does not see reads nothing there.
   */
  async function write(change: (trx: Knex.Transaction) => Promise<unknown>): Promise<{ refreshed: boolean }> {
    return db.transaction(async (trx) => {
      const reads = async () =>
        Number(
          (
            await trx.raw(
              `SELECT coalesce(sum(coalesce(idx_scan, 0) + coalesce(seq_scan, 0)), 0) AS n FROM pg_stat_xact_user_tables WHERE relname = 'hist_process_instances'`,
            )
          ).rows[0].n,
        );
      const before = await reads();
      await change(trx);
      return { refreshed: (await reads()) > before };
    });
  }

  beforeAll(async () => {
    // as the owner of the tables, as the platform's writes and the history projector do it
    db = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 2 });
    holder = await createUser(db, { roles: ['officer'], unitCode: 'SNNMT-VP' });
    named = await createUser(db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' });
    await db('hist_process_instances').insert({
      process_instance_key: key.toString(),
      bpmn_process_id: 'cw_watch',
      process_definition_key: 77,
      version: 1,
      state: 'active',
      start_time: new Date(),
      partition_id: 1,
      position: 1,
    });
    await db('inbox_tasks').insert(task(job1, 'TiepNhan', ['SNNMT-VP/officer']));
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('a claim and a completion change the case; saving the completion before it is sent does not', async () => {
    expect(await indexed()).toMatchObject({ officers: [], unit_codes: ['SNNMT-VP'], pending_due: [{ e: 'TiepNhan' }] });

    // the claim: the officer appears in the case
    expect(await write((t) => t('inbox_tasks').where({ job_key: job1 }).update({ assignee: holder.username, claimed_at: new Date() }))).toEqual({
      refreshed: true,
    });
    expect((await indexed()).officers).toEqual([holder.username]);

    // the completion saved before it is sent to the engine (domain/inbox/actions.ts): still pending, the same officer
    const saved = await write((t) =>
      t('inbox_tasks')
        .where({ job_key: job1, status: 'open' })
        .update({ status: 'completing', completed_by: holder.username, result_variables: JSON.stringify({ hoSoDayDu: true }) }),
    );
    expect(saved).toEqual({ refreshed: false });
    expect(await indexed()).toMatchObject({ officers: [holder.username], pending_due: [{ e: 'TiepNhan' }] });

    // sent: the step is no longer pending
    expect(await write((t) => t('inbox_tasks').where({ job_key: job1 }).update({ status: 'completed', completed_at: new Date() }))).toEqual({
      refreshed: true,
    });
    expect(await indexed()).toMatchObject({ officers: [holder.username], pending_due: null, pending_due_at: null, breached_steps: [] });
  });

  it('another completer than the holder, and a step offered to named people, change the case', async () => {
    await db('inbox_tasks').insert(task(job2, 'ThamDinh', ['SNNMT-VP/officer']));
    expect(
      await write((t) =>
        t('inbox_tasks')
          .where({ job_key: job2 })
          .update({ candidate_users: [named.username] }),
      ),
    ).toEqual({ refreshed: true });
    expect((await indexed()).unit_codes).toEqual(['SNNMT-QLDD', 'SNNMT-VP']);

    // held by one officer, completed in another's name (a leader's completion on behalf): both are officers of the case
    await db('inbox_tasks').where({ job_key: job2 }).update({ assignee: holder.username });
    expect(await write((t) => t('inbox_tasks').where({ job_key: job2 }).update({ status: 'completing', completed_by: named.username }))).toEqual({
      refreshed: true,
    });
    expect((await indexed()).officers).toEqual([holder.username, named.username].sort());
  });
});
