import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, explainedWait, login, waitFor, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';

interface ModelOptions {
  name?: string;
  tiepNhanLimit?: string | null;
  xuLyLimit?: string | null;
  xuLyName?: string;
  total?: string | null;
  jobType?: string;
  /** BoSung ends nowhere instead of looping back to reception. */
  deadEnd?: boolean;
  xuLyGroup?: string;
}

const header = (key: string, value: string | null | undefined) => (value == null ? '' : `<zeebe:header key="${key}" value="${value}" />`);

/**
 * A small procedure: reception (one-stop officer) → "needs more papers?" → processing (land division)
 * → notify the citizen → end; "more papers" loops back to reception through BoSung.
 */
function procedureXml(id: string, o: ModelOptions = {}): string {
  const opt = {
    name: 'Cấp bản sao hồ sơ địa chính',
    tiepNhanLimit: '0.5',
    xuLyLimit: '3',
    xuLyName: 'Xử lý hồ sơ',
    total: '5',
    jobType: 'notify-citizen',
    xuLyGroup: 'SNNMT-QLDD/officer',
    ...o,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_1" targetNamespace="http://eiso.gov.vn/bpmn">
  <bpmn:process id="${id}" name="${opt.name}" isExecutable="true">
    <bpmn:extensionElements>${opt.total == null ? '' : `<zeebe:properties><zeebe:property name="eiso.timeLimit" value="${opt.total}" /></zeebe:properties>`}</bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Nhận yêu cầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="GopTiepNhan"><bpmn:incoming>F1</bpmn:incoming>${opt.deadEnd ? '' : '<bpmn:incoming>F6</bpmn:incoming>'}<bpmn:outgoing>F2</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="TiepNhan" name="Tiếp nhận hồ sơ">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="SNNMT-VP/officer" />
        <zeebe:formDefinition formKey="app:tiep-nhan-ho-so" />
        <zeebe:taskHeaders>${header('eiso.timeLimit', opt.tiepNhanLimit)}${header('eiso.records', 'Phiếu tiếp nhận; Sổ theo dõi hồ sơ')}${header('eiso.isoClauses', '8.2.3')}${header('eiso.instructions', 'Kiểm tra thành phần hồ sơ')}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="CanBoSung" name="Cần bổ sung?" default="F4"><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing><bpmn:outgoing>F5</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="BoSung" name="Yêu cầu bổ sung hồ sơ">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="SNNMT-VP/officer" />
        <zeebe:taskHeaders>${header('eiso.timeLimit', '1')}${header('eiso.records', 'Phiếu yêu cầu bổ sung')}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F5</bpmn:incoming>${opt.deadEnd ? '' : '<bpmn:outgoing>F6</bpmn:outgoing>'}
    </bpmn:userTask>
    <bpmn:userTask id="XuLy" name="${opt.xuLyName}">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${opt.xuLyGroup}" />
        <zeebe:formDefinition formKey="app:tham-dinh-ho-so" />
        <zeebe:taskHeaders>${header('eiso.timeLimit', opt.xuLyLimit)}${header('eiso.records', 'Phiếu xử lý')}${header('eiso.isoClauses', '8.5.1')}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F7</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sendTask id="ThongBao" name="Thông báo kết quả cho công dân">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${opt.jobType}" />
        <zeebe:taskHeaders>${header('eiso.subject', 'Hồ sơ {{maHoSo}} đã có kết quả')}${header('eiso.message', 'Kính gửi {{nguoiNop}}, hồ sơ của ông/bà đã được xử lý.')}</zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F7</bpmn:incoming><bpmn:outgoing>F8</bpmn:outgoing>
    </bpmn:sendTask>
    <bpmn:endEvent id="KetThuc" name="Hoàn thành"><bpmn:incoming>F8</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="GopTiepNhan" />
    <bpmn:sequenceFlow id="F2" sourceRef="GopTiepNhan" targetRef="TiepNhan" />
    <bpmn:sequenceFlow id="F3" sourceRef="TiepNhan" targetRef="CanBoSung" />
    <bpmn:sequenceFlow id="F4" name="Đủ" sourceRef="CanBoSung" targetRef="XuLy" />
    <bpmn:sequenceFlow id="F5" name="Thiếu" sourceRef="CanBoSung" targetRef="BoSung"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=boSung = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    ${opt.deadEnd ? '' : '<bpmn:sequenceFlow id="F6" sourceRef="BoSung" targetRef="GopTiepNhan" />'}
    <bpmn:sequenceFlow id="F7" sourceRef="XuLy" targetRef="ThongBao" />
    <bpmn:sequenceFlow id="F8" sourceRef="ThongBao" targetRef="KetThuc" />
  </bpmn:process>
</bpmn:definitions>
`;
}

const PDF_TEXT = existsSync('/usr/bin/pdftotext');

describe('procedures: drafts, validation, versions and the procedure sheet', () => {
  let p: TestPlatform;
  let designer: Client;
  let reception: Client; // SNNMT-VP officer
  let specialist: Client; // SNNMT-QLDD officer
  let auditor: Client;
  let leader: Client;

  beforeAll(async () => {
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
  });
  afterAll(async () => p?.close());

  const put = async (who: Client, url: string, payload: unknown) => {
    const r = await p.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${who.token}` }, payload: payload as object });
    return { status: r.statusCode, body: r.json() };
  };
  const patch = async (who: Client, url: string, payload: unknown) => {
    const r = await p.app.inject({ method: 'PATCH', url, headers: { authorization: `Bearer ${who.token}` }, payload: payload as object });
    return { status: r.statusCode, body: r.json() };
  };
  const getRaw = (who: Client, url: string) => p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.token}` } });

  // a CI run once waited here in vain: when the wait runs out it says what the engine did with the instance
  const nextTask = (who: Client, instanceKey: string, elementId: string) =>
    explainedWait(
      waitFor(async () => {
        // narrowed to the case: other files offer tasks to the same units meanwhile
        const r = await who.get(`/api/tasks?scope=all&caseCode=${instanceKey}`);
        return (r.body.items as any[]).find((t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open');
      }, `${elementId} in the inbox of ${who.user.username}`),
      p.db,
      instanceKey,
    );

  const completeTask = async (who: Client, id: string, variables: Record<string, unknown>) => {
    expect((await who.post(`/api/tasks/${id}/claim`)).status).toBe(200);
    expect((await who.post(`/api/tasks/${id}/complete`, { variables })).status).toBe(200);
  };

  const runningPerVersion = async (id: string) => {
    const r = await designer.get(`/api/procedures/${id}`);
    return Object.fromEntries((r.body.versions as any[]).map((v) => [v.version, v.runningInstances]));
  };

  it('is designed, autosaved, validated, published in versions, retired, and printed as a sheet', async () => {
    const id = `cap-ban-sao-${Date.now()}`;
    // Given a new procedure from the blank template
    const created = await designer.post('/api/procedures', {
      bpmnProcessId: id,
      name: 'Cấp bản sao hồ sơ địa chính',
      code: 'QT-DD-02',
      purpose: 'Cấp bản sao hồ sơ địa chính đúng thời hạn.',
      scope: 'Văn phòng Sở và Phòng Quản lý đất đai.',
      legalBasis: 'Luật Đất đai số 31/2024/QH15\nNghị định 101/2024/NĐ-CP',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      bpmnProcessId: id,
      name: 'Cấp bản sao hồ sơ địa chính',
      code: 'QT-DD-02',
      createdBy: designer.user.username,
      versions: [],
      draft: { revision: 1, changedSincePublish: true },
    });
    expect(created.body.draft.xml).toContain(`<bpmn:process id="${id}"`);
    expect(created.body.events).toEqual([expect.objectContaining({ kind: 'created', actor: designer.user.username, version: null })]);
    const listed = await leader.get('/api/procedures');
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((x: any) => x.bpmnProcessId === id)).toMatchObject({
      draftRevision: 1,
      latestVersion: null,
      publishedVersions: 0,
      runningInstances: 0,
    });

    // When the modeler autosaves a model with four mistakes
    const broken = procedureXml(id, { xuLyLimit: null, deadEnd: true, total: '1', jobType: 'send-sms' });
    const saved = await put(designer, `/api/procedures/${id}/draft`, { revision: 1, xml: broken });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ revision: 2, updatedBy: designer.user.username, xml: broken });
    // and a second tab saves on top of the revision it loaded: refused, nothing overwritten
    const stale = await put(designer, `/api/procedures/${id}/draft`, { revision: 1, xml: procedureXml(id) });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'REVISION_CONFLICT', currentRevision: 2, updatedBy: designer.user.username });
    expect(stale.body.message).toMatch(/Bản nháp đã được .* lưu/);
    expect((await designer.get(`/api/procedures/${id}`)).body.draft).toMatchObject({ revision: 2, xml: broken });

    // Then validation names each mistake's element
    const report = await designer.post(`/api/procedures/${id}/validate`, {});
    expect(report.status).toBe(200);
    expect(report.body.ok).toBe(false);
    const byRule = (rule: string) => (report.body.errors as any[]).filter((e) => e.rule === rule);
    expect(byRule('eiso/user-task-time-limit').map((e) => e.elementId)).toEqual(['XuLy']);
    expect(byRule('eiso/user-task-time-limit')[0].message).toContain('Xử lý hồ sơ');
    expect(byRule('eiso/dead-end').map((e) => e.elementId)).toEqual(['BoSung']);
    expect(byRule('eiso/job-type-worker').map((e) => e.elementId)).toEqual(['ThongBao']);
    expect(byRule('eiso/job-type-worker')[0].message).toContain('send-sms');
    expect(byRule('eiso/process-time-limit').map((e) => e.elementId)).toEqual([id]);
    // longest path: TiepNhan 0.5 + BoSung 1 (XuLy has no limit) > 1
    expect(byRule('eiso/process-time-limit')[0].message).toMatch(/\(1 ngày làm việc, chắc chắn có 1 ngày làm việc\).*\(1\.5 ngày làm việc/);
    // and publishing is refused with the elements, the draft kept, nothing deployed
    const refused = await designer.post(`/api/procedures/${id}/publish`, {});
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('BPMN_INVALID');
    expect(refused.body.elements).toEqual(expect.arrayContaining(['XuLy', 'BoSung', 'ThongBao', id]));
    expect((await designer.get(`/api/procedures/${id}`)).body).toMatchObject({ draft: { revision: 2, xml: broken }, versions: [] });
    expect(await p.db('process_definitions').where({ bpmn_process_id: id }).first()).toBeUndefined();

    // When the designer fixes it, validates and publishes
    const fixed = await put(designer, `/api/procedures/${id}/draft`, { revision: 2, xml: procedureXml(id), forms: loadBundledForms() });
    expect(fixed.body.revision).toBe(3);
    expect((await designer.post(`/api/procedures/${id}/validate`, {})).body).toMatchObject({ ok: true, errors: [] });
    const v1 = await designer.post(`/api/procedures/${id}/publish`, { revision: 3 });
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ version: 1, state: 'published', publishedBy: designer.user.username, retiredAt: null, runningInstances: 0 });
    // publishing the same draft again is refused
    const again = await designer.post(`/api/procedures/${id}/publish`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DRAFT_UNCHANGED');

    // Then an instance starts on version 1 and its first task reaches the one-stop officers only
    const s1 = await reception.post('/api/process-instances', { bpmnProcessId: id, variables: { maHoSo: 'BS-001', nguoiNop: 'Nguyễn Văn An' } });
    expect(s1.status).toBe(201);
    expect(s1.body.version).toBe(1);
    const t1 = await nextTask(reception, s1.body.processInstanceKey, 'TiepNhan');
    expect(t1).toMatchObject({ name: 'Tiếp nhận hồ sơ', candidateGroups: ['SNNMT-VP/officer'], formKey: 'app:tiep-nhan-ho-so', processVersion: 1 });
    expect((await specialist.get(`/api/tasks?scope=all&caseCode=${s1.body.processInstanceKey}`)).body.items.find((t: any) => t.id === t1.id)).toBeUndefined();

    // When the draft changes and version 2 is published
    const edited = await put(designer, `/api/procedures/${id}/draft`, {
      revision: 3,
      xml: procedureXml(id, { xuLyLimit: '2', xuLyName: 'Xử lý và ký hồ sơ' }),
    });
    expect(edited.body).toMatchObject({ revision: 4, changedSincePublish: true });
    const v2 = await designer.post(`/api/procedures/${id}/publish`, {});
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const s2 = await reception.post('/api/process-instances', { bpmnProcessId: id, variables: { maHoSo: 'BS-002', nguoiNop: 'Trần Thị Bình' } });
    expect(s2.body.version).toBe(2);

    // Then each version counts its own running instance
    await waitFor(async () => {
      const c = await runningPerVersion(id);
      return c[1] === 1 && c[2] === 1;
    }, 'one running instance on each version');
    expect((await designer.get('/api/procedures')).body.items.find((x: any) => x.bpmnProcessId === id)).toMatchObject({
      latestVersion: 2,
      latestVersionState: 'published',
      publishedVersions: 2,
      runningInstances: 2,
    });

    // When version 1 is retired
    const retired = await designer.post(`/api/procedures/${id}/versions/1/retire`, {});
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ version: 1, state: 'retired', retiredBy: designer.user.username, runningInstances: 1 });
    expect((await designer.post(`/api/procedures/${id}/versions/1/retire`, {})).status).toBe(409);
    // Then nobody starts version 1 any more; the latest still starts
    const refusedStart = await reception.post('/api/process-instances', { bpmnProcessId: id, version: 1 });
    expect(refusedStart.status).toBe(409);
    expect(refusedStart.body.code).toBe('VERSION_RETIRED');
    expect(refusedStart.body.message).toContain('ngừng áp dụng');
    // and the running instance of version 1 goes on to its end, notifying the citizen
    await completeTask(reception, t1.id, { nguoiNop: 'Nguyễn Văn An', soThua: '12/5', hoSoDayDu: true });
    const t1b = await nextTask(specialist, s1.body.processInstanceKey, 'XuLy');
    expect(t1b.processVersion).toBe(1);
    expect(t1b.name).toBe('Xử lý hồ sơ');
    await completeTask(specialist, t1b.id, { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
    const note = await waitFor(
      async () => p.db('notifications').where({ process_instance_key: s1.body.processInstanceKey }).first(),
      'the citizen notification',
    );
    expect(note).toMatchObject({
      recipient: 'Nguyễn Văn An',
      channel: 'in-app',
      subject: 'Hồ sơ BS-001 đã có kết quả',
      body: 'Kính gửi Nguyễn Văn An, hồ sơ của ông/bà đã được xử lý.',
    });
    await waitFor(async () => (await runningPerVersion(id))[1] === 0, 'version 1 instance completed');
    expect((await runningPerVersion(id))[2]).toBe(1);

    // Retiring the latest version too: starting the procedure without a version is refused
    expect((await designer.post(`/api/procedures/${id}/versions/2/retire`, {})).status).toBe(200);
    expect((await reception.post('/api/process-instances', { bpmnProcessId: id })).status).toBe(409);

    // The history records who did what
    const detail = (await auditor.get(`/api/procedures/${id}`)).body;
    expect(detail.events.map((e: any) => [e.kind, e.version, e.actor])).toEqual([
      ['retired', 2, designer.user.username],
      ['retired', 1, designer.user.username],
      ['published', 2, designer.user.username],
      ['published', 1, designer.user.username],
      ['created', null, designer.user.username],
    ]);

    // Both versions' XML for the visual diff
    const x1 = await auditor.get(`/api/procedures/${id}/versions/1/xml`);
    const x2 = await auditor.get(`/api/procedures/${id}/versions/2/xml`);
    expect(x1.status).toBe(200);
    expect(x1.body.xml).toContain('name="Xử lý hồ sơ"');
    expect(x2.body.xml).toContain('name="Xử lý và ký hồ sơ"');
    expect(Object.keys(x1.body.forms)).toContain('tiep-nhan-ho-so');

    // The procedure sheet of version 1, exactly
    const sheet = await auditor.get(`/api/procedures/${id}/versions/1/sheet`);
    expect(sheet.status).toBe(200);
    const publishedAt = new Date(v1.body.publishedAt);
    expect(sheet.body).toEqual({
      bpmnProcessId: id,
      title: 'QUY TRÌNH CẤP BẢN SAO HỒ SƠ ĐỊA CHÍNH',
      name: 'Cấp bản sao hồ sơ địa chính',
      code: 'QT-DD-02',
      version: 1,
      effectiveDate: new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(publishedAt),
      state: 'retired',
      purpose: 'Cấp bản sao hồ sơ địa chính đúng thời hạn.',
      scope: 'Văn phòng Sở và Phòng Quản lý đất đai.',
      legalBasis: ['Luật Đất đai số 31/2024/QH15', 'Nghị định 101/2024/NĐ-CP'],
      steps: [
        {
          no: 1,
          elementId: 'TiepNhan',
          name: 'Tiếp nhận hồ sơ',
          instructions: 'Kiểm tra thành phần hồ sơ',
          performer: 'Công chức Văn phòng Sở (Bộ phận một cửa)',
          candidateGroups: ['SNNMT-VP/officer'],
          timeLimitDays: 0.5,
          form: 'Tiếp nhận hồ sơ đăng ký biến động',
          formKey: 'app:tiep-nhan-ho-so',
          records: ['Phiếu tiếp nhận', 'Sổ theo dõi hồ sơ'],
          isoClauses: ['8.2.3'],
          automated: false,
        },
        {
          no: 2,
          elementId: 'XuLy',
          name: 'Xử lý hồ sơ',
          instructions: null,
          performer: 'Công chức Phòng Quản lý đất đai',
          candidateGroups: ['SNNMT-QLDD/officer'],
          timeLimitDays: 3,
          form: 'Thẩm định hồ sơ',
          formKey: 'app:tham-dinh-ho-so',
          records: ['Phiếu xử lý'],
          isoClauses: ['8.5.1'],
          automated: false,
        },
        {
          no: 3,
          elementId: 'BoSung',
          name: 'Yêu cầu bổ sung hồ sơ',
          instructions: null,
          performer: 'Công chức Văn phòng Sở (Bộ phận một cửa)',
          candidateGroups: ['SNNMT-VP/officer'],
          timeLimitDays: 1,
          form: null,
          formKey: null,
          records: ['Phiếu yêu cầu bổ sung'],
          isoClauses: [],
          automated: false,
        },
        {
          no: 4,
          elementId: 'ThongBao',
          name: 'Thông báo kết quả cho công dân',
          instructions: null,
          performer: 'Hệ thống (tự động)',
          candidateGroups: [],
          timeLimitDays: null,
          form: null,
          formKey: null,
          records: [],
          isoClauses: [],
          automated: true,
        },
      ],
      totalTimeLimitDays: 5,
      totalTimeLimitUnit: 'working_days',
      totalTimeLimitText: '5 ngày làm việc',
      stepDaysAvailable: 5,
      longestPathDays: 3.5,
      records: [
        { name: 'Phiếu tiếp nhận', stepNo: 1, keptBy: 'Công chức Văn phòng Sở (Bộ phận một cửa)' },
        { name: 'Sổ theo dõi hồ sơ', stepNo: 1, keptBy: 'Công chức Văn phòng Sở (Bộ phận một cửa)' },
        { name: 'Phiếu xử lý', stepNo: 2, keptBy: 'Công chức Phòng Quản lý đất đai' },
        { name: 'Phiếu yêu cầu bổ sung', stepNo: 3, keptBy: 'Công chức Văn phòng Sở (Bộ phận một cửa)' },
      ],
    });

    // and as a PDF
    const pdf = await getRaw(auditor, `/api/procedures/${id}/versions/1/sheet.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // A4 landscape: the table of steps on page 1, the records table runs onto page 2.
    expect(pdf.rawPayload.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(2);
    if (PDF_TEXT) {
      const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sheet-')), 'sheet.pdf');
      writeFileSync(file, pdf.rawPayload);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      for (const s of [
        'QUY TRÌNH CẤP BẢN SAO HỒ SƠ ĐỊA CHÍNH',
        '1. Mục đích',
        '4. Nội dung quy trình',
        'Tiếp nhận hồ sơ',
        'Xử lý hồ sơ',
        'Công chức Phòng Quản lý đất đai',
        '5 ngày làm việc',
        'Tổng thời hạn các bước trên đường dài nhất: 3,5 ngày làm việc',
        '5. Hồ sơ lưu',
      ])
        expect(text).toContain(s);
    }
  });

  it('lets only designers and admins write; other roles read; nothing changes on a refusal', async () => {
    const id = `quyen-${Date.now()}`;
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    expect((await admin.post('/api/procedures', { bpmnProcessId: id, name: 'Quyền hạn' })).status).toBe(201);
    expect((await put(admin, `/api/procedures/${id}/draft`, { revision: 1, xml: procedureXml(id) })).status).toBe(200);
    expect((await admin.post(`/api/procedures/${id}/publish`, {})).status).toBe(201);
    const before = (await admin.get(`/api/procedures/${id}`)).body;
    const countBefore = await p.db('procedures').count<{ count: string }[]>({ count: '*' });

    for (const who of [reception, leader, auditor]) {
      expect((await who.post('/api/procedures', { bpmnProcessId: `${id}-x`, name: 'X' })).status).toBe(403);
      expect((await patch(who, `/api/procedures/${id}`, { purpose: 'X' })).status).toBe(403);
      expect((await put(who, `/api/procedures/${id}/draft`, { revision: 2, xml: procedureXml(id, { xuLyLimit: '1' }) })).status).toBe(403);
      expect((await who.post(`/api/procedures/${id}/validate`, {})).status).toBe(403);
      expect((await who.post(`/api/procedures/${id}/publish`, {})).status).toBe(403);
      expect((await who.post(`/api/procedures/${id}/versions/1/retire`, {})).status).toBe(403);
      // reading is open to them
      expect((await who.get('/api/procedures')).status).toBe(200);
      expect((await who.get(`/api/procedures/${id}/versions/1/sheet`)).status).toBe(200);
      expect((await getRaw(who, `/api/procedures/${id}/versions/1/sheet.pdf`)).statusCode).toBe(200);
    }
    expect((await p.app.inject({ method: 'GET', url: '/api/procedures' })).statusCode).toBe(401);
    const after = (await admin.get(`/api/procedures/${id}`)).body;
    expect(after).toEqual(before);
    expect(await p.db('procedures').count<{ count: string }[]>({ count: '*' })).toEqual(countBefore);

    // The admin edits the sheet's texts; the change is recorded
    const edited = await patch(admin, `/api/procedures/${id}`, { purpose: 'Mục đích mới', legalBasis: 'Luật A\nLuật B' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ purpose: 'Mục đích mới', legalBasis: 'Luật A\nLuật B' });
    expect(edited.body.events[0]).toMatchObject({ kind: 'info-updated', actor: admin.user.username, details: { fields: ['purpose', 'legalBasis'] } });
    expect((await admin.get(`/api/procedures/${id}/versions/1/sheet`)).body).toMatchObject({ purpose: 'Mục đích mới', legalBasis: ['Luật A', 'Luật B'] });
  });

  it('refuses bad input with a 4xx naming the problem and changes nothing', async () => {
    const id = `dau-vao-${Date.now()}`;
    const count = async () => Number((await p.db('procedures').count<{ count: string }[]>({ count: '*' }))[0].count);
    const n0 = await count();

    const malformed = await designer.post('/api/procedures', { xml: '<bpmn:definitions><oops' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/XML|BPMN 2\.0/);
    const valid = procedureXml(id);
    const dtd = await designer.post('/api/procedures', {
      xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${valid.replace(/^<\?xml[^>]*>/, '')}`,
    });
    expect(dtd.status).toBe(400);
    expect(dtd.body).toMatchObject({ code: 'BPMN_DTD' });
    expect(dtd.body.message).toContain('DOCTYPE');
    const big = valid.replace('</bpmn:definitions>', `<!-- ${'x'.repeat(2_000_001)} --></bpmn:definitions>`);
    const tooBig = await designer.post('/api/procedures', { xml: big });
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ code: 'BPMN_TOO_LARGE' });
    expect(tooBig.body.message).toContain('2000000');
    expect((await designer.post('/api/procedures', { name: 'Không có mã' })).status).toBe(400);
    expect(await count()).toBe(n0);

    // Unknown procedure and version
    expect((await designer.get('/api/procedures/khong-co')).status).toBe(404);
    expect((await put(designer, '/api/procedures/khong-co/draft', { revision: 1, xml: valid })).status).toBe(404);
    expect((await designer.post('/api/procedures/khong-co/publish', {})).status).toBe(404);
    expect((await designer.get('/api/procedures/khong-co/versions/1/sheet')).status).toBe(404);

    // An imported file keeps its own process id and name; importing it twice is a conflict
    const imported = await designer.post('/api/procedures', { xml: valid, fileName: 'cap-ban-sao.bpmn' });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ bpmnProcessId: id, name: 'Cấp bản sao hồ sơ địa chính', draft: { xml: valid, revision: 1 } });
    expect(imported.body.events[0]).toMatchObject({ kind: 'imported', details: { fileName: 'cap-ban-sao.bpmn' } });
    expect((await designer.post('/api/procedures', { xml: valid })).status).toBe(409);
    expect((await designer.get(`/api/procedures/${id}/versions/1/xml`)).status).toBe(404);

    // A bad autosave keeps the stored draft
    const badSave = await put(designer, `/api/procedures/${id}/draft`, { revision: 1, xml: '<bpmn:definitions><oops' });
    expect(badSave.status).toBe(400);
    expect((await designer.get(`/api/procedures/${id}`)).body.draft).toMatchObject({ revision: 1, xml: valid });

    // A step offered to a unit that does not exist is named by the validation
    const unknownUnit = await designer.post(`/api/procedures/${id}/validate`, { xml: procedureXml(id, { xuLyGroup: 'KHONG-CO/officer' }) });
    expect(unknownUnit.body.errors).toEqual([expect.objectContaining({ elementId: 'XuLy', rule: 'eiso/user-task-owner' })]);
    expect(unknownUnit.body.errors[0].message).toContain('KHONG-CO/officer');

    // A non-executable file imports as a draft (under a chosen id) but cannot be published
    const bundled = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8').replace('isExecutable="true"', 'isExecutable="false"');
    const nonExecId = `khong-thuc-thi-${Date.now()}`;
    const nonExec = await designer.post('/api/procedures', { bpmnProcessId: nonExecId, xml: bundled });
    expect(nonExec.status).toBe(201);
    expect(nonExec.body.draft.xml).toContain(`id="${nonExecId}"`);
    const lint = await designer.post(`/api/procedures/${nonExecId}/validate`, {});
    expect(lint.body.ok).toBe(false);
    expect(lint.body.errors.map((e: any) => e.rule)).toContain('eiso/executable');
    const pub = await designer.post(`/api/procedures/${nonExecId}/publish`, {});
    expect(pub.status).toBe(400);
    expect(pub.body.elements).toContain(nonExecId);
    expect(await p.db('process_definitions').where({ bpmn_process_id: nonExecId }).first()).toBeUndefined();
  });

  it('imports every BPMN MIWG reference file as a draft and lints it without failing', async () => {
    const dir = path.resolve('..', 'shared', 'testdata', 'bpmn-miwg');
    if (!existsSync(dir)) return;
    const files = readdirSync(dir).filter((f) => f.endsWith('.bpmn'));
    expect(files.length).toBeGreaterThanOrEqual(21);
    const stamp = Date.now();
    for (const [i, f] of files.entries()) {
      const imported = await designer.post('/api/procedures', {
        bpmnProcessId: `miwg-${stamp}-${i}`,
        xml: readFileSync(path.join(dir, f), 'utf8'),
        fileName: f,
      });
      expect(imported.status, `${f}: ${JSON.stringify(imported.body).slice(0, 300)}`).toBe(201);
      const report = await designer.post(`/api/procedures/miwg-${stamp}-${i}/validate`, {});
      expect(report.status, f).toBe(200);
      expect(Array.isArray(report.body.errors)).toBe(true);
    }
  });
});
