import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarDay, CalendarSettings, DayKind, DueQuery } from '../../../../api/schemas/calendar.js';
import { meQuery } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatAsWritten, formatDateTime, formatDay } from '../../lib/format.js';
import { navigate, useLocation } from '../../router.js';
import { withQuery } from '../../api/query-string.js';
import { calendarMutations, changesQuery, dueQuery, localName, settingsQuery, yearQuery } from './api.js';
import { ownerUnitsQuery } from '../../api/queries.js';
import './calendar.css';

const KINDS: DayKind[] = ['holiday', 'day_off', 'working_day'];
const thisYear = () => Number(new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).slice(0, 4));

function readYear(search: URLSearchParams): number {
  const y = Number(search.get('year'));
  return Number.isInteger(y) && y >= 2000 && y <= 2100 ? y : thisYear();
}

/** The working-day calendar: the year's special days, overrides and settings (admin), history, due-date calculator. */
export default function CalendarPage() {
  const { t, i18n } = useTranslation();
  const { search } = useLocation();
  const year = readYear(search);
  const unit = search.get('unit') || undefined;
  const me = useQuery(meQuery());
  const isAdmin = !!me.data?.roles.includes('admin');
  const canSeeChanges = !!me.data?.roles.some((r) => r === 'admin' || r === 'auditor');
  const units = useQuery(ownerUnitsQuery());
  const view = useQuery(yearQuery(year, unit));
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
                          <button
                            type="button"
                            className="button button-quiet"
                            onClick={() => {
                              setDeleting(null);
                              setEditing(d);
                            }}
                          >
                            {t('calendar.edit')}
                          </button>
                          <button
                            type="button"
                            className="button button-quiet"
                            onClick={() => {
                              setEditing(null);
                              setDeleting(d);
                            }}
                          >
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

function ReasonField({ value, onChange, id }: { value: string; onChange: (v: string) => void; id: string }) {
  const { t } = useTranslation();
  return (
    <label className="field calendar-reason">
      {t('calendar.reason')}
      <input id={id} required minLength={3} maxLength={1000} value={value} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-hint`} />
      <span id={`${id}-hint`} className="muted small">
        {t('calendar.reasonHint')}
      </span>
    </label>
  );
}

/** Date, kind and name of a calendar day: the fields shared by the add and edit forms. */
function DayFields(props: {
  date: string;
  setDate: (v: string) => void;
  kind: DayKind;
  setKind: (v: DayKind) => void;
  name: string;
  setName: (v: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        {t('calendar.date')}
        <input type="date" required value={props.date} min="2000-01-01" max="2100-12-31" onChange={(e) => props.setDate(e.target.value)} />
      </label>
      <label className="field">
        {t('calendar.kind')}
        <select value={props.kind} onChange={(e) => props.setKind(e.target.value as DayKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`calendar.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('calendar.name')}
        <input required maxLength={300} value={props.name} onChange={(e) => props.setName(e.target.value)} />
      </label>
    </>
  );
}

function AddDayForm({
  year,
  unit,
  unitOptions,
  onDone,
}: {
  year: number;
  unit?: string;
  unitOptions: { code: string; name: string }[];
  onDone: (msg: string) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const create = useMutation(calendarMutations.createDay(client));
  const [date, setDate] = useState(`${year}-01-01`);
  const [kind, setKind] = useState<DayKind>('day_off');
  const [name, setName] = useState('');
  const [dayUnit, setDayUnit] = useState(unit ?? '');
  const [reason, setReason] = useState('');
  useEffect(() => setDayUnit(unit ?? ''), [unit]);
  useEffect(() => setDate((d) => (d.startsWith(String(year)) ? d : `${year}-01-01`)), [year]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { date, kind, name: name.trim(), unit: dayUnit || null, reason: reason.trim() },
      {
        onSuccess: () => {
          setName('');
          setReason('');
          onDone(t('calendar.added', { date: formatDay(date) }));
        },
      },
    );
  };

  return (
    <form className="calendar-section calendar-form" onSubmit={submit} aria-labelledby="calendar-add-title" data-testid="calendar-add">
      <h2 id="calendar-add-title">{t('calendar.addTitle')}</h2>
      <div className="calendar-grid">
        <DayFields date={date} setDate={setDate} kind={kind} setKind={setKind} name={name} setName={setName} />
        <label className="field">
          {t('calendar.unitOptional')}
          <select value={dayUnit} onChange={(e) => setDayUnit(e.target.value)}>
            <option value="">{t('calendar.national')}</option>
            {unitOptions.map((u) => (
              <option key={u.code} value={u.code}>
                {u.name} ({u.code})
              </option>
            ))}
          </select>
        </label>
      </div>
      <ReasonField id="calendar-add-reason" value={reason} onChange={setReason} />
      {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {create.isPending ? t('calendar.saving') : t('calendar.add')}
      </button>
    </form>
  );
}

function EditDayForm({ day, onDone, onCancel }: { day: CalendarDay; onDone: (msg: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const update = useMutation(calendarMutations.updateDay(client));
  const [date, setDate] = useState(day.date);
  const [kind, setKind] = useState<DayKind>(day.kind === 'weekend' || day.kind === 'weekday' ? 'day_off' : day.kind);
  const [name, setName] = useState(day.name);
  const [reason, setReason] = useState('');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { id: day.id!, body: { date, kind, name: name.trim(), reason: reason.trim() } },
      { onSuccess: () => onDone(t('calendar.updated', { date: formatDay(date) })) },
    );
  };

  return (
    <form className="calendar-section calendar-form" onSubmit={submit} aria-labelledby="calendar-edit-title" data-testid="calendar-edit">
      <h2 id="calendar-edit-title">{t('calendar.editTitle', { date: formatDay(day.date) })}</h2>
      <div className="calendar-grid">
        <DayFields date={date} setDate={setDate} kind={kind} setKind={setKind} name={name} setName={setName} />
      </div>
      <ReasonField id="calendar-edit-reason" value={reason} onChange={setReason} />
      {update.isError && <Alert>{errorMessage(update.error)}</Alert>}
      <div className="calendar-buttons">
        <button type="submit" className="button button-primary" disabled={update.isPending}>
          {update.isPending ? t('calendar.saving') : t('calendar.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('calendar.cancel')}
        </button>
      </div>
    </form>
  );
}

function DeleteDayForm({ day, onDone, onCancel }: { day: CalendarDay; onDone: (msg: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation(calendarMutations.deleteDay(client));
  const [reason, setReason] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    remove.mutate({ id: day.id!, reason: reason.trim() }, { onSuccess: () => onDone(t('calendar.deleted', { date: formatDay(day.date) })) });
  };
  return (
    <form className="calendar-section calendar-form" onSubmit={submit} aria-labelledby="calendar-delete-title" data-testid="calendar-delete">
      <h2 id="calendar-delete-title">{t('calendar.deleteTitle', { date: formatDay(day.date) })}</h2>
      <ReasonField id="calendar-delete-reason" value={reason} onChange={setReason} />
      {remove.isError && <Alert>{errorMessage(remove.error)}</Alert>}
      <div className="calendar-buttons">
        <button type="submit" className="button button-primary" disabled={remove.isPending}>
          {t('calendar.confirmDelete')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('calendar.cancel')}
        </button>
      </div>
    </form>
  );
}

function SettingsForm({ unit, unitName, onDone }: { unit?: string; unitName: (code: string | null | undefined) => string; onDone: (msg: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const current = useQuery(settingsQuery(unit));
  const put = useMutation(calendarMutations.putSettings(client));
  const [form, setForm] = useState<(CalendarSettings & { cultureDay: boolean }) | null>(null);
  const [reason, setReason] = useState('');
  useEffect(() => {
    if (current.data && !form) {
      const { inheritedFrom: _, ...s } = current.data.effective;
      setForm({ ...s, cultureDay: current.data.cultureDay });
    }
  }, [current.data, form]);

  if (current.isError) return <Alert>{errorMessage(current.error)}</Alert>;
  if (!form || !current.data) return null;
  const set = (k: keyof CalendarSettings) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: k === 'cutoff' ? e.target.value || null : e.target.value });
  const inherited = current.data.own === null && unit;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { cultureDay, ...settings } = form;
    put.mutate(
      { ...settings, unit: unit ?? null, ...(unit ? {} : { cultureDay }), reason: reason.trim() },
      {
        onSuccess: () => {
          setReason('');
          onDone(t('calendar.settingsSaved'));
        },
      },
    );
  };

  const time = (k: 'morningStart' | 'morningEnd' | 'afternoonStart' | 'afternoonEnd') => (
    <label className="field">
      {t(`calendar.${k}`)}
      <input type="time" required value={form[k]} onChange={set(k)} />
    </label>
  );

  return (
    <form className="calendar-section calendar-form" onSubmit={submit} aria-labelledby="calendar-settings-title" data-testid="calendar-settings">
      <h2 id="calendar-settings-title">
        {t('calendar.settingsTitle')} — {unitName(unit)}
      </h2>
      {inherited && <p className="muted">{t('calendar.settingsInherited', { from: unitName(current.data.effective.inheritedFrom) })}</p>}
      <div className="calendar-grid">
        {time('morningStart')}
        {time('morningEnd')}
        {time('afternoonStart')}
        {time('afternoonEnd')}
        <label className="field">
          {t('calendar.cutoff')}
          <input type="time" value={form.cutoff ?? ''} onChange={set('cutoff')} />
        </label>
      </div>
      {!unit && (
        <label className="calendar-check">
          <input type="checkbox" checked={form.cultureDay} onChange={(e) => setForm({ ...form, cultureDay: e.target.checked })} /> {t('calendar.cultureDay')}
        </label>
      )}
      <ReasonField id="calendar-settings-reason" value={reason} onChange={setReason} />
      {put.isError && <Alert>{errorMessage(put.error)}</Alert>}
      <button type="submit" className="button button-primary" disabled={put.isPending}>
        {put.isPending ? t('calendar.saving') : t('calendar.save')}
      </button>
    </form>
  );
}

function DueCalculator({ unit, year }: { unit?: string; year: number }) {
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
          <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
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

function showValues(v: Record<string, unknown> | null): string {
  if (!v) return '—';
  return Object.entries(v)
    .filter(([k, x]) => x !== null && x !== undefined && k !== 'updatedAt' && k !== 'id')
    .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
    .join('; ');
}

function ChangeHistory({ year, unit }: { year: number; unit?: string }) {
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
