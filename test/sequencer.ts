import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each file took in a recent full run (test/durations.json, written by test/durations-write.ts). */
function loadDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(path.join(import.meta.dirname, 'durations.json'), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** A file's path from the project root, with forward slashes (the key of test/durations.json). */
const keyOf = (f: TestSpecification) => path.relative(f.project.config.root, f.moduleId).split(path.sep).join('/');

/**
 * What a file adds to its shard's wall time: its duration divided by the files its lane runs at a time
 * (`maxWorkers`: the serial lane 1). A file missing from the table (a new one) counts as an
 * average file of its lane.
 */
function costs(files: TestSpecification[], durations: Record<string, number>): Map<TestSpecification, number> {
  const known = Object.values(durations);
  const average = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 10;
  const out = new Map<TestSpecification, number>();
  for (const f of files) {
    const seconds = durations[keyOf(f)] ?? (f.project.name === 'unit' ? 1 : average);
    const atATime = Math.max(1, Number(f.project.config.maxWorkers) || 1);
    out.set(f, seconds / atATime);
  }
  return out;
}

/**
 * Runs the files that move Zeebe's controlled clock (`*.clock.test.ts`) after all others. The broker
 * is shared by the run and its clock only moves forward (moving it back stops its timers on 8.6.0),
 * so everything else must run before business time jumps ahead.
 *
 * Shards (`vitest run --shard=i/n`, `npm test` runs two side by side, each with its own broker and
 * database): the files are dealt out by their measured durations (test/durations.json), longest first, each
 * to the shard with the least work so far, so that both processes finish together. Every shard computes the
 * same deal from the same list of files.
 */
export default class ClockLastSequencer extends BaseSequencer {
  override async shard(files: TestSpecification[]): Promise<TestSpecification[]> {
    const shard = this.ctx.config.shard;
    if (!shard) return files;
    const cost = costs(files, loadDurations());
    const ordered = [...files].sort((a, b) => cost.get(b)! - cost.get(a)! || keyOf(a).localeCompare(keyOf(b)) || a.project.name.localeCompare(b.project.name));
    const load = new Array<number>(shard.count).fill(0);
    const mine: TestSpecification[] = [];
    for (const f of ordered) {
      let target = 0;
      for (let i = 1; i < shard.count; i++) if (load[i]! < load[target]!) target = i;
      load[target]! += cost.get(f)!;
      if (target === shard.index - 1) mine.push(f);
    }
    return mine;
  }

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    // Lanes in their group order (unit, integration, serial); in a lane the longest files first, so that no
    // long file starts last and runs alone at the end.
    const cost = costs(files, loadDurations());
    const group = (f: TestSpecification) => f.project.config.sequence.groupOrder;
    const sorted = [...files].sort(
      (a, b) => group(a) - group(b) || a.project.name.localeCompare(b.project.name) || cost.get(b)! - cost.get(a)! || keyOf(a).localeCompare(keyOf(b)),
    );
    const isClock = (f: TestSpecification) => f.moduleId.endsWith('.clock.test.ts');
    // Clock files among themselves by name, so each one's scenario can start after the previous one's
    // (deadlines.clock in 2031, onestop-procedures.clock in 2032).
    const byName = (a: TestSpecification, b: TestSpecification) => a.moduleId.localeCompare(b.moduleId);
    return [...sorted.filter((f) => !isClock(f)), ...sorted.filter(isClock).sort(byName)];
  }
}
