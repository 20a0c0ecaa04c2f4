import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';
import { validateBpmn, longestPath, headersOf, propertiesOf } from '../engine/validate.js';
import { DEMO_UNITS } from '../api/demo.js';

/**
 * The five bundled one-stop procedures against the contract of processes/ONESTOP.md and their
 * catalogue entries. The runs through the engine are in onestop-procedures.clock.test.ts.
 */

interface El {
  $type: string;
  id?: string;
  name?: string;
  [k: string]: any;
}

const CATALOGUE = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as {
  code: string; name: string; agencyCode: string; deskUnitCode: string; agencyEid: string; timeLimitDays: number; legalBasis: string;
  fees: { name: string; amount: number }[]; requiredDocuments: { code: string; mandatory: boolean }[]; bpmnProcessId: string; onlineLevel: string;
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
      'mc-cap-chung-chi-hanh-nghe-duoc', 'mc-cap-phep-xay-dung-nha-o', 'mc-cap-phieu-ly-lich-tu-phap', 'mc-dang-ky-ho-kinh-doanh', 'mc-dang-ky-khai-sinh',
    ]);
    for (const c of CATALOGUE) {
      expect(existsSync(path.join(PROCESSES_DIR, `${c.bpmnProcessId}.bpmn`)), c.bpmnProcessId).toBe(true);
      expect(UNITS.has(c.agencyCode), c.agencyCode).toBe(true);
      expect(UNITS.has(c.deskUnitCode), c.deskUnitCode).toBe(true);
      expect(c.requiredDocuments.some((d) => d.mandatory), `${c.code} has mandatory documents`).toBe(true);
      expect(c.legalBasis).toMatch(/(Luật|Nghị định)/);
    }
  });

  for (const c of CATALOGUE) {
    it(`${c.bpmnProcessId}: valid for deploy with the organisation's units, limits and the one-stop contract`, async () => {
      const m = await load(c.bpmnProcessId);
      const checked = await validateBpmn(m.xml, { unitCodes: UNITS });
      expect(checked.errors, JSON.stringify(checked.errors)).toEqual([]);
      expect(checked.warnings, JSON.stringify(checked.warnings)).toEqual([]);

      // Statutory limit = catalogue; the steps on the longest path fit inside it.
      expect(Number(propertiesOf(m.process)['eiso.timeLimit'])).toBe(c.timeLimitDays);
      expect(longestPath(m.process).days).toBeLessThanOrEqual(c.timeLimitDays);

      // Every element is drawn (the modeler shows it).
      expect(m.all.filter((e) => !m.drawn.has(e.id!)).map((e) => e.id)).toEqual([]);

      // Human steps: a unit/role of the organisation, a time limit, records, ISO clauses, a bundled form.
      const userTasks = m.all.filter((e) => e.$type === 'bpmn:UserTask');
      expect(userTasks.length).toBeGreaterThanOrEqual(2);
      for (const u of userTasks) {
        const group = m.ext(u, 'zeebe:AssignmentDefinition')?.candidateGroups as string;
        expect(group, u.id).toMatch(/^[A-Z0-9-]+\/(officer|leader)$/);
        expect(UNITS.has(group.split('/')[0]!), group).toBe(true);
        const h = headersOf(u as any);
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
      const form = FORMS[(m.ext(ret, 'zeebe:FormDefinition')!.formKey as string).slice(4)]!;
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
    expect(headersOf(send as any)).toMatchObject({ 'onestop.transferTo': 'CAT', 'eiso.timeLimit': '3' });
    const police = send.outgoing[0].targetRef as El;
    expect(m.ext(police, 'zeebe:AssignmentDefinition')?.candidateGroups).toBe('CAT-PV06/officer');
    expect(m.jobType(police.outgoing[0].targetRef)).toBe('onestop-transfer-return');
  });
});
