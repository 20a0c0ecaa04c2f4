import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';
import { validateBpmn, longestPath, headersOf, propertiesOf } from '../engine/validate.js';
import { DEMO_UNITS } from '../api/demo.js';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { caseState } from '../domain/deadlines/cases.js';
import { processTimeLimit } from '../domain/deadlines/model.js';

/**
 * The five bundled one-stop procedures: their models against the contract of processes/ONESTOP.md
 * and their catalogue entries, then each one end to end as a citizen and the officers live it,
 * through the public and desk API and the inbox at the real time of the broker. The same flows with
 * every date hand-computed on the controlled clock are in onestop-procedures.clock.test.ts.
 */

interface El {
  $type: string;
  id?: string;
  name?: string;
  [k: string]: any;
}

const CATALOGUE = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as {
  code: string;
  name: string;
  agencyCode: string;
  deskUnitCode: string;
  agencyEid: string;
  timeLimitDays: number;
  timeLimitUnit: string;
  legalBasis: string;
  fees: { name: string; amount: number }[];
  requiredDocuments: { code: string; mandatory: boolean }[];
  bpmnProcessId: string;
  onlineLevel: string;
}[];
const UNITS = new Set(DEMO_UNITS.map((u) => u.code));
const FORMS = loadBundledForms() as Record<string, { components: { key?: string; values?: { value: string }[] }[] }>;

async function load(processId: string) {
  const xml = readFileSync(path.join(PROCESSES_DIR, `${processId}.bpmn`), 'utf8');
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const defs = rootElement as El;
  const process = (defs.rootElements as El[]).find((e) => e.$type === 'bpmn:Process' && e.id === processId)!;
  const all: El[] = [];
  const walk = (scope: El) => {
    for (const e of (scope.flowElements ?? []) as El[]) {
      all.push(e);
      if (e.flowElements) walk(e);
    }
  };
  walk(process);
  const drawn = new Set<string>();
  for (const d of (defs.diagrams ?? []) as El[]) for (const s of (d.plane?.planeElement ?? []) as El[]) if (s.bpmnElement?.id) drawn.add(s.bpmnElement.id);
  const ext = (e: El, type: string) => ((e.extensionElements?.values ?? []) as El[]).find((v) => v.$type === type);
  const jobType = (e: El) => ext(e, 'zeebe:TaskDefinition')?.type as string | undefined;
  return { xml, process, all, drawn, ext, jobType, byId: new Map(all.map((e) => [e.id!, e])) };
}

describe('bundled one-stop procedures (processes/mc-*.bpmn) and their catalogue entries', () => {
  it('five procedures, one per catalogue entry, each file named after its process', () => {
    expect(CATALOGUE.map((c) => c.bpmnProcessId).sort()).toEqual([
      'mc-cap-chung-chi-hanh-nghe-duoc',
      'mc-cap-phep-xay-dung-nha-o',
      'mc-cap-phieu-ly-lich-tu-phap',
      'mc-dang-ky-ho-kinh-doanh',
      'mc-dang-ky-khai-sinh',
    ]);
    for (const c of CATALOGUE) {
      expect(existsSync(path.join(PROCESSES_DIR, `${c.bpmnProcessId}.bpmn`)), c.bpmnProcessId).toBe(true);
      expect(UNITS.has(c.agencyCode), c.agencyCode).toBe(true);
      expect(UNITS.has(c.deskUnitCode), c.deskUnitCode).toBe(true);
      expect(
        c.requiredDocuments.some((d) => d.mandatory),
        `${c.code} has mandatory documents`,
      ).toBe(true);
      expect(c.legalBasis).toMatch(/(Luật|Nghị định)/);
    }
  });

  for (const c of CATALOGUE) {
    it(`${c.bpmnProcessId}: valid for deploy with the organisation's units, limits and the one-stop contract`, async () => {
      const m = await load(c.bpmnProcessId);
      const checked = await validateBpmn(m.xml, { unitCodes: UNITS });
      expect(checked.errors, JSON.stringify(checked.errors)).toEqual([]);
      expect(checked.warnings, JSON.stringify(checked.warnings)).toEqual([]);

      // Statutory limit in its legal unit = catalogue; the steps on the longest path (working days)
      // fit inside the process's eiso.timeLimit (for within_day: its internal budget of 1 working day).
      expect(processTimeLimit(propertiesOf(m.process))).toEqual({ value: c.timeLimitDays, unit: c.timeLimitUnit });
      expect(longestPath(m.process).days).toBeLessThanOrEqual(Number(propertiesOf(m.process)['eiso.timeLimit']));

      // Every element is drawn (the modeler shows it).
      expect(m.all.filter((e) => !m.drawn.has(e.id!)).map((e) => e.id)).toEqual([]);

      // Human steps: a unit/role of the organisation, a time limit, records, ISO clauses, a bundled form.
      const userTasks = m.all.filter((e) => e.$type === 'bpmn:UserTask');
      expect(userTasks.length).toBeGreaterThanOrEqual(2);
      for (const u of userTasks) {
        const group = m.ext(u, 'zeebe:AssignmentDefinition')?.candidateGroups as string;
        expect(group, u.id).toMatch(/^[A-Z0-9-]+\/(officer|leader)$/);
        expect(UNITS.has(group.split('/')[0]), group).toBe(true);
        const h = headersOf(u);
        expect(Number(h['eiso.timeLimit']), u.id).toBeGreaterThan(0);
        expect(h['eiso.records'], u.id).toBeTruthy();
        expect(h['eiso.isoClauses'], u.id).toBeTruthy();
        const formKey = m.ext(u, 'zeebe:FormDefinition')?.formKey as string;
        expect(formKey, u.id).toMatch(/^app:mc-/);
        expect(FORMS[formKey.slice(4)], formKey).toBeDefined();
      }

      // The desk returns the result: TraKetQua of the desk unit with hinhThucTra, then onestop-returned.
      const ret = m.byId.get('TraKetQua')!;
      expect(m.ext(ret, 'zeebe:AssignmentDefinition')?.candidateGroups).toBe(`${c.deskUnitCode}/officer`);
      const form = FORMS[(m.ext(ret, 'zeebe:FormDefinition')!.formKey as string).slice(4)];
      expect(form.components.find((x) => x.key === 'hinhThucTra')?.values?.map((v) => v.value)).toEqual(['tai-quay', 'buu-chinh']);
      expect(m.jobType(ret.outgoing[0].targetRef)).toBe('onestop-returned');

      // Result before the return: granted and not-eligible paths.
      const results = m.all.filter((e) => m.jobType(e) === 'onestop-result');
      const outcome = (e: El) => (m.ext(e, 'zeebe:IoMapping')?.inputParameters as El[]).find((i) => i.target === 'ketQua')?.source;
      expect(results.map(outcome).sort()).toEqual(['="cap"', '="khong-cap"']);

      // Supplement: request → wait for the message onestop-supplement by dossier code (or 30 days) → resume.
      const request = m.all.find((e) => m.jobType(e) === 'onestop-supplement-request')!;
      const gateway = request.outgoing[0].targetRef as El;
      expect(gateway.$type).toBe('bpmn:EventBasedGateway');
      const catches = (gateway.outgoing as El[]).map((f) => f.targetRef as El);
      const msgCatch = catches.find((e) => e.eventDefinitions?.[0]?.$type === 'bpmn:MessageEventDefinition')!;
      const msg = msgCatch.eventDefinitions[0].messageRef;
      expect(msg.name).toBe('onestop-supplement');
      expect(((msg.extensionElements?.values ?? []) as El[]).find((v) => v.$type === 'zeebe:Subscription')?.correlationKey).toBe('=dossierCode');
      expect(m.jobType(msgCatch.outgoing[0].targetRef)).toBe('onestop-supplement-resume');
      const timeout = catches.find((e) => e.eventDefinitions?.[0]?.$type === 'bpmn:TimerEventDefinition')!;
      expect(headersOf(timeout.outgoing[0].targetRef)['onestop.status']).toBe('CANCELLED_NO_SUPPLEMENT');

      // Withdrawal: an interrupting event sub-process started by onestop-withdraw, setting WITHDRAWN.
      const sub = m.all.find((e) => e.$type === 'bpmn:SubProcess' && e.triggeredByEvent)!;
      const start = (sub.flowElements as El[]).find((e) => e.$type === 'bpmn:StartEvent')!;
      expect(start.isInterrupting).not.toBe(false);
      expect(start.eventDefinitions[0].messageRef.name).toBe('onestop-withdraw');
      expect(headersOf(start.outgoing[0].targetRef)['onestop.status']).toBe('WITHDRAWN');

      // Every onestop-status names a status of the contract.
      const statuses = m.all.filter((e) => m.jobType(e) === 'onestop-status').map((e) => headersOf(e as any)['onestop.status']);
      expect(statuses).toEqual(expect.arrayContaining(['IN_PROCESSING', 'CANCELLED_NO_SUPPLEMENT', 'WITHDRAWN']));
    });
  }

  it('the judicial record certificate has its liên thông leg to the provincial police, with its own budget', async () => {
    const m = await load('mc-cap-phieu-ly-lich-tu-phap');
    const send = m.all.find((e) => m.jobType(e) === 'onestop-transfer')!;
    expect(headersOf(send as any)).toMatchObject({ 'onestop.transferTo': 'CAT', 'eiso.timeLimit': '2' });
    const police = send.outgoing[0].targetRef as El;
    expect(m.ext(police, 'zeebe:AssignmentDefinition')?.candidateGroups).toBe('CAT-PV06/officer');
    expect(m.jobType(police.outgoing[0].targetRef)).toBe('onestop-transfer-return');
  });
});

/** A multipart/form-data body as a phone's browser sends it: text fields and files. */
function multipart(fields: Record<string, string>, files: { field: string; name: string; type: string; content: Buffer }[]) {
  const boundary = `----eiso${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`),
      f.content,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
const pdf = (text: string) => Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

interface Ctx {
  key: string;
  id: string;
  code: string;
  token: string;
  /** waits until the step `elementId` is open in the inbox */
  open: (elementId: string) => Promise<any>;
  /** claim and complete the open step `elementId`, which must be offered to `group` */
  work: (elementId: string, group: string, variables: Record<string, unknown>) => Promise<void>;
  status: (status: string) => Promise<any>;
}

describe('each procedure online from submission to evaluation (public API, desk, inbox)', () => {
  let p: TestPlatform;
  const started: string[] = [];
  const users = new Map<string, Client>();
  const as = async (group: string): Promise<Client> => {
    if (!users.has(group)) {
      const [unitCode, role] = group.split('/') as [string, 'officer' | 'leader'];
      users.set(group, await login(p.app, await createUser(p.db, { roles: [role], unitCode })));
    }
    return users.get(group)!;
  };
  /** Each citizen's phone has its own address (the public routes are rate-limited per address). */
  let citizenIp = '198.51.100.1';
  const pub = async (method: 'GET' | 'POST', url: string, o: { token?: string; body?: unknown; form?: ReturnType<typeof multipart> } = {}) => {
    const r = await p.app.inject({
      method,
      url,
      remoteAddress: citizenIp,
      headers: { ...(o.token ? { 'x-lookup-token': o.token } : {}), ...(o.form?.headers ?? {}) },
      ...(o.form ? { payload: o.form.payload } : o.body !== undefined ? { payload: o.body as object } : {}),
    });
    return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
  };

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => {
    for (const key of started) await p?.zeebe.cancelProcessInstance(key).catch(() => {});
    await p?.close();
  });

  /**
   * The life of one dossier: online submission with the mandatory documents, lookup, acceptance at
   * the procedure's desk, a supplement during the appraisal (the clock stops, the citizen supplies
   * through the public link, the process resumes by message), the procedure's own steps (`process`),
   * the return at the desk or by post, the public lookup of the outcome and the evaluation.
   */
  const online = async (
    processId: string,
    o: {
      applicant: string;
      reviewGroup: string;
      process: (c: Ctx) => Promise<void>;
      outcome: 'RESULT_AT_DESK' | 'NOT_ELIGIBLE';
      returnBy: 'tai-quay' | 'buu-chinh';
    },
  ) => {
    const entry = CATALOGUE.find((c) => c.bpmnProcessId === processId)!;
    citizenIp = `198.51.100.${CATALOGUE.indexOf(entry) + 10}`;
    const listed = await pub('GET', '/api/public/procedures');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((x: any) => x.code)).toContain(entry.code);
    const mandatory = entry.requiredDocuments.filter((d) => d.mandatory);

    // A submission missing a mandatory document is refused and leaves nothing behind.
    // Counted for this applicant and procedure only: other files submit dossiers at the same time.
    const mine = () => p.db('dossiers').where({ procedure_code: entry.code }).whereRaw(`applicant->>'name' = ?`, [o.applicant]).count({ n: '*' });
    const before = Number((await mine())[0].n);
    const incomplete = await pub('POST', '/api/public/dossiers', {
      form: multipart(
        { procedureCode: entry.code, applicantName: o.applicant },
        mandatory.slice(1).map((d) => ({ field: `doc:${d.code}`, name: `${d.code}.pdf`, type: 'application/pdf', content: pdf(d.code) })),
      ),
    });
    expect(incomplete.status).toBeGreaterThanOrEqual(400);
    expect(incomplete.status).toBeLessThan(500);
    expect(incomplete.body.message).toContain(' / ');
    expect(Number((await mine())[0].n)).toBe(before);

    const submitted = await pub('POST', '/api/public/dossiers', {
      form: multipart(
        {
          procedureCode: entry.code,
          applicantName: o.applicant,
          applicantIdNumber: '001090012345',
          applicantEmail: 'cong.dan@example.vn',
          applicantPhone: '0912345678',
        },
        mandatory.map((d) => ({ field: `doc:${d.code}`, name: `${d.code}.pdf`, type: 'application/pdf', content: pdf(d.code) })),
      ),
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    // No code before receipt (TT 03/2025 Art. 13): the citizen holds a tracking reference.
    const { reference, lookupToken: token } = submitted.body as { reference: string; lookupToken: string };
    expect(submitted.body.code).toBeNull();
    const anonymous = await pub('GET', `/api/public/dossiers/${reference}`);
    expect(anonymous.body).toMatchObject({ code: null, reference, status: 'SUBMITTED', procedureCode: entry.code, holder: null });

    // The procedure's desk accepts it; another desk cannot.
    const desk = await as(`${entry.deskUnitCode}/officer`);
    const queue = await desk.get('/api/onestop/dossiers?queue=true');
    const item = queue.body.items.find((x: any) => x.reference === reference);
    expect(item).toBeDefined();
    const otherDesk = entry.deskUnitCode === 'TINH-TTPVHCC' ? 'XA-TANPHU-TTPV' : 'TINH-TTPVHCC';
    expect((await (await as(`${otherDesk}/officer`)).post(`/api/onestop/dossiers/${item.id}/accept`, {})).status).toBeGreaterThanOrEqual(403);
    const accepted = await desk.post(`/api/onestop/dossiers/${item.id}/accept`, {});
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.status).toBe('RECEIVED');
    const code = accepted.body.code as string;
    expect(code).toMatch(new RegExp(`^${entry.agencyEid.replace(/\./g, '\\.')}-\\d{6}-\\d{4,}$`));
    const row0 = await p.db('dossiers').where({ code }).first();
    expect(row0.received_at).not.toBeNull();
    expect(row0.appointment_at.toISOString()).toBe((await caseState(p.db, String(row0.process_instance_key)))!.originalAppointmentAt.toISOString());
    const key = String(row0.process_instance_key);
    started.push(key);
    const id = String(row0.id);

    const status = (s: string) =>
      waitFor(
        async () => {
          const d = await p.db('dossiers').where({ id }).first();
          return d.status === s ? d : undefined;
        },
        `dossier ${code} in ${s}`,
        60_000,
      );
    const open = (elementId: string) =>
      waitFor(
        async () => p.db('inbox_tasks').where({ process_instance_key: key, element_id: elementId, status: 'open' }).first(),
        `${elementId} of ${code}`,
        60_000,
      );
    const work = async (elementId: string, group: string, variables: Record<string, unknown>) => {
      const task = await open(elementId);
      expect(task.candidate_groups).toEqual([group]);
      const who = await as(group);
      // The step is in the inbox of its group's officers.
      const inbox = await who.get('/api/tasks?scope=available&limit=200');
      expect(inbox.status).toBe(200);
      expect(inbox.body.items.map((x: any) => String(x.id))).toContain(String(task.job_key));
      expect((await who.post(`/api/tasks/${task.job_key}/claim`)).status).toBe(200);
      const done = await who.post(`/api/tasks/${task.job_key}/complete`, { variables });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
    };
    const c: Ctx = { key, id, code, token, open, work, status };

    // Appraisal asks for a supplement: the clock stops and the citizen sees what to bring.
    await status('IN_PROCESSING');
    const original = (await caseState(p.db, key))!.appointmentAt;
    await work('ThamDinh', o.reviewGroup, { ketQuaThamDinh: 'can-bo-sung', lyDoBoSung: 'Bổ sung bản chụp giấy tờ rõ nét hơn' });
    await status('SUPPLEMENT_REQUESTED_IN_PROCESSING');
    expect((await caseState(p.db, key))!.paused).toBe(true);
    const asked = await pub('GET', `/api/public/dossiers/${code}`, { token });
    expect(asked.body.holder).toMatchObject({ canSupplement: true, supplement: { stage: 'processing', reason: 'Bổ sung bản chụp giấy tờ rõ nét hơn' } });
    expect(
      (await pub('POST', `/api/public/dossiers/${code}/supplement`, { token: 'sai-ma-tra-cuu-0000000000', form: multipart({ note: 'x' }, []) })).status,
    ).toBe(404);
    const supplied = await pub('POST', `/api/public/dossiers/${code}/supplement`, {
      token,
      form: multipart({ note: 'Đã chụp lại giấy tờ' }, [
        { field: `doc:${mandatory[0].code}`, name: 'bo-sung.pdf', type: 'application/pdf', content: pdf('bo sung') },
      ]),
    });
    expect(supplied.status, JSON.stringify(supplied.body)).toBe(202);
    expect((await pub('POST', `/api/public/dossiers/${code}/supplement`, { token, form: multipart({ note: 'Lần hai' }, []) })).status).toBe(409);
    const resumed = await status('IN_PROCESSING');
    const clock = (await caseState(p.db, key))!;
    expect(clock.paused).toBe(false);
    expect(clock.pauses).toHaveLength(1);
    // Seconds apart: the pause holds at most the half-day that began in between, and the appointment
    // moves by exactly that (the hand-computed shifts are in the .clock test).
    expect([0, 0.5]).toContain(clock.pauses[0].workingDays);
    if (clock.pauses[0].workingDays === 0) expect(clock.appointmentAt.toISOString()).toBe(original.toISOString());
    else expect(clock.appointmentAt.getTime()).toBeGreaterThan(original.getTime());
    expect(resumed.appointment_at.toISOString()).toBe(clock.appointmentAt.toISOString());

    await o.process(c);
    const resolved = await status(o.outcome);
    expect(resolved.resolved_at).not.toBeNull();

    await work('TraKetQua', `${entry.deskUnitCode}/officer`, { hinhThucTra: o.returnBy, daKyNhan: true });
    const closed = await waitFor(
      async () => {
        const d = await p.db('dossiers').where({ id }).first();
        return d.closed_at ? d : undefined;
      },
      `dossier ${code} closed`,
      60_000,
    );
    expect(closed.return_method).toBe(o.returnBy === 'tai-quay' ? 'desk' : 'post');
    const final = await pub('GET', `/api/public/dossiers/${code}`, { token });
    expect(final.body).toMatchObject({
      status: o.outcome === 'RESULT_AT_DESK' ? 'RETURNED' : 'NOT_ELIGIBLE',
      currentStep: null,
      holder: { canEvaluate: true, evaluated: false },
    });
    expect(final.body.returnedAt).not.toBeNull();

    // The citizen evaluates once: overall, per stage, per officer who worked the dossier.
    const form = await pub('GET', `/api/public/evaluations/${code}?t=${encodeURIComponent(token)}`);
    expect(form.status, JSON.stringify(form.body)).toBe(200);
    expect(form.body).toMatchObject({ canEvaluate: true, evaluated: false });
    expect(form.body.officers.length).toBeGreaterThanOrEqual(2);
    const body = {
      token,
      overall: 5,
      receipt: 5,
      processing: 4,
      returnStage: 5,
      officers: form.body.officers.map((x: any) => ({ key: x.key, score: 5 })),
      comment: 'Cán bộ hướng dẫn tận tình',
    };
    expect((await pub('POST', `/api/public/evaluations/${code}`, { body })).status).toBe(201);
    const again = await pub('POST', `/api/public/evaluations/${code}`, { body });
    expect(again.status).toBe(409);
    // and the lookup page no longer offers it, but says it was rated
    expect((await pub('GET', `/api/public/dossiers/${code}`, { token })).body.holder).toMatchObject({ canEvaluate: false, evaluated: true });
    expect(again.body.message).toContain(' / ');
    expect(await p.db('dossier_events').where({ dossier_id: id, type: 'evaluation.submitted' })).toHaveLength(1);
    // The citizen was told at each change, the last time with the evaluation link.
    const notices = await p.db('dossier_notices').where({ dossier_id: id }).orderBy('id');
    expect(notices.length).toBeGreaterThanOrEqual(5);
    expect(notices.at(-1).body).toContain(`/danh-gia/${encodeURIComponent(code)}?t=`);
    return c;
  };

  it('household business registration: commune economic division, head of division, desk', { timeout: 300_000 }, async () => {
    await online('mc-dang-ky-ho-kinh-doanh', {
      applicant: 'Nguyễn Văn An',
      reviewGroup: 'XA-TANPHU-KT/officer',
      outcome: 'RESULT_AT_DESK',
      returnBy: 'tai-quay',
      process: async (c) => {
        await c.work('ThamDinh', 'XA-TANPHU-KT/officer', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Tên hộ kinh doanh không trùng' });
        expect((await c.status('PENDING_APPROVAL')).current_step).toBe('Trưởng phòng Kinh tế ký Giấy chứng nhận');
        await c.work('PheDuyet', 'XA-TANPHU-KT/leader', { pheDuyet: 'dong-y' });
      },
    });
  });

  it('construction permit: file check, site inspection, head of division, commune chairman, returned by post', { timeout: 300_000 }, async () => {
    await online('mc-cap-phep-xay-dung-nha-o', {
      applicant: 'Phạm Thị Dung',
      reviewGroup: 'XA-TANPHU-KT/officer',
      outcome: 'RESULT_AT_DESK',
      returnBy: 'buu-chinh',
      process: async (c) => {
        await c.work('ThamDinh', 'XA-TANPHU-KT/officer', { ketQuaThamDinh: 'du-dieu-kien' });
        await c.work('KiemTraThucDia', 'XA-TANPHU-KT/officer', {
          ngayKiemTra: '2026-11-20',
          phuHopQuyHoach: 'phu-hop',
          bienBanKiemTra: 'Phù hợp chỉ giới xây dựng',
        });
        await c.work('XemXetTrinhKy', 'XA-TANPHU-KT/leader', { yKienTruongPhong: 'Trình ký' });
        await c.work('PheDuyet', 'XA-TANPHU/leader', { pheDuyet: 'dong-y' });
      },
    });
  });

  it('judicial record certificate: justice department with the police leg (liên thông), director, provincial desk', { timeout: 300_000 }, async () => {
    await online('mc-cap-phieu-ly-lich-tu-phap', {
      applicant: 'Lê Văn Cường',
      reviewGroup: 'STP-HCTP/officer',
      outcome: 'RESULT_AT_DESK',
      returnBy: 'tai-quay',
      process: async (c) => {
        await c.work('ThamDinh', 'STP-HCTP/officer', { ketQuaThamDinh: 'du-dieu-kien' });
        const away = await c.status('AWAITING_INTERAGENCY');
        expect(away.current_unit_code).toBe('CAT');
        // The public lookup shows the police division as the unit handling it now.
        await c.open('TraCuuCongAn');
        const look = await pub('GET', `/api/public/dossiers/${c.code}`);
        expect(look.body.currentUnitName).toBe(DEMO_UNITS.find((u) => u.code === 'CAT-PV06')!.name);
        await c.work('TraCuuCongAn', 'CAT-PV06/officer', { ketQuaTraCuu: 'khong-co-an-tich', noiDungTraCuu: 'Không có án tích' });
        await c.status('IN_PROCESSING');
        const leg = await p.db('dossier_transfers').where({ dossier_id: c.id }).first();
        expect(leg).toMatchObject({ to_unit_code: 'CAT', on_time: true });
        expect(leg.returned_at).not.toBeNull();
        await c.work('LapPhieu', 'STP-HCTP/officer', { loaiPhieu: 'so-1', soPhieu: '99/LLTP' });
        await c.work('PheDuyet', 'STP/leader', { pheDuyet: 'dong-y' });
      },
    });
  });

  it('birth registration: civil-status officer finds it not eligible, the notice is returned at the desk', { timeout: 300_000 }, async () => {
    const reason = 'Giấy chứng sinh không khớp thông tin người mẹ';
    const c = await online('mc-dang-ky-khai-sinh', {
      applicant: 'Trần Thị Bình',
      reviewGroup: 'XA-TANPHU-VP/officer',
      outcome: 'NOT_ELIGIBLE',
      returnBy: 'tai-quay',
      process: async (c) => {
        await c.work('ThamDinh', 'XA-TANPHU-VP/officer', { ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: reason });
      },
    });
    expect((await p.db('dossiers').where({ id: c.id }).first()).status_reason).toBe(reason);
  });

  it('pharmacy practice certificate: health department, advisory council, director sends it back once', { timeout: 300_000 }, async () => {
    await online('mc-cap-chung-chi-hanh-nghe-duoc', {
      applicant: 'Hoàng Văn Em',
      reviewGroup: 'SYT-NVD/officer',
      outcome: 'RESULT_AT_DESK',
      returnBy: 'buu-chinh',
      process: async (c) => {
        await c.work('ThamDinh', 'SYT-NVD/officer', { ketQuaThamDinh: 'du-dieu-kien' });
        await c.work('HoiDongTuVan', 'SYT-NVD/leader', { phamViHanhNghe: 'Nhà thuốc', bienBanHoiDong: 'Đề nghị cấp' });
        await c.work('PheDuyet', 'SYT/leader', { pheDuyet: 'tham-dinh-lai', yKienLanhDao: 'Xác minh văn bằng' });
        await c.status('IN_PROCESSING');
        await c.work('ThamDinh', 'SYT-NVD/officer', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Văn bằng hợp lệ' });
        await c.work('HoiDongTuVan', 'SYT-NVD/leader', { phamViHanhNghe: 'Nhà thuốc', bienBanHoiDong: 'Giữ đề nghị' });
        await c.work('PheDuyet', 'SYT/leader', { pheDuyet: 'dong-y' });
      },
    });
  });
});
