import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';
import { procedureEntry, receiveAtDesk } from './helpers/onestop.js';
import { PROCESSES_DIR } from '../engine/bundled.js';
import { OWNED_VARIABLES } from '../engine/owned-variables.js';
import { startIdOf } from '../engine/outbox.js';

/**
 * "Every input is hostile": process variables are set by whoever starts an instance or completes a
 * task, so they never choose the business record a worker writes, nor the unit that started a case,
 * nor whose in-app inbox a notification lands in. Each attack is performed through the API (and,
 * for the workers' own defence, on the engine directly, as a path that escaped the API's checks
 * would), and afterwards nothing changed: the record, its events and notices, the notifications,
 * the outbox, and the engine's history (hist_process_instances / zeebe_record).
 */

const CATALOGUE = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as {
  code: string;
  agencyCode: string;
  deskUnitCode: string;
  bpmnProcessId: string;
  requiredDocuments: { code: string; copies: number; mandatory: boolean }[];
}[];

const BIRTH = 'mc-dang-ky-khai-sinh';
const NC = 'iso-hanh-dong-khac-phuc';
const LAND = 'dang-ky-bien-dong-dat-dai';

describe('process variables never bind records, owned variables and system processes at start', () => {
  let p: TestPlatform;
  let attacker: Client; // officer of the commune's justice office (XA-TANPHU-VP): works the birth registration
  let healthDesk: Client; // officer of the province's one-stop centre, where the Sở Y tế dossier is received
  let office: Client; // SNNMT-VP officer: receives nonconformities
  let finder: Client;
  let designer: Client;
  let victim: { id: string; code: string; key: string; outboxId: string };
  let nc: { id: string; key: string };

  /**
   * Instances of a process id that the attack could have started: the engine's creation records and the
   * exported instances whose variables name the attacker as starter (the server sets startedBy on every
   * start through the API) or carry the victim's record. Other files start the same processes meanwhile.
   */
  const instancesOf = async (bpmnProcessId: string) => {
    const created = await p
      .db('zeebe_record')
      .where({ value_type: 'PROCESS_INSTANCE_CREATION', intent: 'CREATED' })
      .whereRaw(`body->'value'->>'bpmnProcessId' = ?`, [bpmnProcessId])
      .where((q) =>
        q
          .whereRaw(`body->'value'->'variables'->>'startedBy' = ?`, [attacker.user.username])
          .orWhereRaw(`body->'value'->'variables'->>'dossierId' = ?`, [victim.id])
          .orWhereRaw(`body->'value'->'variables'->>'ncId' = ?`, [nc.id]),
      )
      .select(p.db.raw(`body->'value'->>'processInstanceKey' as key`));
    const history = await p
      .db('hist_process_instances as i')
      .where('i.bpmn_process_id', bpmnProcessId)
      .whereExists((q) =>
        q
          .from('hist_variables as v')
          .whereRaw('v.scope_key = i.process_instance_key')
          .where((w) =>
            w
              .where('v.name', 'startedBy')
              .whereRaw(`v.value #>> '{}' = ?`, [attacker.user.username])
              .orWhere((x) => x.where('v.name', 'dossierId').whereRaw(`v.value #>> '{}' = ?`, [victim.id]))
              .orWhere((x) => x.where('v.name', 'ncId').whereRaw(`v.value #>> '{}' = ?`, [nc.id])),
          ),
      )
      .select('i.process_instance_key');
    return {
      records: created.map((r: { key: string }) => r.key).sort(),
      history: history.map((r: { process_instance_key: string }) => String(r.process_instance_key)).sort(),
    };
  };
  const dossierState = async (id: string) => ({
    row: await p
      .db('dossiers')
      .where({ id })
      .first('status', 'status_reason', 'current_step', 'current_unit_code', 'resolved_at', 'closed_at', 'updated_at', 'process_instance_key'),
    events: await p.db('dossier_events').where({ dossier_id: id }).orderBy('id').select('id', 'type', 'status', 'note'),
    notices: await p.db('dossier_notices').where({ dossier_id: id }).orderBy('id').select('id', 'subject', 'email'),
  });
  const ncState = async (id: string) => ({
    row: await p.db('iso_nonconformities').where({ id }).first(),
    events: await p.db('iso_register_events').where({ register: 'nc', record_id: id }).orderBy('at').select('job_key', 'stage', 'process_instance_key'),
  });
  /**
   * What a start by the attacker would have written, had it been accepted: the engine command it queues
   * (created by the attacker), its case.start entries (actor: the attacker), and the notifications about
   * the victim's cases, the attacker's instances or to anyone of this file. Scoped to them: other files
   * write into the same tables meanwhile.
   */
  const attackState = async () => {
    const mine = (await p
      .db('zeebe_record')
      .where({ value_type: 'PROCESS_INSTANCE_CREATION', intent: 'CREATED' })
      .whereRaw(`body->'value'->'variables'->>'startedBy' = ?`, [attacker.user.username])
      .select(p.db.raw(`body->'value'->>'processInstanceKey' as key`))) as { key: string }[];
    const users = [attacker, healthDesk, office, finder, designer].map((c) => c.user.username);
    return {
      notifications: String(
        (
          await p
            .db('notifications')
            .where((q) =>
              q
                .whereIn('recipient', [...users, 'Lê Thị Dược', 'le.thi.duoc@example.vn'])
                .orWhereIn('process_instance_key', [victim.key, nc.key, ...mine.map((r) => r.key)]),
            )
            .max({ m: 'id' })
        )[0].m ?? 0,
      ),
      outbox: await p.db('engine_outbox').where({ created_by: attacker.user.username }).orderBy('id').pluck('id'),
      caseStarts: Number((await p.db('audit_log').where({ actor: attacker.user.username }).whereLike('action', 'case.start%').count({ n: '*' }))[0].n),
    };
  };
  const FLOW_MARKER = `vb-marker-${randomBytes(3).toString('hex')}`;
  /**
   * Instead of a fixed pause: waits until the exported history holds an instance started now (one
   * partition: exported in order), so anything a refused request could have started before it is there.
   */
  const settle = async () => {
    const m = await p.zeebe.createProcessInstance({ bpmnProcessId: FLOW_MARKER, variables: {} });
    await waitFor(
      async () =>
        p
          .db('hist_process_instances')
          .where({ process_instance_key: String(m.processInstanceKey), state: 'completed' })
          .first(),
      'the marker instance in the exported history',
      30_000,
      50,
    );
  };
  const incidentOf = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('hist_incidents').where({ process_instance_key: key, element_id: elementId, state: 'created' }).first(),
      `incident at ${elementId} of ${key}`,
      60_000,
    );

  beforeAll(async () => {
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    attacker = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU-VP' }));
    healthDesk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'TINH-TTPVHCC' }));
    office = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    finder = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    await p.zeebe.deployResource({
      name: `${FLOW_MARKER}.bpmn`,
      process: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_${FLOW_MARKER}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${FLOW_MARKER}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:endEvent id="End"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`),
    });

    // The victim: a Sở Y tế dossier (pharmacy practice certificate) received in person at the province's centre.
    const entry = CATALOGUE.find((c) => c.agencyCode === 'SYT')!;
    const received = await receiveAtDesk(p.app, healthDesk, {
      procedureCode: entry.code,
      applicant: { name: 'Lê Thị Dược', idNumber: '001190012345', email: 'le.thi.duoc@example.vn' },
      documents: entry.requiredDocuments.filter((d) => d.mandatory).map((d) => ({ code: d.code, copies: d.copies })),
    });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    const row = await p.db('dossiers').where({ code: received.body.code }).first();
    victim = {
      id: String(row.id),
      code: row.code,
      key: String(row.process_instance_key),
      outboxId: String(
        (
          await p
            .db('engine_outbox')
            .where({ dedupe_key: `dossier-accept:${row.id}` })
            .first('id')
        ).id,
      ),
    };
    // Settled: its first human step is waiting in the inbox (nothing of its own moves any more).
    await waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: victim.key, status: 'open' }).first(),
      'the Sở Y tế dossier at its first human step',
      60_000,
    );

    // A nonconformity the Office has already assigned (status analysing).
    const opened = await finder.post('/api/iso/nonconformities', {
      title: 'Hồ sơ trả chậm tại bộ phận một cửa',
      description: 'Ba hồ sơ tháng 11 trả chậm so với ngày hẹn.',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    nc = { id: String(opened.body.id), key: String(opened.body.processInstanceKey) };
    const task = await waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: nc.key, element_id: 'VanPhongTiepNhan', status: 'open' }).first(),
      'the Office step of the NC',
      60_000,
    );
    expect((await office.post(`/api/tasks/${task.job_key}/claim`)).status).toBe(200);
    const done = await office.post(`/api/tasks/${task.job_key}/complete`, {
      variables: { donViChuTri: 'SNNMT-QLDD', yKienVanPhong: 'Chuyển Phòng Quản lý đất đai' },
    });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await waitFor(async () => (await p.db('iso_nonconformities').where({ id: nc.id }).first()).status === 'analysing', 'the NC assigned');
    await waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: nc.key, element_id: 'XacDinhNguyenNhan', status: 'open' }).first(),
      'the NC at its root-cause step',
      60_000,
    );
  }, 240_000);
  afterAll(async () => p?.close());

  it('exploit 1: an officer of another unit cannot start the birth registration on a Sở Y tế dossier and refuse it', async () => {
    const before = { dossier: await dossierState(victim.id), attack: await attackState(), engine: await instancesOf(BIRTH) };

    // Through the API: with the dossier's id (an owned variable) it is 400 naming it; without, the
    // one-stop process itself may not be started outside reception (403).
    const withId = await attacker.post('/api/process-instances', {
      bpmnProcessId: BIRTH,
      variables: { dossierId: victim.id, dossierCode: victim.code, ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: 'Hồ sơ giả mạo' },
    });
    expect(withId.status).toBe(400);
    expect(withId.body.code).toBe('OWNED_VARIABLES');
    expect(withId.body.message).toContain('dossierId');
    expect(withId.body.message).toContain('dossierCode');
    expect(withId.body.message).toMatch(/^Không được đặt các biến do hệ thống quản lý/);
    const plain = await attacker.post('/api/process-instances', { bpmnProcessId: BIRTH, variables: { ketQuaThamDinh: 'khong-du-dieu-kien' } });
    expect(plain.status).toBe(403);
    expect(plain.body.code).toBe('SYSTEM_PROCESS');
    expect(plain.body.message).toMatch(/^Quy trình mc-dang-ky-khai-sinh là thủ tục một cửa: chỉ được khởi tạo khi Bộ phận một cửa tiếp nhận hồ sơ/);
    // Every catalogue procedure, whatever its id, is refused the same way.
    const other = CATALOGUE.find((c) => c.bpmnProcessId !== BIRTH)!;
    expect((await attacker.post('/api/process-instances', { bpmnProcessId: other.bpmnProcessId })).status).toBe(403);

    await settle();
    expect(await dossierState(victim.id)).toEqual(before.dossier);
    expect(await attackState()).toEqual(before.attack);
    expect(await instancesOf(BIRTH)).toEqual(before.engine);
  });

  it("exploit 1, the workers' own defence: an instance carrying the dossier's variables (and even its eisoStartId) is bound to nothing", async () => {
    const before = { dossier: await dossierState(victim.id), notifications: (await attackState()).notifications };
    // As any path that escaped the API's checks would: the engine is asked directly, with every
    // variable reception sets, the victim's outbox start id included.
    const forged = await p.zeebe.createProcessInstance({
      bpmnProcessId: BIRTH,
      variables: {
        dossierId: victim.id,
        dossierCode: victim.code,
        procedureCode: '1.001193',
        channel: 'in_person',
        applicantName: 'Lê Thị Dược',
        eisoStartId: startIdOf(victim.outboxId),
        startedBy: attacker.user.username,
        startedByUnit: 'XA-TANPHU-VP',
      },
    });
    const key = String(forged.processInstanceKey);
    try {
      // Its first service task (onestop-status) finds no dossier bound to it: an incident. Should the
      // appraisal ever reach the attacker's inbox, the attacker completes it as "not eligible".
      const outcome = await waitFor(
        async () => {
          const incident = await p.db('hist_incidents').where({ process_instance_key: key, state: 'created' }).first();
          if (incident) return { incident };
          const task = await p.db('inbox_tasks').where({ process_instance_key: key, element_id: 'ThamDinh', status: 'open' }).first();
          return task ? { task } : undefined;
        },
        'the forged instance stopping or reaching the appraisal',
        60_000,
      );
      if ('task' in outcome) {
        await attacker.post(`/api/tasks/${outcome.task.job_key}/claim`);
        await attacker.post(`/api/tasks/${outcome.task.job_key}/complete`, {
          variables: { ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: 'Hồ sơ giả mạo' },
        });
        await settle();
      }
      const incident = await incidentOf(key, 'ChuyenXuLy');
      expect(incident.error_message).toContain('không gắn với hồ sơ một cửa nào');
      expect(await p.db('hist_element_instances').where({ process_instance_key: key, element_id: 'ThamDinh' }).first()).toBeUndefined();
      await settle();
      expect(await dossierState(victim.id)).toEqual(before.dossier);
      expect((await dossierState(victim.id)).row.status).not.toBe('NOT_ELIGIBLE');
      expect((await attackState()).notifications).toBe(before.notifications);
    } finally {
      await p.zeebe.cancelProcessInstance(key).catch(() => {});
    }
  }, 120_000);

  it('exploit 2: starting the corrective-action process with an ncId does not reset the nonconformity', async () => {
    const before = { nc: await ncState(nc.id), attack: await attackState(), engine: await instancesOf(NC) };
    const withId = await attacker.post('/api/process-instances', { bpmnProcessId: NC, variables: { ncId: Number(nc.id) } });
    expect(withId.status).toBe(400);
    expect(withId.body.message).toContain('ncId');
    const plain = await attacker.post('/api/process-instances', { bpmnProcessId: NC, variables: {} });
    expect(plain.status).toBe(403);
    expect(plain.body.message).toMatch(/^Quy trình iso-hanh-dong-khac-phuc là quy trình của hệ thống quản lý chất lượng ISO/);
    // Every ISO process id, and the reserved prefix.
    for (const id of [
      'iso-kiem-soat-tai-lieu',
      'iso-de-xuat-tai-lieu',
      'iso-danh-gia-noi-bo',
      'iso-xem-xet-lanh-dao',
      'iso-xu-ly-phan-anh',
      'iso-xu-ly-rui-ro',
      'iso-khong-co',
    ]) {
      expect((await attacker.post('/api/process-instances', { bpmnProcessId: id })).status, id).toBe(403);
    }
    await settle();
    expect(await ncState(nc.id)).toEqual(before.nc);
    expect(await attackState()).toEqual(before.attack);
    expect(await instancesOf(NC)).toEqual(before.engine);

    // The worker's own defence: an instance carrying the ncId, started on the engine directly, stops
    // at its first register stage; the nonconformity keeps its status, unit and history.
    const forged = await p.zeebe.createProcessInstance({
      bpmnProcessId: NC,
      variables: { ncId: Number(nc.id), maPhieu: before.nc.row.code, tieuDe: 'x', moTa: 'x', nguonPhatSinh: 'manual' },
    });
    const key = String(forged.processInstanceKey);
    try {
      const incident = await incidentOf(key, 'GhiSoTheoDoi');
      expect(incident.error_message).toContain('không gắn với bản ghi ISO nào');
      await settle();
      expect(await ncState(nc.id)).toEqual(before.nc);
      expect(before.nc.row.status).toBe('analysing');
      expect(await p.db('iso_register_events').where({ process_instance_key: key }).first()).toBeUndefined();
    } finally {
      await p.zeebe.cancelProcessInstance(key).catch(() => {});
    }
  }, 120_000);

  it('refuses a start carrying any variable the platform owns, naming it, and starts nothing', async () => {
    const before = { attack: await attackState(), engine: await instancesOf(LAND) };
    const names = [...OWNED_VARIABLES, 'eisoBatKy', 'eiso_x'];
    for (const name of names) {
      const r = await attacker.post('/api/process-instances', {
        bpmnProcessId: LAND,
        variables: { maHoSo: 'VB-1', [name]: name === 'dossierId' ? victim.id : 'x' },
      });
      expect(r.status, name).toBe(400);
      expect(r.body.code, name).toBe('OWNED_VARIABLES');
      expect(r.body.message, name).toContain(name);
      expect(r.body.message, name).not.toContain('maHoSo');
    }
    // Several at once: all named. With an Idempotency-Key too (nothing is queued under it).
    const many = await p.app.inject({
      method: 'POST',
      url: '/api/process-instances',
      headers: { authorization: `Bearer ${attacker.token}`, 'idempotency-key': 'vb-owned-1' },
      payload: { bpmnProcessId: LAND, variables: { startedByUnit: 'SYT', recipient: 'lanhdao', ncId: 1 } },
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().message).toContain('startedByUnit, recipient, ncId');
    expect(
      await p
        .db('engine_outbox')
        .where({ dedupe_key: `api:${attacker.user.id}:vb-owned-1` })
        .first(),
    ).toBeUndefined();
    await settle();
    expect(await attackState()).toEqual(before.attack);
    expect(await instancesOf(LAND)).toEqual(before.engine);
  });

  it("startedBy / startedByUnit of a case are the caller's, set by the server", async () => {
    const r = await attacker.post('/api/process-instances', { bpmnProcessId: LAND, variables: { maHoSo: 'VB-UNIT' } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const key = r.body.processInstanceKey as string;
    const vars = await waitFor(async () => {
      const rows = await p.db('hist_variables').where({ scope_key: key }).whereIn('name', ['startedBy', 'startedByUnit']).select('name', 'value');
      return rows.length === 2 ? Object.fromEntries(rows.map((x: any) => [x.name, x.value])) : undefined;
    }, 'the starter variables in history');
    expect(vars).toEqual({ startedBy: attacker.user.username, startedByUnit: 'XA-TANPHU-VP' });
    await p.zeebe.cancelProcessInstance(key).catch(() => {});
  });

  it("notify-citizen: nguoiNop cannot address another staff member's inbox; a citizen's name or the starter is fine", async () => {
    const tag = randomBytes(3).toString('hex');
    const id = `vb-thong-bao-${tag}`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${tag}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${id}" name="Thông báo thử" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sendTask id="ThongBao" name="Thông báo cho công dân">
      <bpmn:extensionElements><zeebe:taskDefinition type="notify-citizen" /><zeebe:taskHeaders><zeebe:header key="eiso.subject" value="Hồ sơ {{maHoSo}}" /><zeebe:header key="eiso.message" value="Kính gửi {{nguoiNop}}" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:sendTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="ThongBao" />
    <bpmn:sequenceFlow id="F2" sourceRef="ThongBao" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const dep = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    const start = async (nguoiNop: string) => {
      const r = await attacker.post('/api/process-instances', { bpmnProcessId: id, variables: { maHoSo: `TB-${tag}`, nguoiNop } });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body.processInstanceKey as string;
    };
    // The attack: the leader's username as the applicant. Refused (incident), nothing in the leader's inbox.
    const leader = await createUser(p.db, { roles: ['leader'], unitCode: 'SYT' });
    const before = await p.db('notifications').where({ recipient: leader.username }).count({ n: '*' });
    const attack = await start(leader.username);
    const incident = await incidentOf(attack, 'ThongBao');
    expect(incident.error_message).toContain(`Người nhận "${leader.username}" là tài khoản cán bộ`);
    expect(await p.db('notifications').where({ recipient: leader.username }).count({ n: '*' })).toEqual(before);
    expect(await p.db('notifications').where({ process_instance_key: attack }).first()).toBeUndefined();
    await p.zeebe.cancelProcessInstance(attack).catch(() => {});
    // A citizen's name (no account) and the starter's own username are written as before.
    const citizen = await start('Nguyễn Văn An');
    expect(await waitFor(async () => p.db('notifications').where({ process_instance_key: citizen }).first(), 'the citizen notification', 30_000)).toMatchObject(
      { recipient: 'Nguyễn Văn An', subject: `Hồ sơ TB-${tag}` },
    );
    const self = await start(attacker.user.username);
    expect(await waitFor(async () => p.db('notifications').where({ process_instance_key: self }).first(), 'the starter notification', 30_000)).toMatchObject({
      recipient: attacker.user.username,
    });
  }, 120_000);

  it('a called instance (call activity) works on the dossier of its root instance, and an unbound root gives it none', async () => {
    const tag = randomBytes(3).toString('hex');
    const child = `vb-con-${tag}`;
    const parent = `vb-cha-${tag}`;
    const childXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_c${tag}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${child}" name="Xử lý con" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="DangXuLy" name="Đang xử lý">
      <bpmn:extensionElements><zeebe:taskDefinition type="onestop-status" /><zeebe:taskHeaders><zeebe:header key="onestop.status" value="IN_PROCESSING" /><zeebe:header key="onestop.step" value="Xử lý tại quy trình con" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:userTask id="XuLy" name="Xử lý hồ sơ">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="SNNMT-QLDD/officer" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="DangXuLy" />
    <bpmn:sequenceFlow id="F2" sourceRef="DangXuLy" targetRef="XuLy" />
    <bpmn:sequenceFlow id="F3" sourceRef="XuLy" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const parentXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_p${tag}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${parent}" name="Thủ tục có quy trình con" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:callActivity id="GoiCon" name="Quy trình con">
      <bpmn:extensionElements><zeebe:calledElement processId="${child}" propagateAllChildVariables="false" /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="GoiCon" />
    <bpmn:sequenceFlow id="F2" sourceRef="GoiCon" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
    const depChild = await designer.post('/api/process-definitions', { resourceName: `${child}.bpmn`, xml: childXml });
    expect(depChild.status, JSON.stringify(depChild.body)).toBe(201);
    const depParent = await designer.post('/api/process-definitions', { resourceName: `${parent}.bpmn`, xml: parentXml });
    expect(depParent.status, JSON.stringify(depParent.body)).toBe(201);
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const entry = procedureEntry({ bpmnProcessId: parent });
    expect((await admin.post('/api/onestop/procedures/import', [entry])).status).toBe(200);

    // Received at the desk: the parent instance is bound to the dossier, and the child's step moves it.
    const received = await receiveAtDesk(p.app, office, {
      procedureCode: entry.code,
      applicant: { name: 'Phạm Văn Con' },
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ],
    });
    expect(received.status, JSON.stringify(received.body)).toBe(201);
    const own = await p.db('dossiers').where({ code: received.body.code }).first();
    const moved = await waitFor(
      async () => {
        const d = await p.db('dossiers').where({ id: own.id }).first();
        return d.status === 'IN_PROCESSING' ? d : undefined;
      },
      'the dossier moved by the called instance',
      60_000,
    );
    expect(moved.current_step).toBe('Xử lý tại quy trình con');
    const childKey = String(
      (await p.db('hist_process_instances').where({ parent_process_instance_key: own.process_instance_key }).first('process_instance_key'))
        .process_instance_key,
    );
    expect(childKey).not.toBe(String(own.process_instance_key));

    // The parent (a catalogue procedure) cannot be started through the API; started on the engine with
    // the victim's variables, its called instance finds no dossier: an incident, the victim unchanged.
    expect((await attacker.post('/api/process-instances', { bpmnProcessId: parent })).status).toBe(403);
    const before = await dossierState(victim.id);
    const forged = await p.zeebe.createProcessInstance({ bpmnProcessId: parent, variables: { dossierId: victim.id, dossierCode: victim.code } });
    const forgedKey = String(forged.processInstanceKey);
    try {
      const calledKey = await waitFor(
        async () =>
          (await p.db('hist_process_instances').where({ parent_process_instance_key: forgedKey }).first('process_instance_key'))?.process_instance_key,
        'the called instance',
        30_000,
      );
      const incident = await incidentOf(String(calledKey), 'DangXuLy');
      expect(incident.error_message).toContain('không gắn với hồ sơ một cửa nào');
      await settle();
      expect(await dossierState(victim.id)).toEqual(before);
    } finally {
      await p.zeebe.cancelProcessInstance(forgedKey).catch(() => {});
      await p.zeebe.cancelProcessInstance(String(own.process_instance_key)).catch(() => {});
    }
  }, 180_000);
});
