import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { clausesQuery } from './api.js';

export function ClauseViewPanel() {
  const { t } = useTranslation();
  const view = useQuery(clausesQuery());
  if (view.isError) return <Alert>{errorMessage(view.error)}</Alert>;
  if (!view.data) return <p className="muted">{t('iso.loading')}</p>;
  return (
    <div className="iso-section" data-testid="iso-clauses">
      <p className="muted">{t('iso.clauses.intro')}</p>
      {view.data.clauses.map((c) => (
        <details key={c.clause} open>
          <summary>
            <strong>{c.clause}</strong> {c.title ?? ''}
          </summary>
          <ul>
            {c.steps.map((s) => (
              <li key={`${s.bpmnProcessId}:${s.elementId}`}>
                {s.processName} (v{s.version}) › {s.stepName}
                {s.records.length ? ` · ${t('iso.clauses.records')}: ${s.records.join('; ')}` : ''}
              </li>
            ))}
            {c.registers.map((r) => (
              <li key={r.register}>
                {r.label}: {t('iso.clauses.count', { count: r.count })}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}
