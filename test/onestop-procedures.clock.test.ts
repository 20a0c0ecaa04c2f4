import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, postWhileBusy, waitFor, whileBackPressure, type Client } from './helpers/fixtures.js';
import { caseState } from '../domain/deadlines/cases.js';
import { PROCESSES_DIR } from '../engine/bundled.js';

/**
 * The five bundled one-stop procedures (processes/mc-*.bpmn) driven on Zeebe's controlled clock, so
 * every date is known in advance: receipt, appointment (ngày hẹn trả), the supplement pause moving it,
 * the liên thông leg's due time, the result and the return. Each dossier is received the way
 * reception does it (a dossiers row, then the instance with the variables of processes/ONESTOP.md)
 * and worked by the officers of the units the model names, through the inbox API.
 *
 * Calendar (national; the units have no overrides): half-days 07:30–11:30 and 13:30–17:00, cut-off
 * 15:00; a half-day counts when it starts at or after the receipt and not inside a pause; the due
 * time is the end of the last counted half-day. March 2032 has no holiday (Tết is 11/2/2032, Giỗ Tổ
 * Hùng Vương 10/3 âm lịch is Mon 19/4/2032). The broker clock only moves forward (see
 * deadlines.clock.test.ts): this file runs after it (test/sequencer.ts) and its scenario starts in 2032.
 */

class BrokerClock {
  private furthest = 0;
  constructor(private readonly base: string) {}
  private async call(method: string, p = '', body?: unknown): Promise<{ epochMilli: number }> {
    const r = await fetch(`${this.base}/actuator/clock${p}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status !== 200) throw new Error(`clock ${method} ${p}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ epochMilli: number }>;
  }
  async pin(iso: string): Promise<void> {
    const ms = Date.parse(iso);
    if (ms < this.furthest) throw new Error(`the broker clock must not go back (${iso})`);
    const now = await this.call('GET');
    if (ms < now.epochMilli) throw new Error(`the broker clock is already at ${new Date(now.epochMilli).toISOString()}, after ${iso}`);
    this.furthest = ms;
    await this.call('POST', '/pin', { epochMilli: ms });
  }
  async leave(): Promise<void> {
    if (!this.furthest) return;
    await this.call('DELETE');
    await this.call('POST', '/add', { offsetMilli: this.furthest + 60_000 - Date.now() });
  }
}

interface CatalogueEntry {
  code: string;
  name: string;
  field: string;
  agencyCode: string;
  agencyName: string;
  deskUnitCode: string;
  agencyEid: string;
  timeLimitDays: number;
  timeLimitUnit: string;
  fees: unknown[];
  requiredDocuments: unknown[];
  result: string;
  onlineLevel: string;
  legalBasis: string;
  bpmnProcessId: string;
  processVersion: number | null;
}
const CATALOGUE: CatalogueEntry[] = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8'));
const entry = (processId: string) => CATALOGUE.find((c) => c.bpmnProcessId === processId)!;
const t = (iso: string) => new Date(iso).toISOString();

describe('one-stop procedures end to end on the controlled clock', () => {
  let p: TestPlatform;
  let clock: BrokerClock;
  const started: string[] = [];
  const users = new Map<string, Client>();

  /** One signed-in officer or leader per "<UNIT>/<role>" the models name. */
  const as = async (group: string): Promise<Client> => {
    if (!users.has(group)) {
      const [unitCode, role] = group.split('/') as [string, 'officer' | 'leader'];
      users.set(group, await login(p.app, await createUser(p.db, { roles: [role], unitCode })));
    }
    return users.get(group)!;
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    clock = new BrokerClock(inject('zeebeManagementAddress'));
    // The bundled catalogue is imported at start-up: reception reads these rows.
    for (const c of CATALOGUE) {
      const row = await p.db('onestop_procedures').where({ code: c.code }).first();
      expect(row, c.code).toMatchObject({
        bpmn_process_id: c.bpmnProcessId,
        agency_code: c.agencyCode,
        desk_unit_code: c.deskUnitCode,
        agency_eid: c.agencyEid,
      });
      expect(Number(row.time_limit_days)).toBe(c.timeLimitDays);
      expect(row.time_limit_unit, c.code).toBe(c.timeLimitUnit);
    }
  });

  afterAll(async () => {
    for (const key of started) await p?.zeebe.cancelProcessInstance(key).catch(() => {});
    await clock?.leave();
    await p?.close();
  });

  /** Reception: the dossier row with its code, then the instance with the variables of ONESTOP.md. */
  const receive = async (processId: string, receivedAt: string, applicantName: string) => {
    const c = entry(processId);
    const code = `${c.agencyEid}-${receivedAt.slice(2, 4)}${receivedAt.slice(5, 7)}${receivedAt.slice(8, 10)}-${randomBytes(3).toString('hex').toUpperCase()}`;
    const [d] = await p
      .db('dossiers')
      .insert({
        code,
        procedure_code: c.code,
        field: c.field,
        agency_code: c.agencyCode,
        desk_unit_code: c.deskUnitCode,
        channel: 'online',
        status: 'RECEIVED',
        applicant: JSON.stringify({ name: applicantName, idNumber: '001090012345', email: 'cong.dan@example.vn' }),
        lookup_token: randomBytes(32).toString('base64url'),
        submitted_at: receivedAt,
        received_at: receivedAt,
        received_by: 'motcua',
      })
      .returning(['id', 'code']);
    if (started.length) await settle(started.at(-1)!);
    await clock.pin(receivedAt);
    const desk = await as(`${c.deskUnitCode}/officer`);
    // One-stop processes start only at reception (POST /api/process-instances refuses them and the
    // variables it owns): the instance is started on the engine with reception's variables and bound to
    // the dossier at once, as reception's outbox continuation does (the workers find it by that key).
    const r = await whileBackPressure(() =>
      p.zeebe.createProcessInstance({
        bpmnProcessId: processId,
        variables: {
          dossierCode: code,
          dossierId: String(d.id),
          procedureCode: c.code,
          channel: 'online',
          eisoReceivedAt: receivedAt,
          applicantName,
          startedBy: desk.user.username,
          startedByUnit: c.deskUnitCode,
        },
      }),
    );
    const key = String(r.processInstanceKey);
    started.push(key);
    await p.db('dossiers').where({ id: d.id }).update({ process_instance_key: key });
    return { id: String(d.id), code: d.code as string, key };
  };

  const dossier = (id: string) => p.db('dossiers').where({ id }).first();
  const untilStatus = (id: string, status: string) =>
    waitFor(
      async () => {
        const d = await dossier(id);
        return d?.status === status ? d : undefined;
      },
      `dossier ${id} in ${status}`,
      30_000,
    );
  const openTask = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: key, element_id: elementId, status: 'open' }).first(),
      `${elementId} of ${key} in the inbox`,
      30_000,
    );

  /**
   * The broker's clock moves only while the instance waits (in a user task or at the event gateway)
   * and none of its jobs is in flight: a job activated before a jump would be past its timeout.
   */
  const settle = async (key: string) => {
    await waitFor(
      async () =>
        !(await p
          .db('hist_jobs')
          .where({ process_instance_key: key })
          .whereNot({ type: 'io.camunda.zeebe:userTask' })
          .whereIn('state', ['created', 'failed', 'timed_out'])
          .first()),
      `jobs of ${key} done`,
      30_000,
    );
    await new Promise((r) => setTimeout(r, 300)); // the inbox worker extends the user task's lock right after its row appears
  };
  const waitingAt = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('hist_element_instances').where({ process_instance_key: key, element_id: elementId, state: 'active' }).first(),
      `${key} waiting at ${elementId}`,
      30_000,
    );

  /** The step reaches the inbox of its group (then the clock moves to `at`); an officer of another unit cannot take it; its holder completes it. */
  const work = async (key: string, elementId: string, group: string, variables: Record<string, unknown>, o: { at?: string; outsider?: string } = {}) => {
    const task = await openTask(key, elementId);
    if (o.at) {
      await settle(key);
      await clock.pin(o.at);
    }
    const outsider = o.outsider;
    expect(task.candidate_groups).toEqual([group]);
    if (outsider) expect((await (await as(outsider)).post(`/api/tasks/${task.job_key}/claim`)).status).not.toBe(200);
    const who = await as(group);
    expect((await who.post(`/api/tasks/${task.job_key}/claim`)).status).toBe(200);
    const done = await postWhileBusy(who, `/api/tasks/${task.job_key}/complete`, { variables });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return task;
  };

  const supplement = async (key: string, code: string, at: string) => {
    await waitingAt(key, 'ChoBoSung');
    await settle(key);
    await clock.pin(at);
    await whileBackPressure(() =>
      p.zeebe.publishMessage({ name: 'onestop-supplement', correlationKey: code, messageId: `supplement-${code}`, variables: {}, timeToLive: 60_000 }),
    );
  };

  const clockOf = (key: string) => waitFor(() => caseState(p.db, key), `case clock of ${key}`);
  const events = async (id: string) => (await p.db('dossier_events').where({ dossier_id: id }).orderBy('id')).map((e) => e.type);

  /** The supplement round trip every procedure goes through: pause, the citizen supplements, resume with the appointment moved. */
  const supplementRound = async (
    d: { id: string; code: string; key: string },
    o: { requestAt: string; supplyAt: string; reviewGroup: string; pausedDays: number; movedTo: string; reason: string },
  ) => {
    await work(d.key, 'ThamDinh', o.reviewGroup, { ketQuaThamDinh: 'can-bo-sung', lyDoBoSung: o.reason, yKienThamDinh: 'Thiếu giấy tờ' }, { at: o.requestAt });
    const waiting = await untilStatus(d.id, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
    expect(waiting.current_step).toBe('Chờ công dân bổ sung hồ sơ');
    const req = await p.db('dossier_supplements').where({ dossier_id: d.id }).first();
    expect(req).toMatchObject({ reason: o.reason, submitted_at: null });
    expect(t(req.requested_at)).toBe(t(o.requestAt));
    expect((await clockOf(d.key)).paused).toBe(true);

    await supplement(d.key, d.code, o.supplyAt);
    const back = await untilStatus(d.id, 'IN_PROCESSING');
    const c = await clockOf(d.key);
    expect(c.paused).toBe(false);
    expect(c.pauses).toHaveLength(1);
    expect(c.pauses[0].workingDays).toBe(o.pausedDays);
    expect(t(c.pauses[0].pausedAt.toISOString())).toBe(t(o.requestAt));
    expect(t(c.pauses[0].resumedAt!.toISOString())).toBe(t(o.supplyAt));
    expect(c.appointmentAt.toISOString()).toBe(t(o.movedTo));
    expect(back.appointment_at.toISOString()).toBe(t(o.movedTo));
    return back;
  };

  /** The desk hands over the result (or the not-eligible notice, which keeps its status): the dossier closes. */
  const returnAt = async (d: { id: string; key: string }, at: string, group: string, hinhThucTra: 'tai-quay' | 'buu-chinh', finalStatus = 'RETURNED') => {
    await work(d.key, 'TraKetQua', group, { hinhThucTra, daKyNhan: hinhThucTra === 'tai-quay' }, { at });
    const done = await waitFor(
      async () => {
        const row = await dossier(d.id);
        return row?.returned_at ? row : undefined;
      },
      `dossier ${d.id} returned`,
      30_000,
    );
    expect(done.status).toBe(finalStatus);
    expect(done.return_method).toBe(hinhThucTra === 'tai-quay' ? 'desk' : 'post');
    expect(done.returned_at.toISOString()).toBe(t(at));
    expect(done.closed_at.toISOString()).toBe(t(at));
    const c = await waitFor(async () => {
      const s = await caseState(p.db, d.key);
      return s?.finishedAt ? s : undefined;
    }, 'case finished');
    return { dossier: done, clock: c };
  };

  it('household business registration (UBND xã, 3 working days)', { timeout: 240_000 }, async () => {
    const P = 'mc-dang-ky-ho-kinh-doanh';
    // Received Mon 1/3/2032 09:00: the Monday morning began before it, so 6 half-days count from
    // Mon PM: Mon PM, Tue AM, Tue PM, Wed AM, Wed PM, Thu AM → appointment Thu 4/3/2032 11:30.
    const d = await receive(P, '2032-03-01T09:00:00+07:00', 'Nguyễn Văn An');
    const c0 = await clockOf(d.key);
    expect(c0.timeLimitDays).toBe(3);
    expect(c0.unitCode).toBe('XA-TANPHU-KT');
    expect(c0.originalAppointmentAt.toISOString()).toBe(t('2032-03-04T11:30:00+07:00'));
    const inProcessing = await untilStatus(d.id, 'IN_PROCESSING');
    expect(inProcessing.current_step).toBe('Thẩm định hồ sơ đăng ký hộ kinh doanh');

    // Supplement asked Mon 14:00, supplied Wed 3/3 10:00: the half-days starting inside the pause are
    // Tue 07:30, Tue 13:30, Wed 07:30 = 1.5 days. Counting again: Mon PM (began 13:30, before the
    // pause), Wed PM, Thu AM, Thu PM, Fri AM, Fri PM → Fri 5/3/2032 17:00.
    await supplementRound(d, {
      requestAt: '2032-03-01T14:00:00+07:00',
      supplyAt: '2032-03-03T10:00:00+07:00',
      reviewGroup: 'XA-TANPHU-KT/officer',
      pausedDays: 1.5,
      movedTo: '2032-03-05T17:00:00+07:00',
      reason: 'Bổ sung danh sách thành viên hộ gia đình',
    });

    await work(
      d.key,
      'ThamDinh',
      'XA-TANPHU-KT/officer',
      { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Hồ sơ hợp lệ, tên không trùng' },
      { outsider: 'XA-TANPHU-VP/officer' },
    );
    const pending = await untilStatus(d.id, 'PENDING_APPROVAL');
    expect(pending.current_step).toBe('Trưởng phòng Kinh tế ký Giấy chứng nhận');
    await work(d.key, 'PheDuyet', 'XA-TANPHU-KT/leader', { pheDuyet: 'dong-y' });
    // Result issued Wed 3/3 10:00 (the clock is still pinned there): before the appointment date.
    const issued = await untilStatus(d.id, 'RESULT_AT_DESK');
    expect(issued.resolved_at.toISOString()).toBe(t('2032-03-03T10:00:00+07:00'));
    expect(issued.current_unit_code).toBe('XA-TANPHU-TTPV');

    const { clock: done } = await returnAt(d, '2032-03-04T08:00:00+07:00', 'XA-TANPHU-TTPV/officer', 'tai-quay');
    expect(done.onTime).toBe(true);
    expect(await events(d.id)).toEqual(
      expect.arrayContaining([
        'dossier.transferred',
        'processing.supplement_requested',
        'supplement.received',
        'result.proposed',
        'result.delivered_to_desk',
        'result.returned',
      ]),
    );
  });

  it('birth registration (UBND xã, within the day; after 15:00 the next working day), not eligible, returned by post', { timeout: 240_000 }, async () => {
    const P = 'mc-dang-ky-khai-sinh';
    // Within the day (trong ngày). Received Mon 8/3/2032 15:30, after the 15:00 cut-off: the next
    // working day → appointment Tue 9/3/2032 17:00.
    const d = await receive(P, '2032-03-08T15:30:00+07:00', 'Trần Thị Bình');
    expect(await clockOf(d.key)).toMatchObject({ timeLimitDays: 0, timeLimitUnit: 'within_day' });
    expect((await clockOf(d.key)).originalAppointmentAt.toISOString()).toBe(t('2032-03-09T17:00:00+07:00'));
    await untilStatus(d.id, 'IN_PROCESSING');
    // Supplement Tue 08:00 → Tue 14:00: only Tue 13:30 starts inside (0.5 day recorded). Within the
    // day counts again from the resume, Tue 14:00, before the cut-off → still Tue 9/3/2032 17:00.
    await supplementRound(d, {
      requestAt: '2032-03-09T08:00:00+07:00',
      supplyAt: '2032-03-09T14:00:00+07:00',
      reviewGroup: 'XA-TANPHU-VP/officer',
      pausedDays: 0.5,
      movedTo: '2032-03-09T17:00:00+07:00',
      reason: 'Bổ sung giấy chứng sinh bản chính',
    });

    const reason = 'Giấy chứng sinh ghi tên người mẹ khác với giấy tờ tùy thân; đề nghị cơ sở y tế cấp lại';
    await work(d.key, 'ThamDinh', 'XA-TANPHU-VP/officer', { ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: reason }, { outsider: 'XA-TANPHU-KT/officer' });
    const refused = await untilStatus(d.id, 'NOT_ELIGIBLE');
    expect(refused.resolved_at.toISOString()).toBe(t('2032-03-09T14:00:00+07:00'));
    expect(refused.status_reason).toBe(reason);
    expect(refused.closed_at).toBeNull();
    expect(await p.db('inbox_tasks').where({ process_instance_key: d.key, element_id: 'PheDuyet' }).first()).toBeUndefined();

    // Handed to the post Tue 9/3 16:00, within the day.
    const { clock: done } = await returnAt(d, '2032-03-09T16:00:00+07:00', 'XA-TANPHU-TTPV/officer', 'buu-chinh', 'NOT_ELIGIBLE');
    expect(done.onTime).toBe(true);
    expect(await events(d.id)).toEqual(expect.arrayContaining(['processing.rejected', 'result.returned']));
  });

  it('judicial record certificate (Sở Tư pháp, 10 calendar days) with its liên thông leg to the provincial police', { timeout: 240_000 }, async () => {
    const P = 'mc-cap-phieu-ly-lich-tu-phap';
    // "Không quá 10 ngày" (calendar days, Civil Code art. 147): received Mon 15/3/2032 08:00, counted
    // from Tue 16/3 → day 10 is Thu 25/3/2032, a working day → appointment 17:00 (it was Mon 29/3
    // 11:30 when counted as 10 working days).
    const d = await receive(P, '2032-03-15T08:00:00+07:00', 'Lê Văn Cường');
    const c0 = await clockOf(d.key);
    expect(c0.unitCode).toBe('STP-HCTP');
    expect(c0.originalAppointmentAt.toISOString()).toBe(t('2032-03-25T17:00:00+07:00'));
    await untilStatus(d.id, 'IN_PROCESSING');
    // Supplement Mon 10:00 → Mon 16:00: Mon 13:30 starts inside (0.5 working day recorded), but no
    // day starts (00:00) inside the pause → the appointment stays Thu 25/3 17:00.
    await supplementRound(d, {
      requestAt: '2032-03-15T10:00:00+07:00',
      supplyAt: '2032-03-15T16:00:00+07:00',
      reviewGroup: 'STP-HCTP/officer',
      pausedDays: 0.5,
      movedTo: '2032-03-25T17:00:00+07:00',
      reason: 'Bổ sung bản chụp hộ chiếu',
    });

    // Sent to the police Mon 15/3 16:00, after the cut-off: the 2-day budget counts on CAT's calendar
    // from Tue 16/3 07:30: Tue, Wed → due Wed 17/3/2032 17:00.
    await work(
      d.key,
      'ThamDinh',
      'STP-HCTP/officer',
      { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện, gửi tra cứu' },
      { outsider: 'SYT-NVD/officer' },
    );
    const away = await untilStatus(d.id, 'AWAITING_INTERAGENCY');
    expect(away.current_unit_code).toBe('CAT');
    const leg = await p.db('dossier_transfers').where({ dossier_id: d.id }).first();
    expect(leg).toMatchObject({ to_unit_code: 'CAT', returned_at: null });
    expect(Number(leg.budget_days)).toBe(2);
    expect(leg.sent_at.toISOString()).toBe(t('2032-03-15T16:00:00+07:00'));
    expect(leg.due_at.toISOString()).toBe(t('2032-03-17T17:00:00+07:00'));

    // The police answer Wed 17/3 10:00, within the leg's budget.
    await work(
      d.key,
      'TraCuuCongAn',
      'CAT-PV06/officer',
      { ketQuaTraCuu: 'khong-co-an-tich', noiDungTraCuu: 'Không có tiền án, tiền sự' },
      { at: '2032-03-17T10:00:00+07:00', outsider: 'STP-HCTP/officer' },
    );
    const home = await untilStatus(d.id, 'IN_PROCESSING');
    expect(home.current_step).toBe('Lập Phiếu lý lịch tư pháp');
    const closedLeg = await p.db('dossier_transfers').where({ dossier_id: d.id }).first();
    expect(closedLeg.returned_at.toISOString()).toBe(t('2032-03-17T10:00:00+07:00'));
    expect(closedLeg.on_time).toBe(true);

    await work(d.key, 'LapPhieu', 'STP-HCTP/officer', { loaiPhieu: 'so-1', soPhieu: '1234/LLTP' });
    await work(d.key, 'PheDuyet', 'STP/leader', { pheDuyet: 'dong-y' });
    const issued = await untilStatus(d.id, 'RESULT_AT_DESK');
    expect(issued.resolved_at.toISOString()).toBe(t('2032-03-17T10:00:00+07:00'));
    expect(issued.current_unit_code).toBe('TINH-TTPVHCC');
    const { clock: done } = await returnAt(d, '2032-03-18T09:00:00+07:00', 'TINH-TTPVHCC/officer', 'tai-quay');
    expect(done.onTime).toBe(true);
    expect(await events(d.id)).toEqual(expect.arrayContaining(['interagency.sent', 'result.returned']));
  });

  it('construction permit for a house (UBND xã, 15 calendar days): site inspection, head of division, chairman', { timeout: 240_000 }, async () => {
    const P = 'mc-cap-phep-xay-dung-nha-o';
    // 15 calendar days (Luật Xây dựng art. 102): received Mon 22/3/2032 10:00, counted from Tue 23/3
    // → day 15 is Tue 6/4/2032, a working day → appointment 17:00 (was Mon 12/4 11:30 in working days).
    const d = await receive(P, '2032-03-22T10:00:00+07:00', 'Phạm Thị Dung');
    expect((await clockOf(d.key)).originalAppointmentAt.toISOString()).toBe(t('2032-04-06T17:00:00+07:00'));
    await untilStatus(d.id, 'IN_PROCESSING');
    // Supplement Tue 23/3 09:00 → Thu 25/3 09:00: Tue 13:30, Wed 07:30, Wed 13:30, Thu 07:30 start
    // inside (2 working days recorded); the days Wed 24/3 and Thu 25/3 start inside it and are not
    // counted → day 15 is Thu 8/4/2032 → 17:00.
    await supplementRound(d, {
      requestAt: '2032-03-23T09:00:00+07:00',
      supplyAt: '2032-03-25T09:00:00+07:00',
      reviewGroup: 'XA-TANPHU-KT/officer',
      pausedDays: 2,
      movedTo: '2032-04-08T17:00:00+07:00',
      reason: 'Bổ sung bản vẽ mặt cắt và móng',
    });

    await work(d.key, 'ThamDinh', 'XA-TANPHU-KT/officer', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Hồ sơ đủ thành phần' });
    await work(
      d.key,
      'KiemTraThucDia',
      'XA-TANPHU-KT/officer',
      { ngayKiemTra: '2032-03-29', phuHopQuyHoach: 'phu-hop', bienBanKiemTra: 'Hiện trạng đất trống, phù hợp chỉ giới xây dựng' },
      { at: '2032-03-30T10:00:00+07:00' },
    );
    await work(d.key, 'XemXetTrinhKy', 'XA-TANPHU-KT/leader', { yKienTruongPhong: 'Đề nghị cấp phép' }, { outsider: 'XA-TANPHU-KT/officer' });
    await work(d.key, 'PheDuyet', 'XA-TANPHU/leader', { pheDuyet: 'dong-y' }, { at: '2032-03-31T10:00:00+07:00', outsider: 'XA-TANPHU-KT/leader' });
    const issued = await untilStatus(d.id, 'RESULT_AT_DESK');
    expect(issued.resolved_at.toISOString()).toBe(t('2032-03-31T10:00:00+07:00'));
    const { clock: done } = await returnAt(d, '2032-04-01T09:00:00+07:00', 'XA-TANPHU-TTPV/officer', 'tai-quay');
    expect(done.onTime).toBe(true);
  });

  it('pharmacy practice certificate (Sở Y tế, 20 calendar days over Giỗ Tổ): the director sends it back once', { timeout: 300_000 }, async () => {
    const P = 'mc-cap-chung-chi-hanh-nghe-duoc';
    // 20 calendar days (Luật Dược art. 24): received Fri 2/4/2032 08:00, counted from Sat 3/4 → day
    // 20 is Thu 22/4/2032 (Giỗ Tổ Mon 19/4 is inside the period and does not extend it), a working
    // day → appointment 17:00 (counted as 20 working days it was Wed 5/5 11:30, 13 days later).
    const d = await receive(P, '2032-04-02T08:00:00+07:00', 'Hoàng Văn Em');
    expect((await clockOf(d.key)).originalAppointmentAt.toISOString()).toBe(t('2032-04-22T17:00:00+07:00'));
    await untilStatus(d.id, 'IN_PROCESSING');
    // Supplement Mon 5/4 09:00 → Tue 6/4 09:00: Mon 13:30 and Tue 07:30 start inside (1 working day
    // recorded); the day Tue 6/4 starts inside it → one day later, Fri 23/4/2032 17:00.
    await supplementRound(d, {
      requestAt: '2032-04-05T09:00:00+07:00',
      supplyAt: '2032-04-06T09:00:00+07:00',
      reviewGroup: 'SYT-NVD/officer',
      pausedDays: 1,
      movedTo: '2032-04-23T17:00:00+07:00',
      reason: 'Bổ sung giấy xác nhận thời gian thực hành',
    });

    await work(d.key, 'ThamDinh', 'SYT-NVD/officer', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
    await work(
      d.key,
      'HoiDongTuVan',
      'SYT-NVD/leader',
      { phamViHanhNghe: 'Nhà thuốc', bienBanHoiDong: 'Hội đồng thống nhất đề nghị cấp' },
      { at: '2032-04-12T10:00:00+07:00' },
    );
    await work(d.key, 'PheDuyet', 'SYT/leader', { pheDuyet: 'tham-dinh-lai', yKienLanhDao: 'Xác minh lại văn bằng' });
    await untilStatus(d.id, 'IN_PROCESSING');
    expect(await events(d.id)).toContain('leader.returned');
    await work(d.key, 'ThamDinh', 'SYT-NVD/officer', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đã xác minh văn bằng' });
    await work(d.key, 'HoiDongTuVan', 'SYT-NVD/leader', { phamViHanhNghe: 'Nhà thuốc', bienBanHoiDong: 'Giữ nguyên đề nghị' });
    await work(d.key, 'PheDuyet', 'SYT/leader', { pheDuyet: 'dong-y' }, { at: '2032-04-13T10:00:00+07:00' });
    const issued = await untilStatus(d.id, 'RESULT_AT_DESK');
    expect(issued.resolved_at.toISOString()).toBe(t('2032-04-13T10:00:00+07:00'));
    const { clock: done } = await returnAt(d, '2032-04-14T09:00:00+07:00', 'TINH-TTPVHCC/officer', 'buu-chinh');
    expect(done.onTime).toBe(true);
  });

  it('withdrawal ends the dossier at any step; no supplement within 30 days ends it as cancelled', { timeout: 240_000 }, async () => {
    const P = 'mc-dang-ky-ho-kinh-doanh';
    const w = await receive(P, '2032-05-10T08:00:00+07:00', 'Vũ Văn Rút');
    await openTask(w.key, 'ThamDinh');
    await whileBackPressure(() =>
      p.zeebe.publishMessage({
        name: 'onestop-withdraw',
        correlationKey: w.code,
        messageId: `withdraw-${w.code}`,
        variables: { lyDo: 'Công dân không còn nhu cầu' },
        timeToLive: 60_000,
      }),
    );
    const withdrawn = await untilStatus(w.id, 'WITHDRAWN');
    expect(withdrawn.closed_at.toISOString()).toBe(t('2032-05-10T08:00:00+07:00'));
    expect(withdrawn.status_reason).toBe('Công dân không còn nhu cầu');
    await waitFor(async () => !(await p.db('inbox_tasks').where({ process_instance_key: w.key, status: 'open' }).first()), 'the open step leaves the inbox');

    await settle(w.key);
    const s = await receive(P, '2032-05-10T09:00:00+07:00', 'Đỗ Thị Chờ');
    await work(s.key, 'ThamDinh', 'XA-TANPHU-KT/officer', { ketQuaThamDinh: 'can-bo-sung', lyDoBoSung: 'Bổ sung giấy đề nghị có chữ ký' });
    await untilStatus(s.id, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
    await waitingAt(s.key, 'ChoBoSung');
    await settle(s.key);
    // The 30-day wait (P30D from Mon 10/5 09:00) is over on Wed 9/6/2032 09:00.
    await clock.pin('2032-06-10T09:00:00+07:00');
    const cancelled = await untilStatus(s.id, 'CANCELLED_NO_SUPPLEMENT');
    expect(cancelled.closed_at).not.toBeNull();
    expect(await events(s.id)).toContain('supplement.timeout');
  });
});
