import path from 'node:path';
import { everyMs, type EngineContribution } from '../../engine/runtime.js';
import { purgeRefusedSubmissionFiles } from './public-guard.js';
import { MailTransport } from '../../lib/mail.js';
import { startNoticeMailer } from './notices.js';
import { DOSSIER_STARTED, onDossierStarted } from './reception.js';
import { onestopStatusJob } from './jobs/status.js';
import { onestopSupplementRequestJob } from './jobs/supplement-request.js';
import { onestopSupplementResumeJob } from './jobs/supplement-resume.js';
import { onestopTransferJob } from './jobs/transfer.js';
import { onestopTransferReturnJob } from './jobs/transfer-return.js';
import { onestopResultJob } from './jobs/result.js';
import { onestopReturnedJob } from './jobs/returned.js';

/**
 * One-stop dossiers: the service tasks of processes/ONESTOP.md, the instance put on the dossier once
 * reception's start is done, and the citizen's notices by e-mail when SMTP is configured (they are on
 * the lookup page in every case).
 */
export const onestop: EngineContribution = {
  name: 'onestop',
  workers: [
    onestopStatusJob,
    onestopSupplementRequestJob,
    onestopSupplementResumeJob,
    onestopTransferJob,
    onestopTransferReturnJob,
    onestopResultJob,
    onestopReturnedJob,
  ],
  continuations: { [DOSSIER_STARTED]: onDossierStarted },
  background: [
    // Files of refused and withdrawn online submissions leave the store after ONESTOP_REFUSED_FILES_DAYS.
    everyMs('files of refused submissions purged', 3600_000, ({ db, config }) =>
      purgeRefusedSubmissionFiles(db, path.join(config.dataDir, 'files'), config.onestopRefusedFilesDays),
    ),
    {
      name: 'citizen notice mailer',
      start: ({ db, log, config, mail }) => {
        if (!config.smtpUrl || !config.smtpFrom) return () => {};
        // The process's transport when it has one, else one of its own (closed with the task).
        const transport = mail ?? new MailTransport({ url: config.smtpUrl, from: config.smtpFrom });
        const stop = startNoticeMailer(db, transport, log, config.noticeMailEveryMs, config.citizenMailPerDay);
        return async () => {
          await stop();
          if (transport !== mail) transport.close();
        };
      },
    },
  ],
};
