import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { nextDossierCode } from '../../api/onestop/code.js';

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
export async function insertDossier(db: Knex, procedureCode: string, over: Record<string, unknown> = {}): Promise<{ id: string; code: string; lookup_token: string }> {
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
  const chain = ['Start', 'XuLy', 'YeuCauBoSung', 'ChoBoSung', 'TiepTuc', 'ChuyenLienThong', 'ChoLienThong', 'NhanLienThong', 'KetQua', 'ChoTra', 'DaTra', 'End'];
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
        ${Object.keys(headers).length ? `<zeebe:taskHeaders>${Object.entries(headers).map(([k, v]) => `<zeebe:header key="${k}" value="${v}" />`).join('')}</zeebe:taskHeaders>` : ''}
      </bpmn:extensionElements>
      ${links(elId)}
    </bpmn:serviceTask>`;
  const wait = (elId: string, msg: string) => `<bpmn:intermediateCatchEvent id="${elId}">${links(elId)}<bpmn:messageEventDefinition messageRef="${msg}" /></bpmn:intermediateCatchEvent>`;
  const flows = chain.slice(1).map((to, i) => `<bpmn:sequenceFlow id="F${i}" sourceRef="${chain[i]}" targetRef="${to}" />`).join('\n');
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

