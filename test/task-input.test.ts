import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, deployAndStart, login, waitFor, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';
import { checkAgainstForm, safePattern } from '../domain/inbox/task-input.js';
import { receiveAtDesk } from './helpers/onestop.js';
import { ERROR_CODES } from '../lib/errors.js';

/**
 * "Every input is hostile": a task completion is checked against the form of the task's process
 * version (or, without a form, what its model reads), and never sets a variable the platform owns.
 * Each attack below was possible before; each now answers 400 naming the field, and changes nothing:
 * the task is still open in the inbox, the instance is at the same step in the engine's history, and
 * the register row is unchanged.
 */

const CATALOGUE = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as {
  code: string;
  deskUnitCode: string;
  bpmnProcessId: string;
  requiredDocuments: { code: string; mandatory: boolean }[];
}[];
const FORMS = loadBundledForms() as Record<string, { components: any[] }>;

describe('completion data checked against the form (pure)', () => {
  const form = {
    components: [
      { type: 'text', text: '### x' },
      { type: 'textfield', key: 'ma', label: 'Mã', disabled: true },
      { type: 'textfield', key: 'ten', label: 'Tên', validate: { required: true, minLength: 2, maxLength: 10 } },
      { type: 'textfield', key: 'soHieu', label: 'Số hiệu', validate: { pattern: '[0-9]{1,4}/[A-Z]{2,6}' } },
      { type: 'textfield', key: 'nguyHiem', label: 'Nguy hiểm', validate: { pattern: '(a+)+b' } },
      { type: 'textfield', key: 'cham', label: 'Chậm', validate: { pattern: 'a+a+a+a+b' } },
      { type: 'textfield', key: 'chiDoc', label: 'Chỉ đọc', readonly: true },
      { type: 'number', key: 'diem', label: 'Điểm', validate: { min: 1, max: 5 }, decimalDigits: 0 },
      { type: 'checkbox', key: 'dongY', label: 'Đồng ý' },
      {
        type: 'select',
        key: 'kq',
        label: 'Kết quả',
        validate: { required: true },
        values: [
          { label: 'Đạt', value: 'dat' },
          { label: 'Không đạt', value: 'khong-dat' },
        ],
      },
      { type: 'textarea', key: 'lyDo', label: 'Lý do', validate: { required: true }, conditional: { hide: '=kq != "khong-dat"' } },
      {
        type: 'checklist',
        key: 'dieu',
        label: 'Điều khoản',
        values: [
          { label: '4.4', value: '4.4' },
          { label: '5.3', value: '5.3' },
        ],
      },
      { type: 'datetime', subtype: 'date', key: 'han', dateLabel: 'Hạn' },
      { type: 'group', label: 'Nhóm', path: 'nguoi', components: [{ type: 'textfield', key: 'hoTen', label: 'Họ tên', validate: { required: true } }] },
      {
        type: 'dynamiclist',
        key: 'phatHien',
        label: 'Phát hiện',
        components: [{ type: 'textfield', key: 'noiDung', label: 'Nội dung', validate: { required: true } }],
      },
    ],
  };
  const ok = { ten: 'An', kq: 'dat', nguoi: { hoTen: 'Bình' } };
  const problems = (v: Record<string, unknown>, current: Record<string, unknown> = { chiDoc: 'cũ' }) =>
    checkAgainstForm(form, v, current).problems.map((p) => `${p.key}|${p.label}|${p.message.split(' / ')[0]}`);

  it('accepts a complete submission and sends only the form fields', () => {
    const r = checkAgainstForm(
      form,
      { ...ok, chiDoc: 'cũ', diem: 3, dongY: false, dieu: ['5.3'], han: '2026-02-28', soHieu: '12/UBND', phatHien: [{ noiDung: 'Thiếu chữ ký' }] },
      { chiDoc: 'cũ' },
    );
    expect(r.problems).toEqual([]);
    // The read-only field's unchanged echo is not forwarded.
    expect(r.variables).toEqual({ ...ok, diem: 3, dongY: false, dieu: ['5.3'], han: '2026-02-28', soHieu: '12/UBND', phatHien: [{ noiDung: 'Thiếu chữ ký' }] });
  });

  it('names each refused field with its label, in Vietnamese first', () => {
    expect(problems({})).toEqual(['ten|Tên|bắt buộc', 'kq|Kết quả|bắt buộc', 'nguoi.hoTen|Họ tên|bắt buộc']);
    expect(problems({ ...ok, ten: 7, kq: 3, diem: '3', dongY: 'yes', dieu: ['9.9'], han: '2026-02-30' })).toEqual([
      'ten|Tên|phải là chuỗi ký tự',
      'diem|Điểm|phải là số',
      'dongY|Đồng ý|phải là đúng/sai',
      'kq|Kết quả|giá trị "3" không có trong danh sách lựa chọn',
      'dieu|Điều khoản|có giá trị không thuộc danh sách lựa chọn: "9.9"',
      'han|Hạn|phải là ngày dạng YYYY-MM-DD',
    ]);
    expect(problems({ ...ok, diem: 9 })).toEqual(['diem|Điểm|không được vượt quá 5']);
    expect(problems({ ...ok, diem: 0 })).toEqual(['diem|Điểm|phải từ 1 trở lên']);
    expect(problems({ ...ok, diem: 2.5 })).toEqual(['diem|Điểm|phải là số nguyên']);
    expect(problems({ ...ok, ten: 'A' })).toEqual(['ten|Tên|tối thiểu 2 ký tự']);
    expect(problems({ ...ok, ten: 'x'.repeat(11) })).toEqual(['ten|Tên|tối đa 10 ký tự']);
    expect(problems({ ...ok, soHieu: '12-UBND' })).toEqual(['soHieu|Số hiệu|không đúng định dạng yêu cầu']);
  });

  it('refuses fields not in the form, display-only and hidden fields, changed read-only fields, extra keys in groups and rows', () => {
    expect(problems({ ...ok, ketQua: 'cap' })).toEqual(['ketQua|ketQua|trường không có trong biểu mẫu của bước này']);
    expect(problems({ ...ok, ma: 'X' })).toEqual(['ma|Mã|trường chỉ để hiển thị, không được gửi']);
    expect(problems({ ...ok, lyDo: 'x' })).toEqual(['lyDo|Lý do|trường đang ẩn theo điều kiện của biểu mẫu, không được gửi']);
    expect(problems({ ...ok, kq: 'khong-dat' })).toEqual(['lyDo|Lý do|bắt buộc']);
    expect(problems({ ...ok, kq: 'khong-dat', lyDo: 'Sai' })).toEqual([]);
    expect(problems({ ...ok, chiDoc: 'mới' })).toEqual(['chiDoc|Chỉ đọc|trường chỉ đọc, không được thay đổi']);
    expect(problems({ ...ok, nguoi: { hoTen: 'B', vaiTro: 'admin' } })).toEqual(['nguoi.vaiTro|nguoi.vaiTro|trường không có trong biểu mẫu của bước này']);
    expect(problems({ ...ok, phatHien: [{ noiDung: 'x', ketQua: 'cap' }, {}] })).toEqual([
      'phatHien[0].ketQua|ketQua|trường không có trong biểu mẫu của bước này',
      'phatHien[1].noiDung|Nội dung|bắt buộc',
    ]);
    expect(problems({ ...ok, phatHien: 'x' })[0]).toMatch(/^phatHien\|Phát hiện\|phải là danh sách/);
  });

  it('tests only safe patterns, on bounded input: a catastrophic pattern is skipped, a long value is refused before matching', () => {
    expect(safePattern('(a+)+b')).toBeNull();
    expect(safePattern('(a|aa)*c')).toBeNull();
    expect(safePattern('(\\w+\\s?)*$')).toBeNull();
    expect(safePattern('(.)\\1')).toBeNull();
    expect(safePattern('[0-9]{1,4}/[A-Z]{2,6}')).not.toBeNull();
    const started = Date.now();
    expect(problems({ ...ok, nguyHiem: `${'a'.repeat(5000)}!` })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
    expect(problems({ ...ok, soHieu: '1'.repeat(1001) })).toEqual(['soHieu|Số hiệu|quá dài để kiểm tra định dạng (tối đa 1000 ký tự)']);
    // A polynomial pattern the static check lets through is interrupted after 50 ms and the value refused.
    const slow = Date.now();
    expect(problems({ ...ok, cham: `${'a'.repeat(900)}!` })).toEqual(['cham|Chậm|không kiểm tra được định dạng trong thời gian cho phép']);
    expect(Date.now() - slow).toBeLessThan(1000);
    expect(problems({ ...ok, cham: 'aaaab' })).toEqual([]);
  });
});

describe('completions of real tasks: hostile input refused, nothing changes', () => {
  let p: TestPlatform;
  const users = new Map<string, Client>();
  const as = async (group: string) => {
    if (!users.has(group)) {
      const [unitCode, role] = group.split('/') as [string, 'officer' | 'leader'];
      users.set(group, await login(p.app, await createUser(p.db, { roles: [role], unitCode })));
    }
    return users.get(group)!;
  };
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.close());

  const WAIT_MS = 90_000;
  const openTask = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: key, element_id: elementId, status: 'open' }).first(),
      `${elementId} of ${key}`,
      WAIT_MS,
    );
  /** Where the instance is: its active elements and how many element instances and incidents it has, from the exported history. */
  const engineState = async (key: string) => ({
    active: (await p
      .db('hist_element_instances')
      .where({ process_instance_key: key, state: 'active' })
      .whereNot('bpmn_element_type', 'PROCESS')
      .orderBy('element_id')
      .pluck('element_id')) as string[],
    elements: Number((await p.db('hist_element_instances').where({ process_instance_key: key }).count({ n: '*' }))[0].n),
    incidents: Number((await p.db('hist_incidents').where({ process_instance_key: key }).count({ n: '*' }))[0].n),
  });
  /** The task is in the engine's history as active (the projector has caught up with it). */
  const atStep = (key: string, elementId: string) =>
    waitFor(
      async () => {
        const s = await engineState(key);
        return s.active.includes(elementId) ? s : undefined;
      },
      `${elementId} of ${key} active in history`,
      WAIT_MS,
    );
  const claim = async (who: Client, key: string, elementId: string) => {
    const task = await openTask(key, elementId);
    expect((await who.post(`/api/tasks/${task.job_key}/claim`)).status).toBe(200);
    return String(task.job_key);
  };
  /** Sends `variables`, expects 400 naming `fields`, and checks that nothing moved. */
  const refused = async (
    who: Client,
    key: string,
    elementId: string,
    taskId: string,
    variables: Record<string, unknown>,
    fields: string[],
    register: () => Promise<unknown>,
  ) => {
    const before = { engine: await atStep(key, elementId), register: await register() };
    const r = await who.post(`/api/tasks/${taskId}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    // Owned variables are refused before the form is read (TASK_INPUT_OWNED); every field names its problem by a code.
    const onlyOwned = r.body.fields.every((f: { code: string }) => f.code === 'VARIABLE_OWNED');
    expect(r.body.code).toBe(onlyOwned ? 'TASK_INPUT_OWNED' : 'TASK_INPUT_INVALID');
    for (const f of r.body.fields as { code: string }[]) expect(Object.keys(ERROR_CODES)).toContain(f.code);
    expect(r.body.message).toContain(' / ');
    expect(r.body.fields.map((f: { key: string }) => f.key)).toEqual(fields);
    // Nothing changed: the task is open and held in the inbox, nothing was saved for it, the engine did not move.
    const task = await who.get(`/api/tasks/${taskId}`);
    expect(task.body).toMatchObject({ status: 'open', assignee: who.user.username });
    expect((await p.db('inbox_tasks').where({ job_key: taskId }).first()).result_variables).toBeNull();
    await new Promise((res) => setTimeout(res, 300));
    expect(await engineState(key)).toEqual(before.engine);
    expect(await register()).toEqual(before.register);
    return r.body;
  };
  const complete = async (who: Client, taskId: string, variables: Record<string, unknown>) => {
    const r = await who.post(`/api/tasks/${taskId}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  it(
    'birth registration (mc-dang-ky-khai-sinh): no decision, a number for the decision, owned and extra variables are refused at the appraisal',
    { timeout: 240_000 },
    async () => {
      const entry = CATALOGUE.find((c) => c.bpmnProcessId === 'mc-dang-ky-khai-sinh')!;
      const desk = await as(`${entry.deskUnitCode}/officer`);
      const received = await receiveAtDesk(p.app, desk, {
        procedureCode: entry.code,
        applicant: { name: 'Phạm Thị Hạnh' },
        documents: entry.requiredDocuments.filter((d) => d.mandatory).map((d) => ({ code: d.code, copies: 1 })),
      });
      expect(received.status, JSON.stringify(received.body)).toBe(201);
      const key = String(received.body.processInstanceKey);
      const dossier = () => p.db('dossiers').where({ code: received.body.code }).first();
      await waitFor(async () => (await dossier()).status === 'IN_PROCESSING', 'dossier in processing', WAIT_MS);
      const civil = await as('XA-TANPHU-VP/officer');
      const id = await claim(civil, key, 'ThamDinh');

      // Before: no decision took the default path "eligible" and issued the result.
      const none = await refused(civil, key, 'ThamDinh', id, { yKienThamDinh: 'Đã xem' }, ['ketQuaThamDinh'], dossier);
      expect(none.fields[0]).toMatchObject({ label: 'Kết quả thẩm định', message: expect.stringMatching(/^bắt buộc/) });
      expect(none.message).toMatch(/^Dữ liệu hoàn thành công việc không hợp lệ: Kết quả thẩm định: bắt buộc/);
      // Before: a number where a choice is expected closed the task and left the case on an incident.
      await refused(civil, key, 'ThamDinh', id, { ketQuaThamDinh: 2 }, ['ketQuaThamDinh'], dossier);
      await refused(civil, key, 'ThamDinh', id, { ketQuaThamDinh: 'cap-ngay' }, ['ketQuaThamDinh'], dossier);
      // The result itself, a display field, a hidden field, a missing reason.
      await refused(civil, key, 'ThamDinh', id, { ketQuaThamDinh: 'du-dieu-kien', ketQua: 'cap' }, ['ketQua'], dossier);
      await refused(civil, key, 'ThamDinh', id, { ketQuaThamDinh: 'du-dieu-kien', lyDoKhongCap: 'x' }, ['lyDoKhongCap'], dossier);
      await refused(civil, key, 'ThamDinh', id, { ketQuaThamDinh: 'khong-du-dieu-kien' }, ['lyDoKhongCap'], dossier);
      // Variables the platform owns: named, whatever else is sent.
      const owned = await refused(
        civil,
        key,
        'ThamDinh',
        id,
        { ketQuaThamDinh: 'du-dieu-kien', dossierCode: 'XA-000', eisoAppointment: '2099-01-01T00:00:00Z', sentBackFrom: 'TraKetQua' },
        ['dossierCode', 'eisoAppointment', 'sentBackFrom'],
        dossier,
      );
      expect(owned.message).toMatch(/^Không được đặt biến do hệ thống quản lý: dossierCode, eisoAppointment, sentBackFrom/);

      // A proper decision goes through, and the dossier is resolved on the not-eligible path.
      await complete(civil, id, { ketQuaThamDinh: 'khong-du-dieu-kien', lyDoKhongCap: 'Giấy chứng sinh không khớp' });
      await waitFor(async () => (await dossier()).status === 'NOT_ELIGIBLE', 'dossier not eligible', WAIT_MS);
      expect((await engineState(key)).incidents).toBe(0);
    },
  );

  it("document control (iso-kiem-soat-tai-lieu): the department head's review without a decision is refused", { timeout: 240_000 }, async () => {
    const drafter = await as('SNNMT-QLDD/officer');
    const head = await as('SNNMT-QLDD/leader');
    const created = await drafter.post('/api/iso/documents', {
      code: `QT-TV-${Date.now() % 100000}`,
      title: 'Quy trình thử đầu vào',
      docType: 'quy-trinh',
      summary: 'Ban hành lần đầu',
      distributeTo: ['SNNMT-VP'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = String(created.body.versions[0].processInstanceKey);
    const register = async () => ({
      doc: await p.db('iso_documents').where({ id: created.body.id }).first(),
      versions: await p.db('iso_document_versions').where({ document_id: created.body.id }).orderBy('id'),
    });
    await complete(drafter, await claim(drafter, key, 'SoanThao'), { tomTatNoiDung: 'Dự thảo' });
    const id = await claim(head, key, 'LanhDaoPhongRaSoat');
    await refused(head, key, 'LanhDaoPhongRaSoat', id, {}, ['ketQuaRaSoat'], register);
    await refused(head, key, 'LanhDaoPhongRaSoat', id, { ketQuaRaSoat: true }, ['ketQuaRaSoat'], register);
    await refused(head, key, 'LanhDaoPhongRaSoat', id, { ketQuaRaSoat: 'dat', documentId: '1', versionId: '1' }, ['documentId', 'versionId'], register);
    await complete(head, id, { ketQuaRaSoat: 'khong-dat', yKienRaSoat: 'Sửa mã hiệu' });
    await openTask(key, 'SoanThao');
  });

  it('corrective action (iso-hanh-dong-khac-phuc): closing without verifying the action is refused', { timeout: 240_000 }, async () => {
    const finder = await as('SNNMT-QLDD/officer');
    const office = await as('SNNMT-VP/officer');
    const opened = await finder.post('/api/iso/nonconformities', {
      title: 'Phiếu thiếu chữ ký (thử đầu vào)',
      description: 'Hai hồ sơ không có chữ ký người thẩm định.',
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const key = String(opened.body.processInstanceKey);
    const register = () => p.db('iso_nonconformities').where({ id: opened.body.id }).first();
    await complete(office, await claim(office, key, 'VanPhongTiepNhan'), { donViChuTri: 'SNNMT-QLDD' });
    await complete(finder, await claim(finder, key, 'XacDinhNguyenNhan'), { nguyenNhan: 'Mẫu phiếu cũ' });
    await complete(finder, await claim(finder, key, 'DeXuatHanhDong'), { hanhDongKhacPhuc: 'Cập nhật mẫu phiếu', canYKienDaiDien: false });
    await complete(finder, await claim(finder, key, 'ThucHien'), { ketQuaThucHien: 'Đã cập nhật' });
    const id = await claim(office, key, 'KiemChung');
    await refused(office, key, 'KiemChung', id, { nhanXetKiemChung: 'Xong' }, ['coHieuLuc'], register);
    await refused(office, key, 'KiemChung', id, { coHieuLuc: 'có' }, ['coHieuLuc'], register);
    await refused(office, key, 'KiemChung', id, { coHieuLuc: 'co', ncId: '0' }, ['ncId'], register);
    await complete(office, id, { coHieuLuc: 'khong', nhanXetKiemChung: 'Chưa hiệu lực' });
    await openTask(key, 'XacDinhNguyenNhan');
  });

  it('risk (iso-xu-ly-rui-ro): a score of 9 on the 1-5 scale is refused', { timeout: 240_000 }, async () => {
    const officer = await as('SNNMT-QLDD/officer');
    const head = await as('SNNMT-QLDD/leader');
    const created = await officer.post('/api/iso/risks', {
      kind: 'risk',
      title: 'Thất lạc hồ sơ (thử đầu vào)',
      description: 'Hồ sơ giấy chuyển giữa các phòng',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const key = String(created.body.processInstanceKey);
    const register = () => p.db('iso_risks').where({ id: created.body.id }).first();
    const id = await claim(head, key, 'DanhGiaRuiRo');
    const nine = await refused(head, key, 'DanhGiaRuiRo', id, { khaNang: 9, mucDo: 5, bienPhap: 'Số hóa' }, ['khaNang'], register);
    expect(nine.fields[0]).toMatchObject({
      label: 'Khả năng xảy ra (1-5)',
      message: 'không được vượt quá 5 / must be at most 5',
      code: 'FIELD_MAX',
      params: { max: 5 },
    });
    await refused(
      head,
      key,
      'DanhGiaRuiRo',
      id,
      { khaNang: '4', mucDo: 0, bienPhap: 'Số hóa', hanXuLy: '20/12/2026' },
      ['khaNang', 'mucDo', 'hanXuLy'],
      register,
    );
    await refused(head, key, 'DanhGiaRuiRo', id, { khaNang: 4, mucDo: 5, bienPhap: 'Số hóa', riskId: '1' }, ['riskId'], register);
    await complete(head, id, { khaNang: 4, mucDo: 5, bienPhap: 'Số hóa hồ sơ', hanXuLy: '2026-12-20' });
    await waitFor(
      async () => ((await officer.get('/api/iso/risks')).body.items as any[]).find((r) => r.id === created.body.id && r.score === 20),
      'risk scored 20',
      WAIT_MS,
    );
  });

  it("uses the form of the task's own process version, and a task without a form accepts only what its model reads", { timeout: 240_000 }, async () => {
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const reception = await as('SNNMT-VP/officer');
    // Version 1 of a copy of the land procedure; version 2 renames a required field of the reception form.
    const id = `kiem-tra-dau-vao-${Date.now()}`;
    const xml = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8').replaceAll('dang-ky-bien-dong-dat-dai', id);
    const v1 = await deployAndStart(p.app, designer, reception, { resourceName: `${id}.bpmn`, xml, forms: FORMS, variables: { maHoSo: 'TV-1' } });
    const changed = structuredClone(FORMS);
    changed['tiep-nhan-ho-so'].components.find((c: { key?: string }) => c.key === 'soThua').key = 'soThuaDat';
    const v2 = await deployAndStart(p.app, designer, reception, {
      resourceName: `${id}.bpmn`,
      xml: xml.replace('name="Tiếp nhận và kiểm tra hồ sơ"', 'name="Tiếp nhận hồ sơ"'),
      forms: changed,
      variables: { maHoSo: 'TV-2' },
    });
    const t1 = await claim(reception, v1.processInstanceKey, 'TiepNhan');
    const t2 = await claim(reception, v2.processInstanceKey, 'TiepNhan');
    const none = async () => null;
    await refused(reception, v1.processInstanceKey, 'TiepNhan', t1, { nguoiNop: 'An', soThuaDat: '1/2' }, ['soThua', 'soThuaDat'], none);
    await refused(reception, v2.processInstanceKey, 'TiepNhan', t2, { nguoiNop: 'An', soThua: '1/2' }, ['soThuaDat', 'soThua'], none);
    await complete(reception, t1, { nguoiNop: 'An', soThua: '1/2' });
    await complete(reception, t2, { nguoiNop: 'An', soThuaDat: '1/2' });

    // A step without a form: only the variable its gateway reads.
    const bare = `bieu-mau-khong-co-${Date.now()}`;
    const bareXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="t">
  <bpmn:process id="${bare}" name="Không biểu mẫu" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="2" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s" name="Bắt đầu"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="XemXet" name="Xem xét">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="SNNMT-VP/officer" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="1" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="g" name="Đồng ý?"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="e1" name="Xong"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="e2" name="Từ chối"><bpmn:incoming>f4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="XemXet" />
    <bpmn:sequenceFlow id="f2" sourceRef="XemXet" targetRef="g" />
    <bpmn:sequenceFlow id="f3" name="Đồng ý" sourceRef="g" targetRef="e1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=dongY = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" name="Không" sourceRef="g" targetRef="e2"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=dongY != true</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>`;
    const started = await deployAndStart(p.app, designer, reception, { resourceName: `${bare}.bpmn`, xml: bareXml });
    const t3 = await claim(reception, started.processInstanceKey, 'XemXet');
    const refusedBare = await refused(reception, started.processInstanceKey, 'XemXet', t3, { dongY: true, ketLuan: 'x' }, ['ketLuan'], none);
    expect(refusedBare.fields[0].message).toMatch(/^bước này không có biểu mẫu và chỉ nhận: dongY/);
    await refused(reception, started.processInstanceKey, 'XemXet', t3, { dongY: true, eisoStepDue: '2099-01-01' }, ['eisoStepDue'], none);
    await complete(reception, t3, { dongY: true });
  });
});
