import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { processDefinitionsQuery } from '../../api/queries.js';
import { errorMessage, problemText } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';

/**
 * Every deployed process version (GET /api/process-definitions): those deployed outside the platform
 * are marked, with what they lack for the inbox (a human step nobody can receive, a missing form).
 */
export default function ProcessListPage() {
  const { t } = useTranslation();
  const list = useQuery(processDefinitionsQuery());
  return (
    <section className="process-list">
      <h1>{t('processes.title')}</h1>
      <p className="muted">{t('processes.intro')}</p>
      {list.isPending && <p className="muted">{t('processes.loading')}</p>}
      {list.error && <Alert kind="error">{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('processes.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('processes.name')}</th>
              <th>{t('processes.version')}</th>
              <th>{t('processes.deployedBy')}</th>
              <th>{t('processes.deployedAt')}</th>
              <th>{t('processes.active')}</th>
              <th>{t('processes.warnings')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((d) => (
              <tr key={d.processDefinitionKey} data-external={d.external || undefined}>
                <td>
                  {d.name} <span className="muted">({d.bpmnProcessId})</span>
                  {d.external && (
                    <>
                      {' '}
                      <span className="badge" title={t('processes.externalHint')}>
                        {t('processes.external')}
                      </span>
                    </>
                  )}
                </td>
                <td>{d.version}</td>
                <td>{d.deployedBy ?? '—'}</td>
                <td>{formatDateTime(d.deployedAt)}</td>
                <td>{d.activeInstances}</td>
                <td>
                  {d.warnings.length === 0 ? (
                    <span className="muted">{t('processes.ok')}</span>
                  ) : (
                    <div role="alert">
                      <ul className="process-warnings">
                        {d.warnings.map((w, i) => (
                          <li key={i}>{problemText(w)}</li>
                        ))}
                      </ul>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
