import { randomBytes } from 'node:crypto';

/**
 * What the web's banner asks while `npm start` fills the demo with activity (api/demo-fill.ts): one object
 * per application (a decoration), changed only by the filler. Without --demo, or with --empty, it stays idle.
 */
export interface DemoFillState {
  /** the filler is working now */
  running: boolean;
  /** the demo data of this data folder is complete (this start or an earlier one) */
  done: boolean;
  /** pieces of work planned (dossiers, land cases, ISO records) and finished so far */
  total: number;
  completed: number;
  /** pieces that could not be finished (the filler goes on with the others) */
  failed: number;
  /** the day of the past year being played (dd/mm/yyyy), while the filler lives through it */
  demoDate?: string;
  /**
   * Sent by the filler's own requests (header x-eiso-demo-fill) so the request log stays readable while it
   * works (api/platform.ts); random per process, never answered to anyone.
   */
  quietKey: string;
}

export function idleDemoFill(): DemoFillState {
  return { running: false, done: false, total: 0, completed: 0, failed: 0, quietKey: randomBytes(24).toString('base64url') };
}
