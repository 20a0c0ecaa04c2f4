import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Simulation } from '../../../../api/schemas/procedures.js';
import { endpoints } from '../../api/endpoints.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { DateInput } from '../../components/DateInput.js';
import { formatAsWritten, formatDay } from '../../lib/format.js';

type DayOff = Simulation['daysOff'][number];

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** "Tiếng Việt / English" → the reader's half. */
const inLanguage = (name: string, lang: string) => {
  const [vi, en] = name.split(' / ');
  return lang === 'en' ? (en ?? vi) : vi;
};

/**
 * The "what if" of a draft on the working calendar: the designer picks a receipt day and hour; the
 * server counts each step of the longest path and the appointment with the deadline workers' functions.
 * Days off crossed are listed per step (holidays by name), and a draft whose steps end after the
 * appointment is flagged.
 */
export function SimulatePanel({ procedureId, currentXml }: { procedureId: string; currentXml: () => Promise<string | undefined> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [day, setDay] = useState('');
  const [time, setTime] = useState('08:00');
  const [result, setResult] = useState<Simulation | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const timeOk = TIME.test(time.trim());

  const run = async (event: FormEvent) => {
    event.preventDefault();
    if (!day || !timeOk) return;
    setBusy(true);
    setProblem(null);
    try {
      const xml = await currentXml();
      setResult(await request(endpoints.simulateProcedure(procedureId, { ...(xml ? { xml } : {}), receivedAt: `${day}T${time.trim()}` })));
    } catch (err) {
      setResult(null);
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const limitText = (limit: NonNullable<Simulation['limit']>) =>
    t(`simulate.units.${limit.unit}`, { value: limit.value.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') });
  const daysOffText = (list: DayOff[]) => {
    const weekend = list.filter((d) => d.kind === 'weekend');
    const named = list.filter((d) => d.kind !== 'weekend').map((d) => `${formatDay(d.date)} ${inLanguage(d.name, lang)}`);
    if (weekend.length) named.push(`${weekend.map((d) => formatDay(d.date).slice(0, 5)).join(', ')} ${t('simulate.weekend')}`);
    return named.join('; ');
  };

  return (
    <section className="panel simulate-panel" aria-labelledby="simulate-title" data-testid="simulate-panel">
      <h2 id="simulate-title">{t('simulate.title')}</h2>
      <p className="muted small">{t('simulate.intro')}</p>
      <form className="simulate-form" onSubmit={(e) => void run(e)}>
        <label>
          {t('simulate.day')}
          <DateInput value={day} onChange={setDay} required data-testid="simulate-day" />
        </label>
        <label>
          {t('simulate.time')}
          <input
            type="text"
            inputMode="numeric"
            maxLength={5}
            value={time}
            onChange={(e) => setTime(e.target.value)}
            placeholder="hh:mm"
            aria-invalid={!timeOk}
            title={timeOk ? undefined : t('simulate.timeInvalid')}
            required
            data-testid="simulate-time"
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy || !day || !timeOk} data-testid="simulate-run">
          {busy ? t('simulate.running') : t('simulate.run')}
        </button>
        {!timeOk && <span className="field-error small">{t('simulate.timeInvalid')}</span>}
      </form>
      {problem && <Alert>{problem}</Alert>}
      {result && (
        <div className="simulate-result" data-testid="simulate-result">
          {result.appointment && result.limit ? (
            result.exceeds ? (
              <div className="alert alert-error" role="alert" data-testid="simulate-flag">
                <div className="alert-body">
                  {t('simulate.exceeds', {
                    days: result.stepDays.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB'),
                    end: formatAsWritten(result.stepsEnd),
                    span: result.calendarDaysSpanned,
                    appointment: formatAsWritten(result.appointment),
                    limit: limitText(result.limit),
                  })}
                </div>
              </div>
            ) : (
              <p className="alert alert-success" role="status" data-testid="simulate-within">
                {t('simulate.within', {
                  days: result.stepDays.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB'),
                  end: formatAsWritten(result.stepsEnd),
                  appointment: formatAsWritten(result.appointment),
                })}
              </p>
            )
          ) : (
            <Alert kind="info">{t('simulate.noLimitProcess')}</Alert>
          )}
          {result.cutoffApplied && <p className="small">{t('simulate.cutoff', { at: formatAsWritten(result.countingFrom) })}</p>}
          {result.unresolvedCalls.map((c) => (
            <p key={c.elementId} className="small muted">
              {t('simulate.unresolved', { name: c.name, id: c.calledProcessId || '?' })}
            </p>
          ))}
          {result.steps.length === 0 ? (
            <p className="muted">{t('simulate.noSteps')}</p>
          ) : (
            <table className="table simulate-table" data-testid="simulate-table">
              <thead>
                <tr>
                  <th scope="col">{t('simulate.step')}</th>
                  <th scope="col">{t('simulate.limit')}</th>
                  <th scope="col">{t('simulate.unit')}</th>
                  <th scope="col">{t('simulate.starts')}</th>
                  <th scope="col">{t('simulate.due')}</th>
                  <th scope="col">{t('simulate.daysOff')}</th>
                </tr>
              </thead>
              <tbody>
                {result.steps.map((s) => {
                  const holidays = s.daysOff.some((d) => d.kind !== 'weekend');
                  return (
                    <tr key={`${s.processId}:${s.elementId}`} data-step={s.elementId} className={holidays ? 'crosses-holiday' : undefined}>
                      <th scope="row">
                        {s.name}
                        {s.calledFrom && <div className="small muted">{t('simulate.calledFrom', { name: s.calledFrom })}</div>}
                      </th>
                      <td>
                        {s.timeLimitDays === null
                          ? t('simulate.noLimit')
                          : t('simulate.days', { value: s.timeLimitDays.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') })}
                      </td>
                      <td>{s.unit ?? t('simulate.national')}</td>
                      <td>{formatAsWritten(s.startsAt)}</td>
                      <td data-testid="simulate-due">
                        {formatAsWritten(s.due)}
                        {s.capped && <div className="small muted">{t('simulate.capped')}</div>}
                      </td>
                      <td className="small">{daysOffText(s.daysOff)}</td>
                    </tr>
                  );
                })}
              </tbody>
              {result.appointment && result.limit && (
                <tfoot>
                  <tr data-testid="simulate-appointment">
                    <th scope="row">{t('simulate.appointment')}</th>
                    <td colSpan={5}>{t('simulate.appointmentValue', { at: formatAsWritten(result.appointment), limit: limitText(result.limit) })}</td>
                  </tr>
                </tfoot>
              )}
            </table>
          )}
          {result.daysOff.some((d) => d.kind !== 'weekend') && (
            <p className="small muted">{t('simulate.allDaysOff', { list: daysOffText(result.daysOff.filter((d) => d.kind !== 'weekend')) })}</p>
          )}
        </div>
      )}
    </section>
  );
}
