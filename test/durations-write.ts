/**
 * Writes test/durations.json (seconds per test file) from a vitest JSON report, for the shard deal in
 * test/sequencer.ts: `npx vitest run --reporter=json --outputFile=/tmp/run.json`, then
 * `npx tsx test/durations-write.ts /tmp/run.json`. Durations under load are what CI sees; a stale table
 * only makes the deal less even, never wrong (a missing file counts as an average one).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const report = process.argv[2];
if (!report) throw new Error('usage: tsx test/durations-write.ts <vitest JSON report>');
const root = path.resolve(import.meta.dirname, '..');
const json = JSON.parse(readFileSync(report, 'utf8')) as { testResults: { name: string; startTime: number; endTime: number }[] };
const out: Record<string, number> = {};
for (const r of json.testResults) {
  // from any clone of the repository: the path from its test/ folder on
  const name = r.name.split(path.sep).join('/');
  const key = name.slice(name.lastIndexOf('/test/') + 1);
  out[key] = Math.round((r.endTime - r.startTime) / 100) / 10;
}
const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(path.join(root, 'test', 'durations.json'), JSON.stringify(sorted, null, 2) + '\n');
console.log(`test/durations.json: ${Object.keys(sorted).length} files`);
