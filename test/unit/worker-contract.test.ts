import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { PROCESSES_DIR } from '../../engine/bundled.js';
import { AUTOMATED_STEP_TEMPLATES, USER_TASK_JOB_TYPE, WORKER_JOB_TYPES } from '../../engine/jobs/catalogue.js';
import { checkWorkers } from '../../engine/runtime.js';
import { DOMAIN_MODULES } from '../../domain/modules.js';

interface El {
  $type: string;
  id?: string;
  flowElements?: El[];
  rootElements?: El[];
  extensionElements?: { values?: (El & { type?: string })[] };
}

/** Job types a BPMN file creates: user tasks (job-based) and every zeebe:taskDefinition. */
async function jobTypesOf(xml: string): Promise<Map<string, string[]>> {
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const out = new Map<string, string[]>();
  const add = (type: string, id: string) => out.set(type, [...(out.get(type) ?? []), id]);
  const walk = (el: El) => {
    for (const f of el.flowElements ?? []) {
      if (f.$type === 'bpmn:UserTask') add(USER_TASK_JOB_TYPE, f.id!);
      const def = f.extensionElements?.values?.find((v) => v.$type === 'zeebe:TaskDefinition');
      if (def?.type) add(def.type, f.id!);
      walk(f);
    }
  };
  for (const r of (rootElement as El).rootElements ?? []) walk(r);
  return out;
}

describe('worker contract: processes/*.bpmn and engine/jobs/catalogue.ts agree', () => {
  it('every job type in a bundled process has a worker, and every worker is used or offered as a template', async () => {
    const used = new Map<string, string[]>();
    for (const file of readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn'))) {
      for (const [type, ids] of await jobTypesOf(readFileSync(path.join(PROCESSES_DIR, file), 'utf8'))) {
        used.set(type, [...(used.get(type) ?? []), ...ids.map((id) => `${file}#${id}`)]);
      }
    }
    expect(used.size).toBeGreaterThan(0);
    const withoutWorker = [...used.keys()].filter((t) => !WORKER_JOB_TYPES.includes(t));
    expect(withoutWorker, `job types without a worker: ${withoutWorker.map((t) => `${t} (${used.get(t)!.join(', ')})`).join('; ')}`).toEqual([]);

    const offered = new Set(AUTOMATED_STEP_TEMPLATES.map((t) => t.jobType));
    const unused = WORKER_JOB_TYPES.filter((t) => !used.has(t) && !offered.has(t));
    expect(unused, 'workers neither used by a bundled process nor offered as a modeler template').toEqual([]);
  });

  it('offers only job types that have a worker, once each, kebab-case', () => {
    const types = AUTOMATED_STEP_TEMPLATES.map((t) => t.jobType);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) {
      expect(WORKER_JOB_TYPES).toContain(t);
      expect(t).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    }
    // The business calendar comes with its own issue: no deadline computation is offered before it has a worker.
    expect(types).not.toContain('compute-deadline');
  });

  it('every catalogue job type has exactly one worker among the domain modules (the runtime refuses to start otherwise)', () => {
    expect(() => checkWorkers(DOMAIN_MODULES)).not.toThrow();
    const [inbox, ...rest] = DOMAIN_MODULES.filter((m) => m.workers?.length);
    // a module without its workers, or a second worker for a type, stops the runtime with the type named
    expect(() => checkWorkers(rest)).toThrow(/no worker for job type "io.camunda.zeebe:userTask"/);
    expect(() => checkWorkers([...DOMAIN_MODULES, { name: 'copy', workers: inbox.workers }])).toThrow(/has 2 workers \(inbox, copy\)/);
    expect(() => checkWorkers([...DOMAIN_MODULES, { name: 'x', workers: [{ ...inbox.workers![0], jobType: 'unknown-type' }] }])).toThrow(
      /"unknown-type" is not in engine\/jobs\/catalogue.ts/,
    );
  });
});
