import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime, formatDay } from '../../lib/format.js';
import { changesQuery } from './api.js';

export function ChangeHistory({ year, unit }: { year: number; unit?: string }) {
  const { t } = useTranslation();
  const changes = useQuery(changesQuery({ year, ...(unit ? { unit } : {}), limit: 100 }));
  return (
    <div className="calendar-section">
      <h2>{t('calendar.changesTitle')}</h2>
      {changes.isError && <Alert>{errorMessage(changes.error)}</Alert>}
      {changes.data && changes.data.items.length === 0 && <p className="muted">{t('calendar.noChanges')}</p>}
      {changes.data && changes.data.items.length > 0 && (
        <table className="task-table" data-testid="calendar-changes">
          <thead>
            <tr>
              <th>{t('calendar.changedAt')}</th>
              <th>{t('calendar.who')}</th>
              <th>{t('calendar.action')}</th>
              <th>{t('calendar.unit')}</th>
              <th>{t('calendar.before')}</th>
              <th>{t('calendar.after')}</th>
              <th>{t('calendar.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {changes.data.items.map((c) => (
              <tr key={c.id}>
                <td>{formatDateTime(c.changedAt)}</td>
                <td>{c.username}</td>
                <td>
                  {t(`calendar.actionsMap.${c.action}`)} {t(`calendar.entities.${c.entity}`).toLowerCase()} {c.date ? formatDay(c.date) : ''}
                </td>
                <td>{c.unitCode ?? t('calendar.national')}</td>
                <td className="calendar-json">{showValues(c.before)}</td>
                <td className="calendar-json">{showValues(c.after)}</td>
                <td>{c.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function showValues(v: Record<string, unknown> | null): string {
  if (!v) return '—';
  return Object.entries(v)
    .filter(([k, x]) => x !== null && x !== undefined && k !== 'updatedAt' && k !== 'id')
    .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
    .join('; ');
}
