import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, explainedWait, login, waitFor, type Client } from './helpers/fixtures.js';
import { lawChangeModels, withoutTimeLimits as strip } from './helpers/law-change-bpmn.js';
import { rawZeebeClient } from './helpers/raw-zeebe.js';
import { insertDossier } from './helpers/onestop.js';
import { loadCalendar } from '../domain/deadlines/calendar-store.js';
import { stepTimes } from '../domain/deadlines/compute.js';

/**
 * Issue 20, item 1 "A law change reaches running dossiers": a legal document in the register, a procedure
 * citing it, a new version published because it changed (a longer time limit, one step redrawn), the plan
 * of the running cases of the old version (one at a user task, one waiting on an intermediate timer, one
 * inside a called process, one at the redrawn step) and its execution through Zeebe's process instance
 * migration, on the real broker.
 *
 * Zeebe 8.6.0 refuses to migrate any instance of a process that has a start execution listener on the
 * process (camunda/camunda#33237: the completed listener job stays referenced by the process element
 * instance): the deadline pattern therefore counts the appointment as the start event ends
 * (engine/deadline-pattern.ts), and the platform's procedures migrate like a process deployed straight to
 * the engine. A refusal by the engine would still be named per case with the engine's words
 * (LAW_MIGRATION_ENGINE_REFUSED) and change nothing.
 */
describe('a law change reaches running dossiers', () => {
  let p: TestPlatform;
  const tag = Date.now().toString(36);
  let admin: Client, designer: Client, officer: Client, leader: Client;
  let unit: string;
  let m: ReturnType<typeof lawChangeModels>;
  const number = `${Number.parseInt(tag.slice(-4), 36)}/2026/NĐ-CP`;
  let documentId: number;
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());

  const put = async (c: Client, url: string, body: unknown) => {
    const r = await p.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${c.token}` }, payload: body as object });
    return { status: r.statusCode, body: r.json() };
  };
  const publish = async (id: string, xml: string, extra: Record<string, unknown> = {}) => {
    const got = await designer.get(`/api/procedures/${id}`);
    if (got.status === 404) expect((await designer.post('/api/procedures', { bpmnProcessId: id, xml })).status).toBe(201);
    else expect((await put(designer, `/api/procedures/${id}/draft`, { revision: got.body.draft.revision, xml })).status).toBe(200);
    const r = await designer.post(`/api/procedures/${id}/publish`, extra);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  /** The open inbox task of an element in the case or in an instance it called. */
  // (a CI run once waited here in vain: when the wait runs out it says what the engine did with the case)
  const openTask = (rootKey: string, elementId: string) =>
    explainedWait(
      waitFor(async () => {
        const r = await officer.get('/api/tasks?view=personal&limit=100');
        return (r.body?.items as any[] | undefined)?.find(
          (t) => t.elementId === elementId && (t.rootCase?.processInstanceKey ?? t.processInstanceKey) === rootKey,
        );
      }, `${elementId} of ${rootKey}`),
      p.db,
      rootKey,
    );
  const work = async (taskId: string) => {
    expect((await officer.post(`/api/tasks/${taskId}/claim`)).status).toBe(200);
    const done = await officer.post(`/api/tasks/${taskId}/complete`, { variables: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  };
  /** Starts a case going `huong` and brings it past reception ('tiepnhan': left there). */
  const startCase = async (bpmnProcessId: string, huong: 'thang' | 'cho' | 'lienthong' | 'tiepnhan') => {
    const r = await officer.post('/api/process-instances', { bpmnProcessId, variables: { huong } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const key = r.body.processInstanceKey as string;
    const reception = await openTask(key, 'TiepNhan');
    if (huong !== 'tiepnhan') await work(reception.id);
    return key;
  };
  const historyVersion = async (key: string) =>
    (await p.db('hist_process_instances').where({ process_instance_key: key }).first('version', 'state')) as { version: number; state: string };
  const activeAt = (key: string, elementId: string) =>
    waitFor(
      async () => (await p.db('hist_element_instances').where({ process_instance_key: key, element_id: elementId, state: 'active' }).first()) ?? false,
      `${key} at ${elementId}`,
    );

  beforeAll(async () => {
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    unit = await createUnit(p.db, { parentCode: 'TINH' });
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: unit }));
    m = lawChangeModels(tag, { desk: `${unit}/officer`, division: `${unit}/officer`, partner: `${unit}/officer` });
  });
  afterAll(async () => p?.close());

  it('keeps the register: documents with a unique number, cited by a procedure, printed on its sheet', async () => {
    const body = {
      number,
      kind: 'nghi_dinh',
      issuer: 'Chính phủ',
      signedOn: '2026-12-01',
      effectiveOn: today,
      title: 'quy định thời hạn giải quyết thủ tục thử',
    };
    const created = await designer.post('/api/legal/documents', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    documentId = created.body.id;
    const again = await admin.post('/api/legal/documents', body);
    expect([again.status, again.body.code]).toEqual([409, 'LEGAL_DOCUMENT_EXISTS']);
    expect((await officer.post('/api/legal/documents', { ...body, number: `x${number}` })).status).toBe(403);
    expect((await admin.post('/api/legal/documents', { ...body, number: '<script>' })).status).toBe(400);
    // a national standard's number, with its spaces and colon, is a number like the others; stray spaces are not
    const standard = `TCVN ${number.replace(/\//g, '')} 9001:2015`;
    const tcvn = await admin.post('/api/legal/documents', { ...body, kind: 'tieu_chuan', number: standard });
    expect(tcvn.status, JSON.stringify(tcvn.body)).toBe(201);
    expect(tcvn.body.number).toBe(standard);
    for (const bad of [` ${standard}`, `${standard} `, standard.replace(' ', '  ')])
      expect((await admin.post('/api/legal/documents', { ...body, number: bad })).status, bad).toBe(400);

    await publish(m.ids.child, m.child);
    await publish(m.ids.root, m.root(1));
    const cited = await put(designer, `/api/legal/procedures/${m.ids.root}/citations`, { citations: [{ documentId, article: 'Điều 11' }] });
    expect(cited.status, JSON.stringify(cited.body)).toBe(200);
    expect((await put(designer, `/api/legal/procedures/${m.ids.root}/citations`, { citations: [{ documentId: 2147483600, article: '' }] })).body.code).toBe(
      'LEGAL_DOCUMENT_NOT_FOUND',
    );
    expect((await put(officer, `/api/legal/procedures/${m.ids.root}/citations`, { citations: [] })).status).toBe(403);
    const sheet = (await officer.get(`/api/procedures/${m.ids.root}/versions/1/sheet`)).body;
    expect(sheet.legalBasis).toEqual([`Điều 11 Nghị định ${number} ngày 01/12/2026 của Chính phủ quy định thời hạn giải quyết thủ tục thử`]);
    const citing = await leader.get(`/api/legal/documents/${documentId}/procedures`);
    expect(citing.body.items).toEqual([expect.objectContaining({ bpmnProcessId: m.ids.root, articles: ['Điều 11'], publishedVersion: 1 })]);
  });

  it('plans the migration of the running cases: mapping from the diff, the redrawn step named, due dates under the new limits', async () => {
    const keys = {
      task: await startCase(m.ids.root, 'thang'),
      timer: await startCase(m.ids.root, 'cho'),
      called: await startCase(m.ids.root, 'lienthong'),
      redrawn: await startCase(m.ids.root, 'tiepnhan'),
    };
    await openTask(keys.task, 'ThamDinh');
    await activeAt(keys.timer, 'ChoNiemYet');
    await openTask(keys.called, 'PheDuyet');
    const v2 = await publish(m.ids.root, m.root(2), { legalChange: { legalDocumentId: documentId, changeDate: today, dueDatePolicy: 'from-change-date' } });
    expect(v2.version).toBe(2);
    const refused = await designer.post(`/api/procedures/${m.ids.root}/publish`, {
      legalChange: { legalDocumentId: 2147483600, changeDate: today, dueDatePolicy: 'received-after' },
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);

    for (const c of [designer, officer, leader]) expect((await c.get(`/api/legal/migrations/plan?bpmnProcessId=${m.ids.root}&from=1&to=2`)).status).toBe(403);
    const plan = await admin.get(`/api/legal/migrations/plan?bpmnProcessId=${m.ids.root}&from=1&to=2`);
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    const b = plan.body;
    expect(b.rule).toMatchObject({ policy: 'from-change-date', changeDate: today, recorded: true, legalDocument: { id: documentId, number } });
    expect(b.mapping.removed.map((e: any) => e.elementId)).toEqual(['TiepNhan']);
    expect(b.mapping.added.map((e: any) => e.elementId)).toEqual(['TiepNhanHoSo']);
    expect(b.mapping.mapped.map((e: any) => e.sourceElementId)).toEqual(expect.arrayContaining(['ThamDinh', 'ChoNiemYet', 'GoiLienThong']));
    expect(b.limits.process).toEqual({ before: { value: 10, unit: 'working_days' }, after: { value: 15, unit: 'working_days' } });
    expect(b.limits.steps).toEqual(expect.arrayContaining([expect.objectContaining({ elementId: 'ThamDinh', before: 3, after: 5 })]));
    const byKey = Object.fromEntries(b.cases.map((c: any) => [c.processInstanceKey, c]));
    expect(Object.keys(byKey).sort()).toEqual(Object.values(keys).sort());

    const redrawn = byKey[keys.redrawn];
    expect(redrawn.migratable).toBe(false);
    expect(redrawn.reasons).toEqual([
      expect.objectContaining({ code: 'LAW_MIGRATION_ELEMENT_REMOVED', params: { element: 'TiepNhan', name: 'Tiếp nhận hồ sơ', version: 2 } }),
    ]);

    const task = byKey[keys.task];
    expect(task.migratable).toBe(true);
    expect(task.mapping).toEqual([{ sourceElementId: 'ThamDinh', targetElementId: 'ThamDinh' }]); // its deadline timers are set anew
    expect(task.steps).toEqual([expect.objectContaining({ elementId: 'ThamDinh', limitBefore: 3, limitAfter: 5, rule: 'new-limit-from-start' })]);
    expect(Date.parse(task.steps[0].after.due)).toBeGreaterThan(Date.parse(task.steps[0].before.due));
    expect(task.appointment).toMatchObject({ rule: 'new-limit-from-start', limitBefore: { value: 10 }, limitAfter: { value: 15 } });
    expect(Date.parse(task.appointment.after)).toBeGreaterThan(Date.parse(task.appointment.before));

    expect(byKey[keys.timer]).toMatchObject({ migratable: true, activeElements: [expect.objectContaining({ elementId: 'ChoNiemYet' })] });
    const called = byKey[keys.called];
    expect(called.migratable).toBe(true);
    expect(called.called).toEqual([expect.objectContaining({ bpmnProcessId: m.ids.child, targetVersion: null, migratable: true })]);

    // hostile input changes nothing
    expect((await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: ['abc'] })).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => String(9_000_000 + i));
    expect((await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: many })).status).toBe(400);
    const unknown = await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: ['123456789'] });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'LAW_MIGRATION_CASE_UNKNOWN']);
    expect((await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 9, cases: [keys.task] })).status).toBe(404);
    expect((await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 1, cases: [keys.task] })).body.code).toBe(
      'LAW_MIGRATION_SAME_VERSION',
    );
    expect((await designer.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: [keys.task] })).status).toBe(403);

    // The platform's own procedure migrates: the case's appointment is counted as the start event ends, not by a
    // start listener on the process, which Zeebe 8.6.0 would refuse to migrate (camunda/camunda#33237)
    const dueBefore = (await openTask(keys.task, 'ThamDinh')).dueDate as string;
    const run = await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: Object.values(keys) });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const out = Object.fromEntries(run.body.items.map((i: any) => [i.processInstanceKey, i]));
    expect(out[keys.redrawn]).toMatchObject({ outcome: 'refused', reasons: [expect.objectContaining({ code: 'LAW_MIGRATION_ELEMENT_REMOVED' })] });
    for (const k of [keys.task, keys.timer, keys.called]) {
      expect(out[k], JSON.stringify(out[k])).toMatchObject({ outcome: 'migrated' });
      await waitFor(async () => (await historyVersion(k)).version === 2, `${k} on version 2 in the history`);
    }
    expect((await historyVersion(keys.redrawn)).version).toBe(1);
    // the step's due date follows the new limit (3 → 5 working days, counted from the step's start), and the task
    // continues on version 2
    const moved = await waitFor(async () => {
      const t = await openTask(keys.task, 'ThamDinh');
      return t.processVersion === 2 && Date.parse(t.dueDate) > Date.parse(dueBefore) ? t : false;
    }, 'the task on version 2 with its new due date');
    expect(Date.parse(moved.dueDate)).toBe(Date.parse(task.steps[0].after.due));
    // and inside the engine the step's reminder and escalation timers wait for the new moments: the old ones were
    // cancelled, the new version's are set from the step's new dates
    const stepKey = (await activeAt(keys.task, 'ThamDinh')).element_instance_key;
    const timers = async () => {
      const rows = (await p
        .db('zeebe_record')
        .where({ value_type: 'TIMER' })
        .whereRaw(`body->'value'->>'elementInstanceKey' = ?`, [String(stepKey)])
        .orderBy('position')
        .select('record_key', 'intent', p.db.raw(`(body->'value'->>'dueDate')::bigint AS due`))) as { record_key: string; intent: string; due: string }[];
      const ended = new Set(rows.filter((t) => t.intent !== 'CREATED').map((t) => t.record_key));
      return {
        waiting: rows.filter((t) => t.intent === 'CREATED' && !ended.has(t.record_key)).map((t) => Number(t.due)),
        cancelled: rows.filter((t) => t.intent === 'CANCELED').map((t) => Number(t.due)),
      };
    };
    const newMoments = [Date.parse(task.steps[0].after.remind), Date.parse(task.steps[0].after.due)].sort();
    const engineTimers = await waitFor(async () => {
      const t = await timers();
      return JSON.stringify([...t.waiting].sort()) === JSON.stringify(newMoments) ? t : false;
    }, "the step's timers set for its new dates");
    expect(engineTimers.cancelled.sort()).toEqual([Date.parse(task.steps[0].before.remind), Date.parse(task.steps[0].before.due)].sort());
    await work(moved.id);
    await waitFor(async () => (await historyVersion(keys.task)).state === 'completed', 'the migrated case of the procedure finished');
    const audit = await p
      .db('audit_log')
      .where({ action: 'case.migrate', actor: admin.user.username })
      .whereIn('target_id', Object.values(keys))
      .pluck('target_id');
    expect(audit.sort()).toEqual([keys.task, keys.timer, keys.called].sort());
    const again = await admin.post('/api/legal/migrations', { bpmnProcessId: m.ids.root, from: 1, to: 2, cases: [keys.timer] });
    expect(again.body.items).toEqual([expect.objectContaining({ processInstanceKey: keys.timer, outcome: 'already' })]);
  });

  it('migrates the cases of a process deployed straight to the engine: a user task, a timer, a called process; a second run does nothing', async () => {
    const raw = rawZeebeClient();
    const r = lawChangeModels(`r${tag}`, { desk: `${unit}/officer`, division: `${unit}/officer`, partner: `${unit}/officer` });
    try {
      await raw.deployResource({ process: Buffer.from(strip(r.child)), name: `${r.ids.child}.bpmn` });
      await raw.deployResource({ process: Buffer.from(strip(r.root(1))), name: `${r.ids.root}.bpmn` });
      await waitFor(
        async () => (await p.db('process_definitions').where({ bpmn_process_id: r.ids.root, version: 1 }).first()) ?? false,
        'v1 learnt from the engine',
      );
      const keys = {
        task: await startCase(r.ids.root, 'thang'),
        timer: await startCase(r.ids.root, 'cho'),
        called: await startCase(r.ids.root, 'lienthong'),
        redrawn: await startCase(r.ids.root, 'tiepnhan'),
      };
      await openTask(keys.task, 'ThamDinh');
      await activeAt(keys.timer, 'ChoNiemYet');
      const partner = await openTask(keys.called, 'PheDuyet');
      await raw.deployResource({ process: Buffer.from(strip(r.root(2))), name: `${r.ids.root}.bpmn` });
      await waitFor(
        async () => (await p.db('process_definitions').where({ bpmn_process_id: r.ids.root, version: 2 }).first()) ?? false,
        'v2 learnt from the engine',
      );

      const plan = await admin.get(`/api/legal/migrations/plan?bpmnProcessId=${r.ids.root}&from=1&to=2`);
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      expect(plan.body.rule.recorded).toBe(false);
      const run = await admin.post('/api/legal/migrations', { bpmnProcessId: r.ids.root, from: 1, to: 2, cases: Object.values(keys) });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
      const out = Object.fromEntries(run.body.items.map((i: any) => [i.processInstanceKey, i]));
      expect(out[keys.redrawn]).toMatchObject({ outcome: 'refused', reasons: [expect.objectContaining({ code: 'LAW_MIGRATION_ELEMENT_REMOVED' })] });
      for (const k of [keys.task, keys.timer, keys.called]) expect(out[k], JSON.stringify(out[k])).toMatchObject({ outcome: 'migrated' });
      expect(out[keys.called].called).toEqual([expect.objectContaining({ outcome: 'stays' })]);
      for (const k of [keys.task, keys.timer, keys.called])
        await waitFor(async () => (await historyVersion(k)).version === 2, `${k} on version 2 in the history`);
      expect((await historyVersion(keys.redrawn)).version).toBe(1);

      // the task continues on version 2: completing it finishes the case
      const appraisal = await openTask(keys.task, 'ThamDinh');
      expect(appraisal.processVersion).toBe(2);
      await work(appraisal.id);
      await waitFor(async () => (await historyVersion(keys.task)).state === 'completed', 'the migrated case finished');
      // the called process's step, then the root's appraisal on version 2
      await work(partner.id);
      const after = await openTask(keys.called, 'ThamDinh');
      expect(after.processVersion).toBe(2);
      await work(after.id);
      await waitFor(async () => (await historyVersion(keys.called)).state === 'completed', 'the case of the called process finished');

      const audit = await p.db('audit_log').where({ action: 'case.migrate' }).whereIn('target_id', Object.values(keys)).select('target_id', 'after');
      expect(audit.map((a: any) => a.target_id).sort()).toEqual([keys.task, keys.timer, keys.called].sort());
      expect(audit[0].after).toMatchObject({ version: 2 });

      const again = await admin.post('/api/legal/migrations', { bpmnProcessId: r.ids.root, from: 1, to: 2, cases: [keys.timer] });
      expect(again.body.items).toEqual([expect.objectContaining({ processInstanceKey: keys.timer, outcome: 'already' })]);
      expect(await p.db('case_migrations').where({ process_instance_key: keys.timer, outcome: 'migrated' }).count('* as n').first()).toEqual({ n: '1' });
    } finally {
      await raw.close();
    }
  });

  it("moves the platform's dates with the case: the step's due date and the appointment under the new limits, the dossier's citizen told", async () => {
    // A process deployed straight to the engine keeps its time limits in the model (3 → 5 days, 10 → 15) but has
    // no deadline listeners: the platform's records of its dates are written here as the listeners would.
    const raw = rawZeebeClient();
    const r = lawChangeModels(`d${tag}`, { desk: `${unit}/officer`, division: `${unit}/officer`, partner: `${unit}/officer` });
    try {
      await raw.deployResource({ process: Buffer.from(r.child), name: `${r.ids.child}.bpmn` });
      await raw.deployResource({ process: Buffer.from(r.root(1)), name: `${r.ids.root}.bpmn` });
      const v1 = await waitFor(
        async () => (await p.db('process_definitions').where({ bpmn_process_id: r.ids.root, version: 1 }).first()) ?? false,
        'v1 learnt',
      );
      const key = await startCase(r.ids.root, 'thang');
      await openTask(key, 'ThamDinh');
      const cal = await loadCalendar(p.db);
      const receivedAt = new Date();
      const appointment = cal.dueOf(receivedAt, { value: 10, unit: 'working_days' }, null);
      await p.db('case_deadlines').insert({
        process_instance_key: key,
        process_definition_key: v1.process_definition_key,
        bpmn_process_id: r.ids.root,
        unit_code: null,
        time_limit_days: 10,
        time_limit_unit: 'working_days',
        received_at: receivedAt,
        original_appointment_at: appointment,
        appointment_at: appointment,
      });
      const startedAt = new Date();
      const old = stepTimes(cal, startedAt, 3, null);
      await p.db('step_deadlines').insert({
        element_instance_key: (await activeAt(key, 'ThamDinh')).element_instance_key,
        process_instance_key: key,
        process_definition_key: v1.process_definition_key,
        bpmn_process_id: r.ids.root,
        element_id: 'ThamDinh',
        unit_code: null,
        time_limit_days: 3,
        started_at: startedAt,
        due_at: old.due,
        remind_at: old.remind,
      });
      const catalogue = (await p.db('onestop_procedures').first('code')) as { code: string };
      const dossier = await insertDossier(p.db, catalogue.code, {
        process_instance_key: key,
        bpmn_process_id: r.ids.root,
        process_version: 1,
        appointment_at: appointment,
        original_appointment_at: appointment,
        received_at: receivedAt,
      });
      await raw.deployResource({ process: Buffer.from(r.root(2)), name: `${r.ids.root}.bpmn` });
      await waitFor(async () => (await p.db('process_definitions').where({ bpmn_process_id: r.ids.root, version: 2 }).first()) ?? false, 'v2 learnt');

      const plan = (await admin.get(`/api/legal/migrations/plan?bpmnProcessId=${r.ids.root}&from=1&to=2`)).body;
      const c = plan.cases.find((x: any) => x.processInstanceKey === key);
      const newAppointment = cal.dueOf(receivedAt, { value: 15, unit: 'working_days' }, null);
      const newStep = stepTimes(cal, startedAt, 5, null);
      // no law change recorded with a version deployed outside the platform: the new limits for dossiers received from its deployment (today)
      expect(c.appointment).toMatchObject({ rule: 'new-limit-from-start', before: appointment.toISOString(), after: newAppointment.toISOString() });
      expect(c.steps).toEqual([
        expect.objectContaining({
          elementId: 'ThamDinh',
          limitBefore: 3,
          limitAfter: 5,
          after: { due: newStep.due.toISOString(), remind: newStep.remind.toISOString() },
        }),
      ]);

      const run = await admin.post('/api/legal/migrations', { bpmnProcessId: r.ids.root, from: 1, to: 2, cases: [key] });
      expect(run.body.items).toEqual([expect.objectContaining({ outcome: 'migrated', appointmentMoved: true })]);
      expect(Date.parse((await openTask(key, 'ThamDinh')).dueDate)).toBe(newStep.due.getTime());
      const clock = await p.db('case_deadlines').where({ process_instance_key: key }).first();
      expect([clock.appointment_at.getTime(), Number(clock.time_limit_days)]).toEqual([newAppointment.getTime(), 15]);
      const d = await p.db('dossiers').where({ id: dossier.id }).first('appointment_at', 'process_version');
      expect([d.appointment_at.getTime(), d.process_version]).toEqual([newAppointment.getTime(), 2]);
      const notice = await p.db('dossier_notices').where({ dossier_id: dossier.id }).orderBy('id', 'desc').first('body', 'email');
      expect(notice.body).toContain('ngày hẹn trả kết quả chuyển từ');
      expect(notice.email).toBe('an@example.vn');
      const lookup = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${dossier.code}`, headers: { 'x-lookup-token': dossier.lookup_token } });
      expect(lookup.statusCode).toBe(200);
      // the citizen's page shows the notice of the moved appointment
      expect(lookup.body).toContain('ngày hẹn trả kết quả chuyển từ');
      const again = await admin.post('/api/legal/migrations', { bpmnProcessId: r.ids.root, from: 1, to: 2, cases: [key] });
      expect(again.body.items[0].outcome).toBe('already');
      expect(await p.db('dossier_notices').where({ dossier_id: dossier.id }).count('* as n').first()).toEqual({ n: '1' });
    } finally {
      await raw.close();
    }
  });
});
