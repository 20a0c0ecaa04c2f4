import { useEffect, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { DueQuery } from '../../../../api/schemas/calendar.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { DateInput } from '../../components/DateInput.js';
import { formatAsWritten, formatDay } from '../../lib/format.js';
import { dueQuery, localName } from './api.js';

export function DueCalculator({ unit, year }: { unit?: string; year: number }) {
  const { t, i18n } = useTranslation();
  const [date, setDate] = useState(`${year}-01-05`);
  const [time, setTime] = useState('08:00');
  const [days, setDays] = useState('5');
  const [asked, setAsked] = useState<DueQuery | null>(null);
  const due = useQuery({ ...dueQuery(asked ?? { start: '', days: 0 }), enabled: asked !== null });
  // a new unit changes the answer: ask again with the same inputs
  useEffect(() => setAsked((q) => (q ? { ...q, unit } : q)), [unit]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ start: `${date}T${time}:00+07:00`, days: Number(days), ...(unit ? { unit } : {}) });
  };
  const r = due.data;
  return (
    <form className="calendar-section calendar-form" onSubmit={submit} aria-labelledby="calendar-due-title" data-testid="calendar-due">
      <h2 id="calendar-due-title">{t('calendar.dueTitle')}</h2>
      <p className="muted">{t('calendar.dueIntro')}</p>
      <div className="calendar-grid">
        <label className="field">
          {t('calendar.startDate')}
          <DateInput required value={date} onChange={setDate} />
        </label>
        <label className="field">
          {t('calendar.startTime')}
          <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
        </label>
        <label className="field">
          {t('calendar.workingDays')}
          <input type="number" required min={0} max={1000} step={0.5} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
      </div>
      <button type="submit" className="button button-primary" disabled={due.isFetching}>
        {t('calendar.compute')}
      </button>
      {due.isError && <Alert>{errorMessage(due.error)}</Alert>}
      {r && (
        <div className="calendar-due-result" data-testid="calendar-due-result">
          <p className="calendar-due-value">
            {t('calendar.due')}: <strong data-testid="calendar-due-value">{formatAsWritten(r.due)}</strong>
          </p>
          <ul>
            <li>{t('calendar.receivedAt', { at: formatAsWritten(r.receivedAt) })}</li>
            <li>{t('calendar.countingFrom', { at: formatAsWritten(r.countingFrom) })}</li>
            {r.cutoffApplied && <li>{t('calendar.cutoffApplied')}</li>}
            <li>{t('calendar.countedHalves', { count: r.counted.length })}</li>
          </ul>
          <h3>{t('calendar.skipped')}</h3>
          {r.skipped.length === 0 ? (
            <p className="muted">{t('calendar.noneSkipped')}</p>
          ) : (
            <ul data-testid="calendar-due-skipped">
              {r.skipped.map((d) => (
                <li key={d.date}>
                  {formatDay(d.date)} ({t(`calendar.weekdays.${String(d.weekday) as '0'}`)}): {t(`calendar.kinds.${d.kind}`)}
                  {d.kind !== 'weekend' && ` — ${localName(d.name, i18n.language)}`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </form>
  );
}
