import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarDay } from '../../../../api/schemas/calendar.js';
import { meQuery, ownerUnitsQuery } from '../../api/queries.js';
import { Alert } from '../../components/Alert.js';
import { navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { YearDays } from './YearDays.js';
import { YearGrid } from './YearGrid.js';
import { AddDayForm, DeleteDayForm, EditDayForm } from './DayForms.js';
import { SettingsForm } from './SettingsForm.js';
import { DueCalculator } from './DueCalculator.js';
import { ChangeHistory } from './ChangeHistory.js';
import './calendar.css';
const thisYear = () => Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4));

function readYear(search: URLSearchParams): number {
  const y = Number(search.get('year'));
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : thisYear();
}

/** The working-day calendar: the year's special days, overrides and settings (admin), history, due-date calculator. */
export default function CalendarPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const year = readYear(search);
  const unit = search.get('unit') || undefined;
  const me = useQuery(meQuery());
  const isAdmin = !!me.data?.roles.includes('admin');
  const canSeeChanges = !!me.data?.roles.some((r) => r === 'admin' || r === 'auditor');
  const units = useQuery(ownerUnitsQuery());
  const [editing, setEditing] = useState<CalendarDay | null>(null);
  const [deleting, setDeleting] = useState<CalendarDay | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const go = (next: { year?: number; unit?: string | undefined }) =>
    navigate(withQuery('/calendar', { year: next.year ?? year, unit: 'unit' in next ? next.unit : unit }));

  const unitName = (code: string | null | undefined) => (code ? (units.data?.items.find((u) => u.code === code)?.name ?? code) : t('calendar.national'));

  return (
    <section className="calendar-page" data-testid="calendar-page">
      <div className="page-head">
        <h1>{t('calendar.title', { year })}</h1>
      </div>
      <p className="muted">{t('calendar.intro')}</p>
      <div className="calendar-toolbar">
        <button type="button" className="button" onClick={() => go({ year: year - 1 })} aria-label={t('calendar.prevYear')} disabled={year <= 2000}>
          ←
        </button>
        <label className="field">
          {t('calendar.year')}
          <input
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => {
              const y = Number(e.target.value);
              if (y >= 2000 && y <= 2100) go({ year: y });
            }}
          />
        </label>
        <button type="button" className="button" onClick={() => go({ year: year + 1 })} aria-label={t('calendar.nextYear')} disabled={year >= 2100}>
          →
        </button>
        <label className="field">
          {t('calendar.unit')}
          <select value={unit ?? ''} onChange={(e) => go({ unit: e.target.value || undefined })}>
            <option value="">{t('calendar.national')}</option>
            {units.data?.items.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name} ({u.code})
              </option>
            ))}
          </select>
        </label>
      </div>

      {notice && (
        <Alert kind="success" onDismiss={() => setNotice(null)} dismissLabel={t('errors.dismiss')}>
          {notice}
        </Alert>
      )}

      <YearGrid year={year} unit={unit} />
      <YearDays
        year={year}
        unit={unit}
        isAdmin={isAdmin}
        onEdit={(d) => {
          setDeleting(null);
          setEditing(d);
        }}
        onDelete={(d) => {
          setEditing(null);
          setDeleting(d);
        }}
      />

      {isAdmin && editing && (
        <EditDayForm
          key={`e${editing.id}`}
          day={editing}
          onDone={(msg) => {
            setEditing(null);
            setNotice(msg);
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {isAdmin && deleting && (
        <DeleteDayForm
          key={`d${deleting.id}`}
          day={deleting}
          onDone={(msg) => {
            setDeleting(null);
            setNotice(msg);
          }}
          onCancel={() => setDeleting(null)}
        />
      )}
      {isAdmin && <AddDayForm year={year} unit={unit} unitOptions={units.data?.items ?? []} onDone={setNotice} />}
      {isAdmin && <SettingsForm key={unit ?? ''} unit={unit} unitName={unitName} onDone={setNotice} />}
      <DueCalculator unit={unit} year={year} />
      {canSeeChanges && <ChangeHistory year={year} unit={unit} />}
    </section>
  );
}
