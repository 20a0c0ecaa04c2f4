import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ZeebeClient } from './client.js';
import { deployProcess, type DeployOutcome } from './deploy.js';

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

/** Deploys every bundled model (processes/*.bpmn, file name = process id) with the bundled forms. */
export async function deployBundled(zeebe: ZeebeClient, db: Knex, only?: string[]): Promise<DeployOutcome[]> {
  const forms = loadBundledForms();
  const files = readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn') && (!only || only.includes(f.replace(/\.bpmn$/, ''))));
  const out: DeployOutcome[] = [];
  for (const file of files.sort()) {
    out.push(await deployProcess(zeebe, db, { resourceName: file, xml: readFileSync(path.join(PROCESSES_DIR, file), 'utf8'), forms }));
  }
  return out;
}
