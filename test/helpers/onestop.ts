import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { nextDossierCode } from '../../domain/onestop/code.js';

/** A catalogue entry in the import format with unique code and process id; override what the test needs. */
export function procedureEntry(over: Record<string, unknown> = {}): Record<string, unknown> {
  const tag = randomBytes(3).toString('hex');
  return {
    code: `T.${tag}`,
    name: `Thủ tục thử ${tag}`,
    field: 'Đất đai',
    agencyCode: 'SNNMT',
    agencyName: 'Sở Nông nghiệp và Môi trường',
    deskUnitCode: 'SNNMT-VP',
    agencyEid: 'H99.12',
    timeLimitDays: 5,
    fees: [{ name: 'Lệ phí', amount: 50000, note: '' }],
    requiredDocuments: [
      { code: 'DON', name: 'Đơn đề nghị', copies: 1, mandatory: true },
      { code: 'CCCD', name: 'Bản sao căn cước', copies: 1, mandatory: true },
      { code: 'KHAC', name: 'Giấy tờ khác (nếu có)', copies: 1, mandatory: false },
    ],
    result: 'Giấy chứng nhận',
    onlineLevel: 'full',
    legalBasis: 'Luật thử nghiệm',
    bpmnProcessId: `mc-test-${tag}`,
    processVersion: null,
    ...over,
  };
}

/** A dossier row as reception leaves it (for worker tests that start their own instance). */
export async function insertDossier(
  db: Knex,
  procedureCode: string,
  over: Record<string, unknown> = {},
): Promise<{ id: string; code: string; lookup_token: string }> {
  const p = await db('onestop_procedures').where({ code: procedureCode }).first();
  const code = await nextDossierCode(db, p.agency_eid, new Date());
  const [row] = await db('dossiers')
    .insert({
      code,
      procedure_code: procedureCode,
      field: p.field,
      agency_code: p.agency_code,
      desk_unit_code: p.desk_unit_code,
      channel: 'in_person',
      status: 'RECEIVED',
      applicant: JSON.stringify({ name: 'Nguyễn Văn An', email: 'an@example.vn' }),
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: new Date(),
      received_at: new Date(),
      ...over,
    })
    .returning(['id', 'code', 'lookup_token']);
  return { id: String(row.id), code: row.code, lookup_token: row.lookup_token };
}

/** A tiny procedure that runs every onestop-* worker in order, with message waits where the test looks. */
export function tinyBpmn(id: string, transferTo: string): string {
  const chain = [
    'Start',
    'XuLy',
    'YeuCauBoSung',
    'ChoBoSung',
    'TiepTuc',
    'ChuyenLienThong',
    'ChoLienThong',
    'NhanLienThong',
    'KetQua',
    'ChoTra',
    'DaTra',
    'End',
  ];
  const sub = ['RutStart', 'DaRut', 'RutEnd'];
  /** <incoming>/<outgoing> of an element on the main chain (F<i>) or in the withdrawal subprocess (R<i>). */
  const links = (elId: string) => {
    const [list, prefix] = chain.includes(elId) ? [chain, 'F'] : [sub, 'R'];
    const i = list.indexOf(elId);
    return `${i > 0 ? `<bpmn:incoming>${prefix}${i - 1}</bpmn:incoming>` : ''}${i < list.length - 1 ? `<bpmn:outgoing>${prefix}${i}</bpmn:outgoing>` : ''}`;
  };
  const svc = (elId: string, name: string, type: string, headers: Record<string, string> = {}) => `
    <bpmn:serviceTask id="${elId}" name="${name}">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${type}" />
        ${
          Object.keys(headers).length
            ? `<zeebe:taskHeaders>${Object.entries(headers)
                .map(([k, v]) => `<zeebe:header key="${k}" value="${v}" />`)
                .join('')}</zeebe:taskHeaders>`
            : ''
        }
      </bpmn:extensionElements>
      ${links(elId)}
    </bpmn:serviceTask>`;
  const wait = (elId: string, msg: string) =>
    `<bpmn:intermediateCatchEvent id="${elId}">${links(elId)}<bpmn:messageEventDefinition messageRef="${msg}" /></bpmn:intermediateCatchEvent>`;
  const flows = chain
    .slice(1)
    .map((to, i) => `<bpmn:sequenceFlow id="F${i}" sourceRef="${chain[i]}" targetRef="${to}" />`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/bpmn">
  <bpmn:message id="MsgSupplement" name="onestop-supplement"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="MsgWithdraw" name="onestop-withdraw"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="MsgReply" name="test-interagency-reply"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="MsgReturn" name="test-return"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="${id}" name="Thủ tục thử các worker một cửa" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start">${links('Start')}</bpmn:startEvent>
    ${svc('XuLy', 'Chuyển phòng chuyên môn', 'onestop-status', { 'onestop.status': 'IN_PROCESSING' })}
    ${svc('YeuCauBoSung', 'Yêu cầu bổ sung', 'onestop-supplement-request')}
    ${wait('ChoBoSung', 'MsgSupplement')}
    ${svc('TiepTuc', 'Tiếp tục xử lý', 'onestop-supplement-resume')}
    ${svc('ChuyenLienThong', 'Chuyển liên thông', 'onestop-transfer', { 'onestop.transferTo': transferTo, 'eiso.timeLimit': '2' })}
    ${wait('ChoLienThong', 'MsgReply')}
    ${svc('NhanLienThong', 'Nhận kết quả liên thông', 'onestop-transfer-return')}
    ${svc('KetQua', 'Ban hành kết quả', 'onestop-result')}
    ${wait('ChoTra', 'MsgReturn')}
    ${svc('DaTra', 'Trả kết quả', 'onestop-returned')}
    <bpmn:endEvent id="End">${links('End')}</bpmn:endEvent>
    ${flows}
    <bpmn:subProcess id="RutHoSo" triggeredByEvent="true">
      <bpmn:startEvent id="RutStart" isInterrupting="true">${links('RutStart')}<bpmn:messageEventDefinition messageRef="MsgWithdraw" /></bpmn:startEvent>
      ${svc('DaRut', 'Rút hồ sơ', 'onestop-status', { 'onestop.status': 'WITHDRAWN' })}
      <bpmn:endEvent id="RutEnd">${links('RutEnd')}</bpmn:endEvent>
      <bpmn:sequenceFlow id="R0" sourceRef="RutStart" targetRef="DaRut" />
      <bpmn:sequenceFlow id="R1" sourceRef="DaRut" targetRef="RutEnd" />
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;
}

/**
 * A small one-stop procedure with human steps: processing (SNNMT-QLDD) may ask for a supplement
 * (variable canBoSung) and comes back after it, then the result and the return at the desk
 * (SNNMT-VP), with the withdrawal event subprocess.
 */
export function deskBpmn(id: string, opts: { days?: number } = {}): string {
  const flows: [string, string, string, string?][] = [
    ['F1', 'Start', 'XuLy'],
    ['F2', 'XuLy', 'Gop'],
    ['F3', 'Gop', 'ThamDinh'],
    ['F4', 'ThamDinh', 'CanBoSung'],
    ['F5', 'CanBoSung', 'YeuCauBoSung', '=canBoSung = true'],
    ['F6', 'YeuCauBoSung', 'ChoBoSung'],
    ['F7', 'ChoBoSung', 'TiepTuc'],
    ['F8', 'TiepTuc', 'Gop'],
    ['F9', 'CanBoSung', 'KetQua'],
    ['F10', 'KetQua', 'TraKetQua'],
    ['F11', 'TraKetQua', 'DaTra'],
    ['F12', 'DaTra', 'End'],
    ['R1', 'RutStart', 'DaRut'],
    ['R2', 'DaRut', 'RutEnd'],
  ];
  const io = (el: string) =>
    flows
      .filter((f) => f[2] === el)
      .map((f) => `<bpmn:incoming>${f[0]}</bpmn:incoming>`)
      .join('') +
    flows
      .filter((f) => f[1] === el)
      .map((f) => `<bpmn:outgoing>${f[0]}</bpmn:outgoing>`)
      .join('');
  const svc = (el: string, name: string, type: string, headers: Record<string, string> = {}) =>
    `<bpmn:serviceTask id="${el}" name="${name}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" />${
      Object.keys(headers).length
        ? `<zeebe:taskHeaders>${Object.entries(headers)
            .map(([k, v]) => `<zeebe:header key="${k}" value="${v}" />`)
            .join('')}</zeebe:taskHeaders>`
        : ''
    }</bpmn:extensionElements>${io(el)}</bpmn:serviceTask>`;
  // A step without a form accepts only what its model reads when it ends (domain/inbox/task-input.ts): the
  // appraisal declares the supplement reason the supplement worker reads, next to the gateway's variable.
  const outputs = (names: string[]) =>
    names.length ? `<zeebe:ioMapping>${names.map((n) => `<zeebe:output source="=${n}" target="${n}" />`).join('')}</zeebe:ioMapping>` : '';
  const user = (el: string, name: string, group: string, days: string, out: string[] = []) =>
    `<bpmn:userTask id="${el}" name="${name}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${group}" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${days}" /></zeebe:taskHeaders>${outputs(out)}</bpmn:extensionElements>${io(el)}</bpmn:userTask>`;
  const flowXml = flows
    .map(
      ([fid, s, t, cond]) =>
        `<bpmn:sequenceFlow id="${fid}" sourceRef="${s}" targetRef="${t}">${cond ? `<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${cond}</bpmn:conditionExpression>` : ''}</bpmn:sequenceFlow>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/bpmn">
  <bpmn:message id="MsgSupplement" name="onestop-supplement"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:message id="MsgWithdraw" name="onestop-withdraw"><bpmn:extensionElements><zeebe:subscription correlationKey="=dossierCode" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="${id}" name="Thủ tục thử tiếp nhận" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${opts.days ?? 5}" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start">${io('Start')}</bpmn:startEvent>
    ${svc('XuLy', 'Chuyển phòng chuyên môn', 'onestop-status', { 'onestop.status': 'IN_PROCESSING' })}
    <bpmn:exclusiveGateway id="Gop">${io('Gop')}</bpmn:exclusiveGateway>
    ${user('ThamDinh', 'Thẩm định hồ sơ', 'SNNMT-QLDD/officer', '2', ['canBoSung', 'lyDoBoSung'])}
    <bpmn:exclusiveGateway id="CanBoSung" default="F9">${io('CanBoSung')}</bpmn:exclusiveGateway>
    ${svc('YeuCauBoSung', 'Yêu cầu bổ sung', 'onestop-supplement-request')}
    <bpmn:intermediateCatchEvent id="ChoBoSung" name="Chờ công dân bổ sung">${io('ChoBoSung')}<bpmn:messageEventDefinition messageRef="MsgSupplement" /></bpmn:intermediateCatchEvent>
    ${svc('TiepTuc', 'Tiếp tục xử lý', 'onestop-supplement-resume')}
    ${svc('KetQua', 'Ban hành kết quả', 'onestop-result')}
    ${user('TraKetQua', 'Trả kết quả', 'SNNMT-VP/officer', '0.5')}
    ${svc('DaTra', 'Đã trả kết quả', 'onestop-returned')}
    <bpmn:endEvent id="End">${io('End')}</bpmn:endEvent>
    ${flowXml
      .split('\n')
      .filter((l) => !l.includes('"R'))
      .join('\n')}
    <bpmn:subProcess id="RutHoSo" triggeredByEvent="true">
      <bpmn:startEvent id="RutStart" isInterrupting="true">${io('RutStart')}<bpmn:messageEventDefinition messageRef="MsgWithdraw" /></bpmn:startEvent>
      ${svc('DaRut', 'Rút hồ sơ', 'onestop-status', { 'onestop.status': 'WITHDRAWN' })}
      <bpmn:endEvent id="RutEnd">${io('RutEnd')}</bpmn:endEvent>
      ${flowXml
        .split('\n')
        .filter((l) => l.includes('"R'))
        .join('\n')}
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;
}

/** A tiny but real PDF (the magic bytes the server checks) with a given marker inside. */
export function pdfBytes(marker = 'x'): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${marker}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

/** The open inbox task of an element of an instance, once the inbox bridge has written it. */
export async function openTask(db: Knex, processInstanceKey: string, elementId: string): Promise<string | undefined> {
  const row = await db('inbox_tasks').where({ process_instance_key: processInstanceKey, element_id: elementId, status: 'open' }).first('job_key');
  return row ? String(row.job_key) : undefined;
}

/** The text of a PDF as poppler's pdftotext reads it (what a person or a screen reader gets). */
export async function pdfText(pdf: Buffer): Promise<string> {
  const { execFile } = await import('node:child_process');
  const { writeFile, mkdtemp } = await import('node:fs/promises');
  const os = await import('node:os');
  const path = await import('node:path');
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'pdf-')), 'doc.pdf');
  await writeFile(file, pdf);
  return new Promise((resolve, reject) =>
    execFile('/usr/bin/pdftotext', ['-layout', file, '-'], (err, out) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(out))),
  );
}

/**
 * The dark modules of the QR code drawn in a PDF: every filled square of the module size in the
 * (inflated) content streams, as "row,col" relative to the top-left module.
 */
export async function qrModulesInPdf(pdf: Buffer, moduleSize: number): Promise<Set<string>> {
  const { inflateSync } = await import('node:zlib');
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    try {
      streams.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      /* not a deflated content stream (fonts, images) */
    }
  }
  const squares: [number, number][] = [];
  for (const s of streams) {
    for (const r of s.matchAll(/(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re/g)) {
      if (Number(r[3]) === moduleSize && Number(r[4]) === moduleSize) squares.push([Number(r[1]), Number(r[2])]);
    }
  }
  if (!squares.length) return new Set();
  const x0 = Math.min(...squares.map((s) => s[0]));
  const y0 = Math.min(...squares.map((s) => s[1]));
  return new Set(squares.map(([x, y]) => `${Math.round((y - y0) / moduleSize)},${Math.round((x - x0) / moduleSize)}`));
}

/** The dark modules pdfmake's QR encoder produces for a text (same options as the slip), and the module size. */
export async function expectedQrModules(text: string, fit: number): Promise<{ modules: Set<string>; moduleSize: number }> {
  const { createRequire } = await import('node:module');
  const require = createRequire(import.meta.url);
  const qr = require('pdfmake/js/qrEnc.js').default as { measure: (n: object) => { _canvas: { x: number; y: number; w: number }[] } };
  const canvas = qr.measure({ qr: text, fit, eccLevel: 'M' })._canvas.slice(1);
  const size = canvas[0].w;
  const x0 = Math.min(...canvas.map((c) => c.x));
  const y0 = Math.min(...canvas.map((c) => c.y));
  return { modules: new Set(canvas.map((c) => `${Math.round((c.y - y0) / size)},${Math.round((c.x - x0) / size)}`)), moduleSize: size };
}

/** A multipart body as a browser's FormData would send it. */
export async function multipartBody(fields: Record<string, string>, files: { field: string; name: string; data: Buffer; type?: string }[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

/**
 * An in-person receipt as the desk's form sends it: the body as JSON in "data" and a scanned PDF per
 * document handed in (`scans` replaces them: the hostile tests send their own).
 */
export async function receiveAtDesk(
  app: { inject: (o: any) => Promise<{ statusCode: number; json: () => any }> },
  desk: { token: string },
  body: { documents: { code: string; copies: number }[] } & Record<string, unknown>,
  o: { scans?: { field: string; name: string; data: Buffer; type?: string }[]; skip?: string[] } = {},
): Promise<{ status: number; body: any }> {
  const scans =
    o.scans ??
    body.documents
      .filter((d) => d.copies > 0 && !(o.skip ?? []).includes(d.code))
      .map((d) => ({ field: `scan:${d.code}`, name: `${d.code.toLowerCase()}.pdf`, data: pdfBytes(`scan ${d.code}`), type: 'application/pdf' }));
  const { payload, contentType } = await multipartBody({ data: JSON.stringify(body) }, scans);
  const r = await app.inject({
    method: 'POST',
    url: '/api/onestop/dossiers',
    headers: { authorization: `Bearer ${desk.token}`, 'content-type': contentType },
    payload,
  });
  return { status: r.statusCode, body: r.json() };
}
