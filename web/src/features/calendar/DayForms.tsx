import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarDay, DayKind } from '../../../../api/schemas/calendar.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { DateInput } from '../../components/DateInput.js';
import { formatDay } from '../../lib/format.js';
import { calendarMutations } from './api.js';
import { ReasonField } from './ReasonField.js';

const KINDS: DayKind[] = ['holiday', 'day_off', 'working_day'];

export function AddDayForm({
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

export function EditDayForm({ day, onDone, onCancel }: { day: CalendarDay; onDone: (msg: string) => void; onCancel: () => void }) {
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

export function DeleteDayForm({ day, onDone, onCancel }: { day: CalendarDay; onDone: (msg: string) => void; onCancel: () => void }) {
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
        <DateInput required value={props.date} min="2000-01-01" max="2100-12-31" onChange={props.setDate} />
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
