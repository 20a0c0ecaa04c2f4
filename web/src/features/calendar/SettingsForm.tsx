import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarSettings } from '../../../../api/schemas/calendar.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { calendarMutations, settingsQuery } from './api.js';
import { ReasonField } from './ReasonField.js';

export function SettingsForm({
  unit,
  unitName,
  onDone,
}: {
  unit?: string;
  unitName: (code: string | null | undefined) => string;
  onDone: (msg: string) => void;
}) {
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
