import { useTranslation } from 'react-i18next';
import type { StepInfo } from '../../../../api/schemas/task-extras.js';

/** The step's settings from the model: what to do, the records it produces, ISO clauses, time limit. */
export function StepPanel({ step }: { step: StepInfo }) {
  const { t } = useTranslation();
  return (
    <section className="tv-panel tv-step" aria-labelledby="tv-step-title" data-testid="step-panel">
      <h2 id="tv-step-title">{t('taskView.step')}</h2>
      <h3>{t('taskView.instructions')}</h3>
      {step.instructions ? <p className="tv-instructions">{step.instructions}</p> : <p className="muted">{t('taskView.noInstructions')}</p>}
      <h3>{t('taskView.records')}</h3>
      {step.records.length ? (
        <ul className="tv-records">
          {step.records.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">{t('taskView.noRecords')}</p>
      )}
      <dl className="tv-step-facts">
        {step.timeLimitDays !== null && (
          <div>
            <dt>{t('taskView.timeLimit')}</dt>
            <dd>{t('taskView.days', { n: step.timeLimitDays })}</dd>
          </div>
        )}
        {step.isoClauses.length > 0 && (
          <div>
            <dt>{t('taskView.isoClauses')}</dt>
            <dd>{step.isoClauses.join(', ')}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}
