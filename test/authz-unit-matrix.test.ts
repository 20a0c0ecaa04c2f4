import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor } from './helpers/fixtures.js';
import { openTask, pdfBytes, pdfText, procedureEntry } from './helpers/onestop.js';
import { parseRoutes } from './helpers/routes.js';
import type { Role } from '../api/schemas/auth.js';

/**
 * Own unit / other unit authorisation matrix. Real objects are made through the API and the engine in
 * unit A and in its sibling B (both under P): a one-stop dossier (online submission, accepted at A's
 * desk, so a running case with its clock, an inbox task held by A's officer, a comment, an attachment,
 * the dossier's files and receipt slip, an apology letter), ISO records (nonconformity, controlled
 * document, complaint, risk, objective, management review), a saved audit query, a notification, a
 * calendar override, an auditor scope. Every route that reads or acts on such an object is then called
 * by each role of the object's own unit, of the sibling unit, of the parent unit, and by an auditor of an
 * unrelated unit who was granted the object's unit (auditor scope), for the objects of A and of B.
 *
 * "Exists but not yours" is answered 403 by most routes and 404 by a few (nonconformity detail,
 * saved queries, notifications: their query is scoped, so another's object is simply not found); both
 * count as refused, and a refusal must not carry any of the object's content. Every refused write is
 * followed by a re-read of the object: nothing changed. Allowed writes are probes that pass the unit
 * check and stop at a later business rule where that keeps the object usable (e.g. a RECEIVED dossier
 * cannot be accepted again: 409), and the route's `ok` says which answers mean "allowed".
 *
 * Every route of the API with a :param must be in this matrix or in UNIT_INDEPENDENT with its reason.
 */

const ROLES = ['officer', 'leader', 'designer', 'auditor', 'admin'] as const satisfies readonly Role[];
type Rel = 'own' | 'other' | 'parent' | 'granted';
const RELS: Rel[] = ['own', 'other', 'parent', 'granted'];
/** The callers, relative to the object's unit X: own = X, other = X's sibling, parent = P, granted = an auditor of an unrelated unit with an auditor scope on X. */
const CALLERS: { rel: Rel; role: (typeof ROLES)[number] }[] = [
  ...(['own', 'other', 'parent'] as const).flatMap((rel) => ROLES.map((role) => ({ rel, role }))),
  { rel: 'granted', role: 'auditor' },
];
const who = (c: { rel: Rel; role: string }) => `${c.rel}.${c.role}`;

/** "own: officer leader | parent: leader" → the set of callers; "all" in a group means every role of it. */
function parseAllow(spec: string): Set<string> {
  const out = new Set<string>();
  for (const part of spec
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [rel, roles] = part.split(':').map((s) => s.trim()) as [Rel, string];
    if (!RELS.includes(rel)) throw new Error(`bad group ${rel} in "${spec}"`);
    for (const role of roles === 'all' ? ROLES : roles.split(/\s+/).filter((r) => r !== '-')) out.add(`${rel}.${role}`);
  }
  return out;
}
/** The set back as the same notation, groups in a fixed order (what the snapshot and the failures show). */
function formatAllow(set: Set<string>): string {
  return RELS.map((rel) => {
    const roles = ROLES.filter((r) => set.has(`${rel}.${r}`) && CALLERS.some((c) => c.rel === rel && c.role === r));
    const all = rel !== 'granted' && roles.length === ROLES.length;
    return `${rel}: ${all ? 'all' : roles.join(' ') || '-'}`;
  }).join(' | ');
}

interface Res {
  status: number;
  body: string;
}
interface Caller {
  token: string;
  username: string;
}
interface Objects {
  unit: string;
  tag: string;
  /** Text only this unit's objects carry: must never appear in a refusal or a list shown to others. */
  markers: string[];
  dossierId: string;
  dossierCode: string;
  dossierFileId: string;
  /** a form 03 issued in person at X's desk (no dossier) */
  receptionFormId: string;
  caseKey: string;
  task: string;
  attachmentId: string;
  nc: string;
  document: string;
  savedQuery: string;
  notification: string;
  calendarDay: string;
  officer: string;
  grantedAuditor: string;
}

type Call = (c: Caller, o: Objects) => Promise<Res>;
interface Row {
  route: string;
  /** Who passes the unit check, in the notation of parseAllow. */
  allow: string;
  call: Call;
  /** Answers that mean "allowed" (for a list: the answer lists the object, see `sees`). */
  ok?: number[];
  /** For list routes: whether the answer shows the object. */
  sees?: (body: string, o: Objects) => boolean;
  /** What a refusal must not contain (default: any of the object's markers). */
  leak?: (body: string, o: Objects) => boolean;
  /** For writes: the object as the database holds it, re-read after every refusal. */
  state?: (o: Objects) => Promise<unknown>;
  /** After an allowed call that changed the object: put it back for the next caller. */
  restore?: (o: Objects) => Promise<void>;
  /** The call ends the object: every allowed caller gets a fresh one; the refused callers share one, which must survive them. */
  fresh?: (o: Objects) => Promise<Partial<Objects>>;
  /** After the refusals, with the shared fresh object: proof that it is unchanged (e.g. its own leader can still cancel it). */
  survived?: (o: Objects) => Promise<string | null>;
  why?: string;
}

/**
 * Routes with a :param that act on nothing a unit owns, or whose owner check is not about units.
 * Their role gates are in authz-matrix.test.ts.
 */
const UNIT_INDEPENDENT: Record<string, string> = {
  'POST /api/incidents/:key/resolve':
    'administrators only (their scope is the whole province); the list is scoped by the case units, tested in test/incidents.test.ts',
  'GET /api/forms/:formKey': 'forms are part of a published process model, the same for every unit',
  'GET /api/legal/documents/:id/procedures': 'the register of legal documents and the procedures citing them are province-wide and readable by all staff',
  'GET /api/legal/procedures/:bpmnProcessId/citations': "a procedure's legal basis is part of its published sheet, readable by all staff",
  'PUT /api/legal/procedures/:bpmnProcessId/citations': 'process models are province-wide; designers of any unit maintain them',
  'GET /api/procedures/:id': 'process models are province-wide; designers of any unit maintain them',
  'PATCH /api/procedures/:id': 'process models are province-wide; designers of any unit maintain them',
  'PUT /api/procedures/:id/draft': 'process models are province-wide; designers of any unit maintain them',
  'POST /api/procedures/:id/validate': 'process models are province-wide; designers of any unit maintain them',
  'POST /api/procedures/:id/simulate': 'process models are province-wide; designers of any unit maintain them (the what-if stores nothing)',
  'POST /api/procedures/:id/publish': 'process models are province-wide; designers of any unit maintain them',
  'POST /api/procedures/:id/bundled-offers/:offer/accept': 'process models are province-wide; designers of any unit maintain them',
  'POST /api/procedures/:id/bundled-offers/:offer/dismiss': 'process models are province-wide; designers of any unit maintain them',
  'POST /api/procedures/:id/versions/:version/retire': 'process models are province-wide; designers of any unit maintain them',
  'GET /api/procedures/:id/versions/:version/xml': 'process models are province-wide and readable by all staff',
  'GET /api/procedures/:id/versions/:version/sheet': 'the procedure sheet is a published document, readable by all staff',
  'GET /api/procedures/:id/versions/:version/sheet.pdf': 'the procedure sheet is a published document, readable by all staff',
  'GET /api/onestop/procedures/:code': 'the procedure catalogue is public (also on the citizen portal)',
  'PUT /api/onestop/procedures/:code': 'the catalogue is kept by administrators for the whole province',
  'DELETE /api/calendar/days/:id':
    'calendar overrides are kept by administrators for every unit; same gate as PUT /api/calendar/days/:id, which is in the matrix',
  'GET /api/public/dossiers/:code': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'POST /api/public/dossiers/:code/supplement': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'POST /api/public/dossiers/:code/withdraw': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'GET /api/public/evaluations/:code': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'POST /api/public/evaluations/:code': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'GET /api/public/apologies/:code/pdf': 'citizen route: no signed-in unit; the lookup token of the dossier is the key',
  'GET /api/public/complaints/:code':
    'citizen route: no signed-in unit; the tracking key of the complaint is the key (a wrong key and an unknown code give the same 404, test/iso-public-feedback)',
};

describe('own-unit / other-unit authorisation matrix', () => {
  let p: TestPlatform;
  // P ─┬─ A        O: an unrelated unit, home of the auditors granted A or B
  //    └─ B
  const units = { P: '', A: '', B: '', O: '' };
  const users: Record<string, Record<string, Caller>> = {};
  const granted: Record<string, Caller> = {};
  const objects: Record<'A' | 'B', Objects> = {} as never;
  let adminA: Caller;

  const request = async (c: Caller | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const r = await p.app.inject({
      method: method as 'GET',
      url,
      headers: {
        ...(c ? { authorization: `Bearer ${c.token}` } : {}),
        ...(payload !== undefined && !Buffer.isBuffer(body) ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(payload !== undefined ? { payload } : {}),
    });
    return { status: r.statusCode, body: r.body };
  };
  const get = (c: Caller, url: string) => request(c, 'GET', url);
  /** A PDF answer as the text a reader gets (pdftotext), so the matrix can look for another unit's titles in it. */
  const getPdfText = async (c: Caller, url: string): Promise<Res> => {
    const r = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${c.token}` } });
    if (r.statusCode !== 200 || !String(r.headers['content-type'] ?? '').startsWith('application/pdf')) return { status: r.statusCode, body: r.body };
    return { status: 200, body: (await pdfText(r.rawPayload)).replace(/\s+/g, ' ') };
  };
  const post = (c: Caller, url: string, body: unknown = {}) => request(c, 'POST', url, body);
  const json = (r: Res) => (r.body ? JSON.parse(r.body) : undefined);
  const must = (r: Res, status: number, what: string) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${r.body.slice(0, 500)}`);
    return json(r);
  };

  /** A case of one user task offered to the unit's officers (no send-back path, so send-back stops at 409). */
  const model = (id: string, unit: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${id}" name="Thủ tục thử phân quyền ${unit}" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="XuLy" name="Xử lý hồ sơ ${unit}">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${unit}/officer" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="XuLy" />
    <bpmn:sequenceFlow id="F2" sourceRef="XuLy" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

  const bpmnIds: Record<string, string> = {};
  /** The same model outside the one-stop catalogue: one-stop processes start only at reception (403 on POST /api/process-instances). */
  const caseIds: Record<string, string> = {};

  /** A running case of the unit's model, started by the unit's officer (startedByUnit = the unit), once history has it. */
  const startCase = async (unitKey: 'A' | 'B'): Promise<string> => {
    const started = must(await post(users[unitKey].officer, '/api/process-instances', { bpmnProcessId: caseIds[unitKey], variables: {} }), 201, 'start case');
    const key = started.processInstanceKey as string;
    await waitFor(() => p.db('hist_variables').where({ scope_key: key, name: 'startedByUnit' }).first(), `history of case ${key}`, 30_000);
    return key;
  };

  async function makeObjects(unitKey: 'A' | 'B'): Promise<Objects> {
    const X = units[unitKey];
    const own = users[unitKey];
    const tag = randomBytes(3).toString('hex');
    const secret = `BíMật-${unitKey}-${tag}`;
    const bpmnProcessId = `mx-${tag}`;
    bpmnIds[unitKey] = bpmnProcessId;
    // The procedure: received at X's desk, resolved by X.
    const entry = procedureEntry({ agencyCode: X, agencyName: `Cơ quan ${X}`, deskUnitCode: X, bpmnProcessId, name: `Thủ tục ${secret}` });
    must(await post(own.admin, '/api/onestop/procedures/import', [entry]), 200, 'import procedure');
    must(await post(own.designer, '/api/process-definitions', { resourceName: `${bpmnProcessId}.bpmn`, xml: model(bpmnProcessId, X) }), 201, 'deploy');
    caseIds[unitKey] = `${bpmnProcessId}-vu-viec`;
    must(
      await post(own.designer, '/api/process-definitions', { resourceName: `${caseIds[unitKey]}.bpmn`, xml: model(caseIds[unitKey], X) }),
      201,
      'deploy the case model',
    );
    // The citizen submits online with the two mandatory files; X's desk officer accepts.
    const fd = new FormData();
    for (const [k, v] of Object.entries({ procedureCode: entry.code as string, applicantName: `Nguyễn Văn ${secret}`, applicantEmail: 'an@example.vn' }))
      fd.append(k, v);
    for (const code of ['DON', 'CCCD'])
      fd.append(`doc:${code}`, new Blob([new Uint8Array(pdfBytes(`${secret}-${code}`))], { type: 'application/pdf' }), `${code.toLowerCase()}.pdf`);
    const mp = new Request('http://localhost/', { method: 'POST', body: fd });
    const submitted = await p.app.inject({
      method: 'POST',
      url: '/api/public/dossiers',
      headers: { 'content-type': mp.headers.get('content-type')! },
      payload: Buffer.from(await mp.arrayBuffer()),
    });
    if (submitted.statusCode !== 201) throw new Error(`submit: ${submitted.statusCode} ${submitted.body}`);
    // No code before receipt (TT 03/2025 Art. 13): the submission is found by its tracking reference.
    const dossierRow = await p
      .db('dossiers')
      .where({ reference: submitted.json().reference as string })
      .first('id');
    const dossierId = String(dossierRow.id);
    const accepted = must(
      await post(own.officer, `/api/onestop/dossiers/${dossierId}/accept`, {
        documents: [
          { code: 'DON', copies: 1 },
          { code: 'CCCD', copies: 1 },
        ],
      }),
      200,
      'accept',
    );
    const dossierCode = accepted.code as string;
    const caseKey = accepted.processInstanceKey as string;
    const dossierFileId = String(accepted.files[0].id);
    const refusal = must(
      await post(own.officer, '/api/onestop/reception-forms', {
        form: '03',
        procedureCode: entry.code,
        applicant: { name: 'Trần Thị Bình' },
        reason: 'Không thuộc thẩm quyền',
      }),
      201,
      'refusal at the desk',
    );
    const task = await waitFor(() => openTask(p.db, caseKey, 'XuLy'), 'the task of the case', 30_000);
    await waitFor(() => p.db('hist_variables').where({ scope_key: caseKey, name: 'startedByUnit' }).first(), 'history of the case', 30_000);
    must(await post(own.officer, `/api/tasks/${task}/claim`), 200, 'claim');
    const attachment = must(
      await request(own.officer, 'POST', `/api/tasks/${task}/attachments?name=bien-ban.pdf`, pdfBytes(`${secret}-att`), {
        'content-type': 'application/octet-stream',
      }),
      201,
      'attach',
    );
    must(await post(own.officer, `/api/tasks/${task}/comments`, { body: `Ý kiến ${secret}` }), 201, 'comment');
    must(await post(own.leader, `/api/tasks/${task}/urge`, { message: `Đôn đốc ${secret}` }), 200, 'urge');
    const notification = await p.db('notifications').where({ recipient: own.officer.username }).orderBy('id', 'desc').first('id');
    must(
      await post(own.officer, `/api/onestop-stats/dossiers/${encodeURIComponent(dossierCode)}/apology`, {
        reason: `Chậm trễ ${secret}`,
        newDate: '2030-12-31',
      }),
      201,
      'apology',
    );
    // ISO records of X.
    const nc = must(
      await post(own.officer, '/api/iso/nonconformities', { title: `Sự không phù hợp ${secret}`, description: 'Hồ sơ trả chậm so với quy định', unitCode: X }),
      201,
      'nc',
    );
    const doc = must(
      await post(own.officer, '/api/iso/documents', {
        code: `QT-${tag}`,
        title: `Quy trình ${secret}`,
        docType: 'quy-trinh',
        summary: 'Tài liệu thử phân quyền',
        distributeTo: [X],
      }),
      201,
      'document',
    );
    must(
      await post(own.officer, '/api/iso/complaints', {
        title: `Phản ánh ${secret}`,
        content: 'Nội dung phản ánh của công dân',
        submitter: 'Trần Thị Bình',
        channel: 'truc-tiep',
      }),
      201,
      'complaint',
    );
    must(await post(own.officer, '/api/iso/risks', { kind: 'risk', title: `Rủi ro ${secret}`, description: 'Mô tả rủi ro', reviewCycleDays: 90 }), 201, 'risk');
    must(
      await post(own.leader, '/api/iso/objectives', {
        unitCode: X,
        year: 2026,
        title: `Mục tiêu ${secret}`,
        metric: 'on_time_rate',
        target: 90,
        direction: 'at_least',
      }),
      201,
      'objective',
    );
    must(await post(own.officer, '/api/iso/reviews', { year: 2026, title: `Xem xét ${secret}`, departments: [X] }), 201, 'review');
    const saved = must(await post(own.auditor, '/api/audit/saved-queries', { name: `Truy vấn ${secret}`, query: { q: secret } }), 201, 'saved query');
    const day = must(
      await post(own.admin, '/api/calendar/days', {
        date: unitKey === 'A' ? '2031-03-03' : '2031-03-04',
        kind: 'day_off',
        name: `Nghỉ ${secret}`,
        unit: X,
        reason: 'Thử phân quyền theo đơn vị',
      }),
      201,
      'calendar day',
    );
    must(await post(own.admin, '/api/audit/scopes', { username: granted[unitKey].username, unitCode: X }), 201, 'auditor scope');
    return {
      unit: X,
      tag,
      markers: [secret],
      dossierId,
      dossierCode,
      dossierFileId,
      receptionFormId: String(refusal.id),
      caseKey,
      task,
      attachmentId: String(attachment.id),
      nc: String(nc.id),
      document: String(doc.id),
      savedQuery: String(saved.id),
      notification: String(notification.id),
      calendarDay: String(day.id),
      officer: own.officer.username,
      grantedAuditor: granted[unitKey].username,
    };
  }

  const task = (o: Objects) => p.db('inbox_tasks').where({ job_key: o.task }).first('status', 'assignee', 'urged_at', 'completed_by', 'variables');
  const taskState = async (o: Objects) => ({
    task: await task(o),
    urges: await p.db('task_urges').where({ job_key: o.task }).count({ n: '*' }),
    comments: await p.db('task_comments').where({ process_instance_key: o.caseKey }).count({ n: '*' }),
    attachments: await p.db('task_attachments').where({ process_instance_key: o.caseKey }).count({ n: '*' }),
  });
  const dossierState = async (o: Objects) => ({
    dossier: await p.db('dossiers').where({ id: o.dossierId }).first('status', 'closed_at', 'updated_at'),
    events: await p.db('dossier_events').where({ dossier_id: o.dossierId }).count({ n: '*' }),
  });
  const apologyState = (o: Objects) => p.db('dossier_apologies').where({ dossier_id: o.dossierId }).first('status', 'approved_by', 'reason');
  const clockState = (o: Objects) => p.db('case_pauses').where({ process_instance_key: o.caseKey }).select('paused_at', 'resumed_at');
  const docState = async (o: Objects) => ({
    versions: await p.db('iso_document_versions').where({ document_id: o.document }).select('id', 'kind', 'status'),
    proposals: await p.db('iso_document_proposals').where({ document_id: o.document }).select('id', 'status'),
  });
  const has = (o: Objects) => (body: string) => o.markers.some((m) => body.includes(m));
  /** The unit's nonconformity or complaint by its title (its objective, published to everyone, carries the marker too). */
  const ncOrComplaintOf = (o: Objects) => (body: string) => body.includes(`Sự không phù hợp ${o.markers[0]}`) || body.includes(`Phản ánh ${o.markers[0]}`);

  /**
   * The matrix. Read a row as: the route, who passes the unit check (relative to the unit that owns the
   * object), and what the allowed answer is. Everyone else must get 403 or 404 and change nothing.
   */
  const MATRIX: Row[] = [
    // ---- inbox task (offered to X/officer, held by X's officer) and its case file
    { route: 'GET /api/tasks/:id', allow: 'own: officer leader | parent: leader', ok: [200], call: (c, o) => get(c, `/api/tasks/${o.task}`) },
    {
      route: 'GET /api/tasks/:id/attachments',
      allow: 'own: officer leader | parent: leader',
      ok: [200],
      call: (c, o) => get(c, `/api/tasks/${o.task}/attachments`),
    },
    {
      route: 'GET /api/tasks/:id/attachments/:attachmentId',
      allow: 'own: officer leader | parent: leader',
      ok: [200],
      call: (c, o) => get(c, `/api/tasks/${o.task}/attachments/${o.attachmentId}`),
    },
    { route: 'GET /api/tasks/:id/comments', allow: 'own: officer leader | parent: leader', ok: [200], call: (c, o) => get(c, `/api/tasks/${o.task}/comments`) },
    { route: 'GET /api/tasks/:id/step', allow: 'own: officer leader | parent: leader', ok: [200], call: (c, o) => get(c, `/api/tasks/${o.task}/step`) },
    { route: 'GET /api/tasks/:id/diagram', allow: 'own: officer leader | parent: leader', ok: [200], call: (c, o) => get(c, `/api/tasks/${o.task}/diagram`) },
    {
      route: 'POST /api/tasks/:id/comments',
      allow: 'own: officer leader | parent: leader',
      ok: [201],
      state: taskState,
      call: (c, o) => post(c, `/api/tasks/${o.task}/comments`, { body: 'Ý kiến thêm' }),
    },
    {
      route: 'POST /api/tasks/:id/attachments',
      allow: 'own: officer',
      ok: [200],
      state: taskState,
      why: 'the holder only; the same file again is the same attachment (200)',
      call: (c, o) =>
        request(c, 'POST', `/api/tasks/${o.task}/attachments?name=bien-ban.pdf`, pdfBytes(`${o.markers[0]}-att`), {
          'content-type': 'application/octet-stream',
        }),
    },
    {
      route: 'POST /api/tasks/:id/claim',
      allow: 'own: officer',
      ok: [200],
      state: taskState,
      why: 'offered to X/officer; the holder claiming again changes nothing',
      call: (c, o) => post(c, `/api/tasks/${o.task}/claim`),
    },
    {
      route: 'POST /api/tasks/:id/unclaim',
      allow: 'own: officer',
      ok: [200],
      state: taskState,
      restore: async (o) => void must(await post(users[keyOf(o)].officer, `/api/tasks/${o.task}/claim`), 200, 'claim again'),
      call: (c, o) => post(c, `/api/tasks/${o.task}/unclaim`),
    },
    {
      route: 'POST /api/tasks/:id/assign',
      allow: 'own: leader | parent: leader',
      ok: [200],
      state: taskState,
      call: (c, o) => post(c, `/api/tasks/${o.task}/assign`, { assignee: o.officer }),
    },
    {
      route: 'POST /api/tasks/reassign',
      allow: 'own: leader | parent: leader',
      ok: [200],
      state: taskState,
      call: (c, o) => post(c, '/api/tasks/reassign', { taskIds: [o.task], assignee: o.officer }),
    },
    {
      route: 'POST /api/tasks/:id/urge',
      allow: 'own: leader | parent: leader',
      ok: [200],
      state: taskState,
      call: (c, o) => post(c, `/api/tasks/${o.task}/urge`, { message: 'Đề nghị xử lý sớm' }),
    },
    {
      route: 'POST /api/tasks/:id/send-back',
      allow: 'own: officer',
      ok: [409],
      state: taskState,
      why: 'the holder only; the model has no send-back path (409)',
      call: (c, o) => post(c, `/api/tasks/${o.task}/send-back`, { reason: 'Trả lại để bổ sung' }),
    },
    // ---- the case: clock, timeline, case file
    {
      route: 'GET /api/cases/:processInstanceKey',
      allow: 'own: officer leader auditor admin | other: admin | parent: officer leader auditor admin | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/cases/${o.caseKey}`),
    },
    {
      route: 'POST /api/cases/:processInstanceKey/pause',
      allow: 'own: officer',
      ok: [200],
      state: clockState,
      why: 'the holder of a task of the case only',
      call: (c, o) => post(c, `/api/cases/${o.caseKey}/pause`, { reason: 'Chờ công dân bổ sung' }),
    },
    {
      route: 'POST /api/cases/:processInstanceKey/resume',
      allow: 'own: officer',
      ok: [200],
      state: clockState,
      call: (c, o) => post(c, `/api/cases/${o.caseKey}/resume`),
    },
    {
      route: 'GET /api/cases/:processInstanceKey/timeline',
      allow: 'own: leader auditor admin | other: admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/cases/${o.caseKey}/timeline`),
    },
    {
      route: 'GET /api/cases/:processInstanceKey/export.zip',
      allow: 'own: leader auditor admin | other: admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/cases/${o.caseKey}/export.zip`),
    },
    {
      route: 'GET /api/audit/cases',
      allow: 'own: auditor admin | other: admin | parent: auditor admin | granted: auditor',
      sees: (b, o) => b.includes(o.caseKey),
      call: (c, o) => get(c, `/api/audit/cases?bpmnProcessId=${bpmnIds[keyOf(o)]}`),
    },
    {
      route: 'GET /api/audit/cases/sample',
      allow: 'own: auditor admin | other: admin | parent: auditor admin | granted: auditor',
      sees: (b, o) => b.includes(o.caseKey),
      call: (c, o) => get(c, `/api/audit/cases/sample?bpmnProcessId=${bpmnIds[keyOf(o)]}&size=50&seed=matrix`),
    },
    {
      route: 'GET /api/audit/cases/export.xlsx',
      allow: 'own: auditor admin | other: admin | parent: auditor admin | granted: auditor',
      ok: [200],
      why: "a unit filter outside the auditor's scope is refused",
      call: (c, o) => get(c, `/api/audit/cases/export.xlsx?unit=${o.unit}&bpmnProcessId=${bpmnIds[keyOf(o)]}`),
    },
    {
      route: 'GET /api/audit/log',
      allow: 'own: auditor admin | other: admin | parent: auditor admin | granted: auditor',
      sees: (b, o) => b.includes(o.dossierCode),
      why: 'auditors see the entries of actors of the units they audit',
      call: (c, o) => get(c, `/api/audit/log?targetId=${encodeURIComponent(o.dossierCode)}`),
    },
    {
      route: 'GET /api/tasks?view=unit',
      allow: 'own: leader | parent: leader',
      sees: (b, o) => b.includes(o.task),
      why: "the unit view of a leader's inbox covers the subtree",
      call: (c) => get(c, '/api/tasks?view=unit&limit=200&bucket=in_progress'),
    },
    {
      route: 'GET /api/tasks?bucket=in_progress',
      allow: 'own: officer',
      sees: (b, o) => b.includes(o.task),
      why: 'the personal inbox: the holder',
      call: (c) => get(c, '/api/tasks?limit=200&bucket=in_progress'),
    },
    // ---- one-stop dossier (desk and resolving agency X)
    {
      route: 'GET /api/onestop/dossiers',
      allow: 'own: all | other: admin | parent: all | granted: auditor',
      sees: (b, o) => b.includes(o.dossierCode),
      call: (c, o) => get(c, `/api/onestop/dossiers?q=${encodeURIComponent(o.dossierCode)}`),
    },
    {
      route: 'GET /api/onestop/dossiers/:id',
      allow: 'own: all | other: admin | parent: all | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/onestop/dossiers/${o.dossierId}`),
    },
    {
      route: 'GET /api/onestop/dossiers/:id/slip.pdf',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [200],
      why: "the slip's QR code is the citizen's lookup key: the receiving desk prints it, other readers of the dossier do not",
      call: (c, o) => get(c, `/api/onestop/dossiers/${o.dossierId}/slip.pdf`),
    },
    {
      route: 'GET /api/onestop/dossiers/:id/forms/:form',
      allow: 'own: officer leader auditor admin | other: admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      why: "the forms carry the applicant's personal data: the desk and officers of the dossier's units, leaders and auditors over them; not designers, nor officers of the unit above",
      call: (c, o) => get(c, `/api/onestop/dossiers/${o.dossierId}/forms/06`),
    },
    {
      route: 'GET /api/onestop/reception-forms/:id/pdf',
      allow: 'own: officer leader auditor admin | other: admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      why: 'a refusal issued in person at the desk: its staff, leaders and auditors over it',
      call: (c, o) => get(c, `/api/onestop/reception-forms/${o.receptionFormId}/pdf`),
    },
    {
      route: 'GET /api/onestop/dossiers/:id/files/:docId',
      allow: 'own: all | other: admin | parent: all | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/onestop/dossiers/${o.dossierId}/files/${o.dossierFileId}`),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/accept',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [409],
      state: dossierState,
      why: 'desk staff of X; already received (409)',
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/accept`, {}),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/request-completion',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [409],
      state: dossierState,
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/request-completion`, { reason: 'Bổ sung giấy tờ' }),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/refuse',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [409],
      state: dossierState,
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/refuse`, { reason: 'Không đủ điều kiện' }),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/fees/request',
      allow: 'own: officer leader admin',
      ok: [400],
      state: dossierState,
      why: 'staff of the resolving agency or the desk only (not admins of other units: they do not collect the fees); a blank reason stops it after the unit check (400)',
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/fees/request`, { reason: ' ' }),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/fees/paid',
      allow: 'own: officer leader admin',
      ok: [409],
      state: dossierState,
      why: 'staff of the resolving agency or the desk; not waiting for fees (409)',
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/fees/paid`),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/paper-handover',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [409],
      why: 'the desk that received the dossier (X) hands its paper over; received at its own desk, there is nothing to hand over (409)',
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/paper-handover`, {}),
    },
    {
      route: 'POST /api/onestop/dossiers/:id/withdraw',
      allow: 'own: officer leader admin | other: admin | parent: admin',
      ok: [400],
      state: dossierState,
      why: 'desk staff of X; a blank reason stops it after the unit check (400)',
      call: (c, o) => post(c, `/api/onestop/dossiers/${o.dossierId}/withdraw`, { reason: ' ' }),
    },
    // ---- lateness forecast (issue 20): the open dossiers of the viewer's scope
    {
      route: 'GET /api/forecast/dossiers',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      sees: (b, o) => b.includes(o.dossierCode),
      why: "as the overdue list: officers see the agencies they work for (their unit's ancestors and subtree), leaders their subtree, administrators all; the sibling unit gets an empty list",
      call: (c) => get(c, '/api/forecast/dossiers?limit=200'),
    },
    // ---- apology letter (resolving agency X)
    {
      route: 'GET /api/onestop-stats/apologies',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      sees: (b, o) => b.includes(o.dossierCode),
      call: (c) => get(c, '/api/onestop-stats/apologies'),
    },
    {
      route: 'GET /api/onestop-stats/dossiers/:code/apology',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      ok: [200],
      call: (c, o) => get(c, `/api/onestop-stats/dossiers/${encodeURIComponent(o.dossierCode)}/apology`),
    },
    {
      route: 'GET /api/onestop-stats/dossiers/:code/apology/window',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      ok: [200],
      call: (c, o) => get(c, `/api/onestop-stats/dossiers/${encodeURIComponent(o.dossierCode)}/apology/window`),
    },
    {
      route: 'GET /api/onestop-stats/instances/:key/apology/window',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      ok: [200],
      why: "the task page's view of the same window: the dossier of the instance, in the same scope",
      call: (c, o) => get(c, `/api/onestop-stats/instances/${o.caseKey}/apology/window`),
    },
    {
      route: 'GET /api/onestop-stats/dossiers/:code/apology.pdf',
      allow: 'own: officer leader admin | other: admin | parent: officer leader admin',
      ok: [200],
      call: (c, o) => get(c, `/api/onestop-stats/dossiers/${encodeURIComponent(o.dossierCode)}/apology.pdf`),
    },
    {
      route: 'POST /api/onestop-stats/dossiers/:code/apology',
      allow: 'own: officer leader admin',
      ok: [409],
      state: apologyState,
      why: 'staff of the resolving agency; drafted once already (409)',
      call: (c, o) =>
        post(c, `/api/onestop-stats/dossiers/${encodeURIComponent(o.dossierCode)}/apology`, { reason: 'Chậm do thẩm định', newDate: '2030-12-30' }),
    },
    {
      route: 'POST /api/onestop-stats/dossiers/:code/apology/approve',
      allow: 'own: leader',
      ok: [200, 409],
      state: apologyState,
      why: 'a leader of the resolving agency',
      call: (c, o) => post(c, `/api/onestop-stats/dossiers/${encodeURIComponent(o.dossierCode)}/apology/approve`),
    },
    {
      route: 'GET /api/onestop-stats/statistics',
      allow: 'own: leader admin | other: admin | parent: leader admin',
      ok: [200],
      why: 'statistics of an agency: leaders of a subtree holding it, administrators',
      call: (c, o) => get(c, `/api/onestop-stats/statistics?from=2026-01-01&to=2026-12-31&agency=${o.unit}`),
    },
    {
      route: 'GET /api/onestop-stats/service-index',
      allow: 'own: leader admin | other: admin | parent: leader admin',
      ok: [200],
      why: 'the evaluation of an agency: leaders of a subtree holding it, administrators',
      call: (c, o) => get(c, `/api/onestop-stats/service-index?from=2026-01-01&to=2026-12-31&agency=${o.unit}`),
    },
    // ---- ISO registers
    {
      route: 'GET /api/iso/nonconformities',
      allow: 'own: officer leader designer auditor admin | other: auditor admin | parent: leader auditor admin | granted: auditor',
      sees: (b, o) => has(o)(b),
      call: (c) => get(c, '/api/iso/nonconformities?limit=200'),
    },
    {
      route: 'GET /api/iso/nonconformities/:id',
      allow: 'own: officer leader designer auditor admin | other: auditor admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      call: (c, o) => get(c, `/api/iso/nonconformities/${o.nc}`),
    },
    {
      route: 'POST /api/iso/nonconformities',
      allow: 'own: officer leader admin | other: officer leader admin | parent: officer leader admin',
      ok: [201],
      state: (o) => p.db('iso_nonconformities').where({ unit_code: o.unit }).count({ n: '*' }),
      why: 'anyone on staff may report a nonconformity about any unit (the ISO office confirms the unit)',
      call: (c, o) => post(c, '/api/iso/nonconformities', { title: 'Phát hiện khi kiểm tra chéo', description: 'Mô tả phát hiện', unitCode: o.unit }),
    },
    {
      route: 'GET /api/iso/report',
      allow: 'own: leader auditor admin | other: auditor admin | parent: leader auditor admin | granted: auditor',
      sees: (b, o) => ncOrComplaintOf(o)(b),
      leak: (b, o) => ncOrComplaintOf(o)(b),
      why: 'the annual report lists to a leader the nonconformities and complaints its registers show them; the figures are province-wide',
      call: (c) => get(c, '/api/iso/report?year=2026'),
    },
    {
      route: 'GET /api/iso/agencies',
      allow: 'own: leader auditor admin | other: leader auditor admin | parent: leader auditor admin | granted: auditor',
      ok: [200],
      why: "the province view of every agency's quality system: administrators, and leaders and auditors of a unit under no department or commune (the matrix's units are such: province level)",
      call: (c) => get(c, '/api/iso/agencies?year=2026'),
    },
    {
      route: 'GET /api/iso/me',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      ok: [200],
      why: "every reader learns whose quality system the ISO pages show them (their agency's, or the province's)",
      call: (c) => get(c, '/api/iso/me'),
    },
    {
      route: 'GET /api/iso/report.pdf',
      allow: 'own: leader auditor admin | other: auditor admin | parent: leader auditor admin | granted: auditor',
      sees: (b, o) => ncOrComplaintOf(o)(b),
      leak: (b, o) => ncOrComplaintOf(o)(b),
      why: 'the PDF of the annual report lists what GET /api/iso/report lists (read as text by pdftotext)',
      call: (c) => getPdfText(c, '/api/iso/report.pdf?year=2026'),
    },
    {
      route: 'GET /api/iso/documents/:id',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      ok: [200],
      why: 'the register of controlled documents is read by every staff member',
      call: (c, o) => get(c, `/api/iso/documents/${o.document}`),
    },
    {
      route: 'POST /api/iso/documents/:id/revisions',
      allow: 'own: officer leader | parent: leader',
      ok: [409],
      state: docState,
      why: 'the owner unit (leaders: its subtree); a draft cannot be revised (409)',
      call: (c, o) => post(c, `/api/iso/documents/${o.document}/revisions`, { summary: 'Sửa đổi', distributeTo: [o.unit] }),
    },
    {
      route: 'POST /api/iso/documents/:id/withdrawal',
      allow: 'own: officer leader | parent: leader',
      ok: [409],
      state: docState,
      call: (c, o) => post(c, `/api/iso/documents/${o.document}/withdrawal`, { summary: 'Hủy bỏ', distributeTo: [o.unit] }),
    },
    {
      route: 'POST /api/iso/documents/:id/proposals',
      allow: 'own: officer leader | other: officer leader | parent: officer leader',
      ok: [409],
      state: docState,
      why: 'any staff member may propose a change to a document in force',
      call: (c, o) => post(c, `/api/iso/documents/${o.document}/proposals`, { kind: 'revision', reason: 'Đề xuất sửa đổi' }),
    },
    {
      route: 'GET /api/iso/complaints',
      allow: 'own: officer auditor admin | other: auditor admin | parent: auditor admin | granted: auditor',
      sees: (b, o) => has(o)(b),
      why: 'the officer who received it, auditors and administrators (the responsible unit is set later by the office)',
      call: (c) => get(c, '/api/iso/complaints'),
    },
    {
      route: 'GET /api/iso/risks',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      sees: (b, o) => has(o)(b),
      why: 'the risk register is read by every staff member',
      call: (c) => get(c, '/api/iso/risks'),
    },
    {
      route: 'POST /api/iso/risks',
      allow: 'own: officer leader | parent: leader',
      ok: [201],
      state: (o) => p.db('iso_risks').where({ unit_code: o.unit }).count({ n: '*' }),
      why: 'a risk of my unit (leaders: of my subtree)',
      call: (c, o) =>
        post(c, '/api/iso/risks', { unitCode: o.unit, kind: 'opportunity', title: 'Cơ hội cải tiến', description: 'Mô tả cơ hội', reviewCycleDays: 90 }),
    },
    {
      route: 'GET /api/iso/objectives',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      sees: (b, o) => has(o)(b),
      why: 'quality objectives are published to every staff member',
      call: (c) => get(c, '/api/iso/objectives?year=2026'),
    },
    {
      route: 'POST /api/iso/objectives',
      allow: 'own: leader admin | other: admin | parent: leader admin',
      ok: [400],
      state: (o) => p.db('iso_objectives').where({ unit_code: o.unit }).count({ n: '*' }),
      why: 'leaders of the subtree and administrators; a rate above 100 stops it after the unit check (400)',
      call: (c, o) =>
        post(c, '/api/iso/objectives', { unitCode: o.unit, year: 2026, title: 'Tỷ lệ đúng hạn', metric: 'on_time_rate', target: 101, direction: 'at_least' }),
    },
    {
      route: 'GET /api/iso/reviews',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      sees: (b, o) => has(o)(b),
      why: 'management reviews are read by every staff member',
      call: (c) => get(c, '/api/iso/reviews'),
    },
    // ---- organisation, calendar, audit scopes, personal objects
    { route: 'GET /api/units/:code/members', allow: 'own: leader | parent: leader', ok: [200], call: (c, o) => get(c, `/api/units/${o.unit}/members`) },
    {
      route: 'GET /api/calendar/years/:year',
      allow: 'own: all | other: all | parent: all | granted: auditor',
      ok: [200],
      why: 'working calendars are public',
      call: (c, o) => get(c, `/api/calendar/years/2031?unit=${o.unit}`),
    },
    {
      route: 'PUT /api/calendar/days/:id',
      allow: 'own: admin | other: admin | parent: admin',
      ok: [200],
      state: (o) => p.db('calendar_days').where({ id: o.calendarDay }).first(),
      why: "administrators keep every unit's calendar",
      call: (c, o) => request(c, 'PUT', `/api/calendar/days/${o.calendarDay}`, { kind: 'day_off', reason: 'Xác nhận lại ngày nghỉ' }),
    },
    {
      route: 'GET /api/audit/scopes',
      allow: 'own: admin | other: admin | parent: admin | granted: auditor',
      sees: (b, o) => b.includes(o.grantedAuditor) && b.includes(o.unit),
      why: 'administrators all; an auditor its own scopes',
      call: (c) => get(c, '/api/audit/scopes'),
    },
    {
      route: 'DELETE /api/audit/saved-queries/:id',
      allow: 'own: auditor',
      ok: [204],
      state: (o) => p.db('audit_saved_queries').where({ id: o.savedQuery }).first(),
      why: 'its owner only',
      restore: async (o) => {
        o.savedQuery = String(
          must(await post(users[keyOf(o)].auditor, '/api/audit/saved-queries', { name: `Truy vấn ${o.markers[0]}`, query: { q: o.tag } }), 201, 'save again')
            .id,
        );
      },
      call: (c, o) => request(c, 'DELETE', `/api/audit/saved-queries/${o.savedQuery}`),
    },
    {
      route: 'POST /api/notifications/:id/read',
      allow: 'own: officer',
      ok: [200],
      state: (o) => p.db('notifications').where({ id: o.notification }).first(),
      why: 'its recipient only',
      call: (c, o) => post(c, `/api/notifications/${o.notification}/read`),
    },
    {
      route: 'DELETE /api/audit/scopes/:username/:unitCode',
      allow: 'own: admin | other: admin | parent: admin',
      ok: [204],
      state: (o) => p.db('auditor_scopes as s').join('users as u', 'u.id', 's.user_id').where('u.username', o.grantedAuditor).select('s.unit_id'),
      restore: async (o) => void must(await post(adminA, '/api/audit/scopes', { username: o.grantedAuditor, unitCode: o.unit }), 201, 'grant again'),
      call: (c, o) => request(c, 'DELETE', `/api/audit/scopes/${o.grantedAuditor}/${o.unit}`),
    },
    // ---- last: the ones that end the case (allowed callers work on fresh cases)
    {
      route: 'POST /api/tasks/:id/complete',
      allow: 'own: officer',
      ok: [200],
      state: taskState,
      call: (c, o) => post(c, `/api/tasks/${o.task}/complete`, { variables: {} }),
    },
    {
      route: 'DELETE /api/process-instances/:key',
      allow: 'own: leader admin | other: admin | parent: leader admin',
      ok: [204],
      why: 'leaders of the subtree the case belongs to, administrators',
      fresh: async (o) => ({ caseKey: await startCase(keyOf(o)) }),
      // Zeebe answers NOT_FOUND for an instance that no longer runs: 204 proves the refusals cancelled nothing.
      survived: async (o) => {
        const r = await request(users[keyOf(o)].leader, 'DELETE', `/api/process-instances/${o.caseKey}`);
        return r.status === 204 ? null : `the case did not survive the refusals: its own leader's cancel answers ${r.status} ${r.body.slice(0, 200)}`;
      },
      call: (c, o) => request(c, 'DELETE', `/api/process-instances/${o.caseKey}`),
    },
  ];

  const keyOf = (o: Objects): 'A' | 'B' => (o.unit === units.A ? 'A' : 'B');

  beforeAll(async () => {
    p = await startTestPlatform();
    units.P = await createUnit(p.db, { name: 'Sở thử phân quyền' });
    units.A = await createUnit(p.db, { parentCode: units.P, name: 'Phòng A' });
    units.B = await createUnit(p.db, { parentCode: units.P, name: 'Phòng B' });
    units.O = await createUnit(p.db, { name: 'Thanh tra thử' });
    for (const key of ['P', 'A', 'B'] as const) {
      users[key] = {};
      for (const role of ROLES) {
        const c = await login(p.app, await createUser(p.db, { roles: [role], unitCode: units[key] }));
        users[key][role] = { token: c.token, username: c.user.username };
      }
    }
    for (const key of ['A', 'B'] as const) {
      const c = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: units.O }));
      granted[key] = { token: c.token, username: c.user.username };
    }
    adminA = users.A.admin!;
    objects.A = await makeObjects('A');
    objects.B = await makeObjects('B');
  }, 240_000);
  afterAll(async () => p?.close());

  /** The caller of a cell for an object of unit X. */
  const callerFor = (x: 'A' | 'B', rel: Rel, role: string): Caller => {
    const other = x === 'A' ? 'B' : 'A';
    if (rel === 'granted') return granted[x];
    return users[rel === 'own' ? x : rel === 'other' ? other : 'P'][role];
  };

  const observed: Record<string, string> = {};
  /** How each route refuses: 403, or 404 where its query is scoped (another's object is not found); lists answer 200 without it. */
  const refusals: Record<string, string> = {};
  const expected: Record<string, string> = {};
  const problems: string[] = [];
  let cells = 0;

  it('every route with a :param is in the unit matrix or listed as unit-independent with a reason', () => {
    const routes = parseRoutes(p.app.printRoutes({ commonPrefix: false })).filter((r) => r.url.startsWith('/api/') && r.url.includes(':'));
    const inMatrix = new Set(MATRIX.map((r) => r.route));
    const missing = routes.map((r) => `${r.method} ${r.url}`).filter((id) => !inMatrix.has(id) && !UNIT_INDEPENDENT[id]);
    expect(missing).toEqual([]);
    // And nothing listed is stale.
    const all = new Set(parseRoutes(p.app.printRoutes({ commonPrefix: false })).map((r) => `${r.method} ${r.url}`));
    expect([...inMatrix, ...Object.keys(UNIT_INDEPENDENT)].filter((id) => !all.has(id.split('?')[0]))).toEqual([]);
  });

  it("an id of another unit's file under one's own task or dossier is not found", async () => {
    const a = objects.A;
    const b = objects.B;
    const officerA = users.A.officer;
    const file = await get(officerA, `/api/tasks/${a.task}/attachments/${b.attachmentId}`);
    expect(file.status).toBe(404);
    expect(file.body).not.toContain(b.markers[0]);
    const doc = await get(officerA, `/api/onestop/dossiers/${a.dossierId}/files/${b.dossierFileId}`);
    expect(doc.status).toBe(404);
    expect(doc.body).not.toContain(b.markers[0]);
    // The same ids under their own parents are served (the refusal above is about the pairing).
    expect((await get(users.B.officer, `/api/tasks/${b.task}/attachments/${b.attachmentId}`)).status).toBe(200);
    expect((await get(users.B.officer, `/api/onestop/dossiers/${b.dossierId}/files/${b.dossierFileId}`)).status).toBe(200);
  });

  it('the annual report workbook lists to a leader the nonconformities of their subtree only', async () => {
    const text = async (c: Caller) => {
      const r = await p.app.inject({ method: 'GET', url: '/api/iso/report.xlsx?year=2026', headers: { authorization: `Bearer ${c.token}` } });
      expect(r.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(r.rawPayload as unknown as ArrayBuffer);
      const cells: string[] = [];
      wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.value ?? '')))));
      return cells.join('\n');
    };
    const ncA = `Sự không phù hợp ${objects.A.markers[0]}`;
    expect(await text(users.B.leader)).not.toContain(ncA);
    expect(await text(users.A.leader)).toContain(ncA);
    expect(await text(users.P.leader)).toContain(ncA);
    expect(await text(users.B.auditor)).toContain(ncA);
  });

  it('each role of the own, sibling and parent unit (and a granted auditor) is allowed or refused as the matrix says; refusals leak nothing and change nothing', async () => {
    for (const row of MATRIX) {
      const allow = parseAllow(row.allow);
      expected[row.route] = formatAllow(allow);
      const seen: Record<'A' | 'B', Set<string>> = { A: new Set(), B: new Set() };
      const refusedWith = new Set<string>();
      for (const x of ['A', 'B'] as const) {
        const shared = row.fresh ? { ...objects[x], ...(await row.fresh(objects[x])) } : objects[x];
        // Refusals first, so an allowed write cannot hide one.
        const order = [...CALLERS].sort((a, b) => Number(allow.has(who(a))) - Number(allow.has(who(b))));
        let survivedChecked = false;
        for (const cell of order) {
          const c = callerFor(x, cell.rel, cell.role);
          if (allow.has(who(cell)) && row.survived && !survivedChecked) {
            const lost = await row.survived(shared);
            if (lost) problems.push(`${row.route} on ${x}'s object: ${lost}`);
            survivedChecked = true;
          }
          const target = row.fresh && allow.has(who(cell)) ? { ...shared, ...(await row.fresh(shared)) } : shared;
          const before = row.state ? JSON.stringify(await row.state(target)) : undefined;
          const res = await row.call(c, target);
          cells++;
          const label = `${row.route} on ${x}'s object as ${who(cell)}`;
          let allowed: boolean;
          if (row.sees) {
            if (res.status !== 200 && res.status !== 403) problems.push(`${label}: unexpected ${res.status} ${res.body.slice(0, 200)}`);
            allowed = res.status === 200 && row.sees(res.body, target);
          } else if ((row.ok ?? [200]).includes(res.status)) {
            allowed = true;
          } else if (res.status === 403 || res.status === 404) {
            allowed = false;
          } else {
            problems.push(`${label}: unexpected ${res.status} ${res.body.slice(0, 200)}`);
            allowed = false;
          }
          if (allowed) seen[x].add(who(cell));
          if (!allowed) {
            refusedWith.add(row.sees && res.status === 200 ? 'not listed' : String(res.status));
            if ((row.leak ?? ((b, t) => has(t)(b)))(res.body, target)) problems.push(`${label}: the refusal carries the object's content`);
            if (row.state) {
              const after = JSON.stringify(await row.state(target));
              if (after !== before) problems.push(`${label}: refused (${res.status}) but the object changed: ${before} -> ${after}`);
            }
          } else if (row.restore) {
            await row.restore(target);
          }
        }
        if (row.survived && !survivedChecked) {
          const lost = await row.survived(shared);
          if (lost) problems.push(`${row.route} on ${x}'s object: ${lost}`);
        }
      }
      const a = formatAllow(seen.A);
      const b = formatAllow(seen.B);
      observed[row.route] = a === b ? a : `A: ${a} || B: ${b}`;
      refusals[row.route] = [...refusedWith].sort().join(', ') || 'nobody refused';
    }
    expect.soft(problems).toEqual([]);
    expect.soft(observed).toEqual(expected);
    expect(observed).toMatchSnapshot();
    expect(refusals).toMatchSnapshot();
    // routes × callers × units, for the README
    console.log(`unit matrix: ${MATRIX.length} routes, ${CALLERS.length} callers, 2 owning units: ${cells} calls`);
  }, 600_000);
});
