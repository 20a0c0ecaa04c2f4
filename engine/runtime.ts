import type { Knex } from 'knex';
import type { ZeebeClient } from './client.js';
import { startUserTaskInboxWorker } from './workers/user-task-inbox.js';
import { startNotifyCitizenWorker } from './workers/notify-citizen.js';
import { startStepDeadlineWorker } from './workers/eiso-step-deadline.js';
import { startStepReminderWorker } from './workers/eiso-step-reminder.js';
import { startStepEscalateWorker } from './workers/eiso-step-escalate.js';
import { startCaseDeadlineWorker } from './workers/eiso-case-deadline.js';
import { startCaseFinishWorker } from './workers/eiso-case-finish.js';
import { startOnestopStatusWorker } from './workers/onestop-status.js';
import { startOnestopSupplementRequestWorker } from './workers/onestop-supplement-request.js';
import { startOnestopSupplementResumeWorker } from './workers/onestop-supplement-resume.js';
import { startOnestopTransferWorker } from './workers/onestop-transfer.js';
import { startOnestopTransferReturnWorker } from './workers/onestop-transfer-return.js';
import { startOnestopResultWorker } from './workers/onestop-result.js';
import { startOnestopReturnedWorker } from './workers/onestop-returned.js';
import { retryStuckCompletions } from './complete-task.js';
import { startIsoRegisterWorker } from './workers/iso-register.js';
import { startIsoSweep } from '../api/iso/sweep.js';
import { HistoryProjector } from './history/projector.js';
import { publishInboxChange } from '../api/repositories/inbox.js';
import { outboxOptions, startOutboxRelay } from './outbox.js';
import '../api/outbox-continuations.js';

export interface RuntimeLogger {
  info: (o: object, m?: string) => void;
  warn: (o: object, m?: string) => void;
  error: (o: object, m?: string) => void;
}

export interface EngineRuntime {
  projector: HistoryProjector;
  stop(): Promise<void>;
}

/**
 * Everything that works for the engine in the background: the inbox bridge worker, the history
 * projector, the sweep that re-sends completions an outage left pending, and the outbox relay.
 */
export async function startEngineRuntime(zeebe: ZeebeClient, db: Knex, log: RuntimeLogger): Promise<EngineRuntime> {
  const worker = startUserTaskInboxWorker(zeebe, db, log);
  const notifyCitizen = startNotifyCitizenWorker(zeebe, db);
  const deadlineWorkers = [
    startStepDeadlineWorker(zeebe, db),
    startStepReminderWorker(zeebe, db, log),
    startStepEscalateWorker(zeebe, db, log),
    startCaseDeadlineWorker(zeebe, db),
    startCaseFinishWorker(zeebe, db),
    startIsoRegisterWorker(zeebe, db),
  ];
  const onestopWorkers = [
    startOnestopStatusWorker(zeebe, db),
    startOnestopSupplementRequestWorker(zeebe, db),
    startOnestopSupplementResumeWorker(zeebe, db),
    startOnestopTransferWorker(zeebe, db),
    startOnestopTransferReturnWorker(zeebe, db),
    startOnestopResultWorker(zeebe, db),
    startOnestopReturnedWorker(zeebe, db),
  ];
  const stopIsoSweep = startIsoSweep(zeebe, db, log);
  // Engine commands committed with a business write and not answered yet (outage, crash): sent here.
  const relay = startOutboxRelay(db, zeebe, { ...outboxOptions({ log }), pollMs: 1000 });
  const projector = new HistoryProjector(db, { logger: log });
  // Cancelled tasks leave every open inbox at once (api/live.ts).
  projector.on('projected', (e) => void publishInboxChange(db, 'cancelled', e.cancelledJobKeys).catch((err) => log.warn({ err: String(err) }, 'inbox change not published')));
  await projector.start();
  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    retryStuckCompletions(zeebe, db)
      .then((n) => n > 0 && log.info({ settled: n }, 'pending task completions sent'))
      .catch((err) => log.warn({ err: String(err) }, 'completion sweep failed'))
      .finally(() => (sweeping = false));
  }, 5000);
  sweep.unref();
  return {
    projector,
    async stop() {
      clearInterval(sweep);
      stopIsoSweep();
      await relay.stop();
      await worker.close(5000).catch(() => {});
      await notifyCitizen.close(5000).catch(() => {});
      for (const w of deadlineWorkers) await w.close(5000).catch(() => {});
      for (const w of onestopWorkers) await w.close(5000).catch(() => {});
      await projector.stop();
    },
  };
}
