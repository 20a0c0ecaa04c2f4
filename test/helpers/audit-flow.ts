import type { Knex } from 'knex';
import { waitFor, type Client } from './fixtures.js';

export const LAND_PROCESS = 'dang-ky-bien-dong-dat-dai';

export interface LandActors {
  reception: Client; // SNNMT-VP officer
  specialist: Client; // SNNMT-QLDD officer
  leader: Client; // SNNMT leader
}

/** The open inbox task of an element of the instance, once the inbox worker has written it. */
export async function openTask(db: Knex, processInstanceKey: string, elementId: string): Promise<string> {
  return waitFor(
    async () => {
      const row = await db('inbox_tasks').where({ process_instance_key: processInstanceKey, element_id: elementId, status: 'open' }).first('job_key');
      return row ? String(row.job_key) : undefined;
      // a CI run under load (two shards' brokers) once took longer than the default 15 s for a step to reach the inbox
    },
    `${elementId} of ${processInstanceKey} in the inbox`,
    45_000,
  );
}

async function work(db: Knex, who: Client, key: string, elementId: string, variables: Record<string, unknown>): Promise<void> {
  const id = await openTask(db, key, elementId);
  const claimed = await who.post(`/api/tasks/${id}/claim`);
  if (claimed.status !== 200) throw new Error(`claim ${elementId}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
  const done = await who.post(`/api/tasks/${id}/complete`, { variables });
  if (done.status !== 200) throw new Error(`complete ${elementId}: ${done.status} ${JSON.stringify(done.body)}`);
}

/** Starts a case of the land procedure. */
export async function startLandCase(starter: Client, variables: Record<string, unknown>): Promise<string> {
  const started = await starter.post('/api/process-instances', { bpmnProcessId: LAND_PROCESS, variables });
  if (started.status !== 201) throw new Error(`start: ${started.status} ${JSON.stringify(started.body)}`);
  return started.body.processInstanceKey as string;
}

/**
 * Drives one case of the land procedure to its end through the HTTP API: reception, appraisal,
 * approval (sent back once when `sendBack`), return of the result; waits until history says completed.
 */
export async function runLandCase(db: Knex, a: LandActors, opts: { maHoSo: string; sendBack?: boolean }): Promise<string> {
  const key = await startLandCase(a.reception, { maHoSo: opts.maHoSo });
  await work(db, a.reception, key, 'TiepNhan', { nguoiNop: 'Nguyễn Thị Hoa', soThua: '12/5', hoSoDayDu: true });
  await work(db, a.specialist, key, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
  if (opts.sendBack) {
    await work(db, a.leader, key, 'PheDuyet', { pheDuyet: 'tham-dinh-lai' });
    await work(db, a.specialist, key, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đã bổ sung' });
  }
  await work(db, a.leader, key, 'PheDuyet', { pheDuyet: 'dong-y' });
  await work(db, a.reception, key, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
  await waitFor(
    async () => (await db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
    `case ${key} completed in history`,
  );
  await waitFor(
    async () => (await db('hist_element_instances').where({ process_instance_key: key, element_id: 'KetThuc', state: 'completed' }).first()) ?? false,
    `end event of ${key} in history`,
  );
  return key;
}
