import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarDay } from '../../../../api/schemas/calendar.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDay } from '../../lib/format.js';
import { localName, yearQuery } from './api.js';

/** The year's special days (holidays, days off, working days) for the nation or a unit; admins get edit and delete buttons. */
export function YearDays({
  year,
  unit,
  isAdmin,
  onEdit,
  onDelete,
}: {
  year: number;
  unit?: string;
  isAdmin: boolean;
  onEdit: (day: CalendarDay) => void;
  onDelete: (day: CalendarDay) => void;
}) {
  const { t, i18n } = useTranslation();
  const view = useQuery(yearQuery(year, unit));
  return (
    <div className="calendar-section">
      <h2>{t('calendar.daysTitle')}</h2>
      {view.isError && <Alert>{errorMessage(view.error)}</Alert>}
      {view.isPending && <p className="muted">{t('calendar.loading')}</p>}
      {view.data && view.data.days.length === 0 && <p className="empty">{t('calendar.noDays')}</p>}
      {view.data && view.data.days.length > 0 && (
        <table className="task-table" data-testid="calendar-days">
          <thead>
            <tr>
              <th>{t('calendar.date')}</th>
              <th>{t('calendar.weekday')}</th>
              <th>{t('calendar.kind')}</th>
              <th>{t('calendar.name')}</th>
              <th>{t('calendar.status')}</th>
              <th>{t('calendar.origin')}</th>
              {isAdmin && <th>{t('calendar.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {view.data.days.map((d) => (
              <tr key={d.date} data-date={d.date} className={d.working ? 'calendar-working' : 'calendar-off'}>
                <td>{formatDay(d.date)}</td>
                <td>{t(`calendar.weekdays.${String(d.weekday) as '0'}`)}</td>
                <td>{t(`calendar.kinds.${d.kind}`)}</td>
                <td>
                  {localName(d.name, i18n.language)}
                  {d.source && <div className="muted small">{d.source}</div>}
                </td>
                <td>{d.working ? t('calendar.working') : t('calendar.notWorking')}</td>
                <td>{t(`calendar.origins.${d.origin}`, { unit: d.unitCode ?? '' })}</td>
                {isAdmin && (
                  <td className="calendar-actions">
                    {d.id !== undefined && (d.origin === 'national' || d.origin === 'unit') && (
                      <>
                        <button type="button" className="button button-quiet" onClick={() => onEdit(d)}>
                          {t('calendar.edit')}
                        </button>
                        <button type="button" className="button button-quiet" onClick={() => onDelete(d)}>
                          {t('calendar.delete')}
                        </button>
                      </>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
