import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the files that move Zeebe's controlled clock (`*.clock.test.ts`) after all others. The broker
 * is shared by the run and its clock only moves forward (moving it back stops its timers on 8.6.0),
 * so everything else must run before business time jumps ahead.
 */
export default class ClockLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isClock = (f: TestSpecification) => f.moduleId.endsWith('.clock.test.ts');
    // Clock files among themselves by name, so each one's scenario can start after the previous one's
    // (deadlines.clock in 2031, onestop-procedures.clock in 2032).
    const byName = (a: TestSpecification, b: TestSpecification) => a.moduleId.localeCompare(b.moduleId);
    return [...sorted.filter((f) => !isClock(f)), ...sorted.filter(isClock).sort(byName)];
  }
}
