import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CalendarDay } from '../../../../api/schemas/calendar.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDay } from '../../lib/format.js';
import { localName, yearQuery } from './api.js';

/** Monday first, as Vietnamese wall calendars: the weekday numbers (0 = Sunday) in column order. */
const COLUMNS = [1, 2, 3, 4, 5, 6, 0] as const;
type Mark = 'holiday' | 'day_off' | 'working_day' | 'weekend' | 'work';

const iso = (y: number, m: number, d: number) => `${y}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** What a date is: a special day of the year view decides; otherwise Saturday and Sunday are off, the rest working. */
function markOf(special: CalendarDay | undefined, weekday: number): Mark {
  if (special) {
    if (special.kind === 'holiday' || special.kind === 'day_off' || special.kind === 'working_day') return special.working ? 'working_day' : special.kind;
    return special.working ? 'work' : 'weekend';
  }
  return weekday === 0 || weekday === 6 ? 'weekend' : 'work';
}

/**
 * The year as twelve month grids: days off and holidays, make-up working days and weekends each carry a
 * short visible word and a full sentence for screen readers (the colour only repeats what the text says).
 */
export function YearGrid({ year, unit }: { year: number; unit?: string }) {
  const { t, i18n } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const view = useQuery(yearQuery(year, unit));
  const byDate = new Map((view.data?.days ?? []).map((d) => [d.date, d]));
  const monthName = (m: number) => tx('calendar.grid.month', { month: m + 1 });
  return (
    <div className="calendar-section" data-testid="calendar-year-grid">
      <h2>{tx('calendar.grid.title', { year })}</h2>
      <ul className="calendar-legend" aria-label={tx('calendar.grid.legend')}>
        {(['holiday', 'day_off', 'working_day', 'weekend'] as const).map((m) => (
          <li key={m}>
            <span className={`calendar-cell-sample calendar-mark-${m}`}>{tx(`calendar.grid.tag.${m}`)}</span> {tx(`calendar.grid.meaning.${m}`)}
          </li>
        ))}
      </ul>
      {view.isError && <Alert>{errorMessage(view.error)}</Alert>}
      {view.isPending && <p className="muted">{tx('calendar.loading')}</p>}
      {view.data && (
        <div className="calendar-months">
          {Array.from({ length: 12 }, (_, m) => {
            const days = new Date(Date.UTC(year, m + 1, 0)).getUTCDate();
            const lead = (new Date(Date.UTC(year, m, 1)).getUTCDay() + 6) % 7;
            const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length: days }, (_, i) => i + 1)];
            while (cells.length % 7) cells.push(null);
            const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
            return (
              <table key={m} className="calendar-month" data-month={m + 1}>
                <caption>{monthName(m)}</caption>
                <thead>
                  <tr>
                    {COLUMNS.map((w) => (
                      <th key={w} scope="col" abbr={tx(`calendar.weekdays.${w}`)}>
                        {tx(`calendar.grid.weekdayShort.${w}`)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {weeks.map((week, wi) => (
                    <tr key={wi}>
                      {week.map((d, ci) => {
                        if (d === null) return <td key={ci} className="calendar-blank" />;
                        const date = iso(year, m, d);
                        const weekday = COLUMNS[ci];
                        const special = byDate.get(date);
                        const mark = markOf(special, weekday);
                        const name = special ? localName(special.name, i18n.language) : '';
                        const label = tx('calendar.grid.label', {
                          date: formatDay(date),
                          weekday: tx(`calendar.weekdays.${weekday}`),
                          meaning: tx(`calendar.grid.meaning.${mark}`),
                        });
                        return (
                          <td key={ci} className={`calendar-mark-${mark}`} data-date={date} title={name ? `${label}: ${name}` : label}>
                            <span aria-hidden="true">{d}</span>
                            {mark !== 'work' && mark !== 'weekend' && (
                              <span className="calendar-tag" aria-hidden="true">
                                {tx(`calendar.grid.tag.${mark}`)}
                              </span>
                            )}
                            <span className="visually-hidden">{name ? `${label}: ${name}` : label}</span>
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          })}
        </div>
      )}
    </div>
  );
}
