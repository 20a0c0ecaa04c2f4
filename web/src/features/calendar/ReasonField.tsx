import { useTranslation } from 'react-i18next';

/** The reason every calendar change must give (kept in the change log). */
export function ReasonField({ value, onChange, id }: { value: string; onChange: (v: string) => void; id: string }) {
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
