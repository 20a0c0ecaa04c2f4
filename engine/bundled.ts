import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const PROCESSES_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'processes');

/** form-js schemas in processes/forms, keyed by file name without `.form`. */
export function loadBundledForms(dir = path.join(PROCESSES_DIR, 'forms')): Record<string, unknown> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.form'))
      .map((f) => [f.replace(/\.form$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8'))]),
  );
}

/** A bundled model: processes/<bpmnProcessId>.bpmn with the forms its steps name (formKey app:<form>). */
export interface BundledFile {
  resourceName: string;
  bpmnProcessId: string;
  xml: string;
  /** form-js schemas by form id (without `app:`), those the file names */
  forms: Record<string, unknown>;
}

/** Forms named by the model's formKey="app:<id>" attributes, from the given bundled forms. */
export function formsOf(xml: string, forms: Record<string, unknown>): Record<string, unknown> {
  const named = new Set([...xml.matchAll(/formKey="app:([^"]+)"/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(forms).filter(([id]) => named.has(id)));
}

/** Every bundled model of `dir` (processes/*.bpmn, file name = process id) with its forms, by file name. */
export function readBundledFiles(dir = PROCESSES_DIR, only?: string[]): BundledFile[] {
  const forms = loadBundledForms(path.join(dir, 'forms'));
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn') && (!only || only.includes(f.replace(/\.bpmn$/, ''))))
    .sort()
    .map((file) => {
      const xml = readFileSync(path.join(dir, file), 'utf8');
      return { resourceName: file, bpmnProcessId: file.replace(/\.bpmn$/, ''), xml, forms: formsOf(xml, forms) };
    });
}
