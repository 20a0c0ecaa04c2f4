import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { StatsCounts, StatsQuery, StatsRow } from '../../../../api/schemas/onestop-stats.js';
import { errorMessage, requestBlob } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { saveFile } from '../../lib/download.js';
import { evaluationsQuery, statisticsQuery, statsEndpoints } from './api.js';
import './onestop-stats.css';
import { DateInput } from '../../components/DateInput.js';

type GroupBy = NonNullable<StatsQuery['groupBy']>;
const GROUPS: GroupBy[] = ['agency', 'procedure', 'field', 'month'];

/** Today and the first day of its year, in Vietnam. */
function defaultPeriod(): { from: string; to: string } {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);

/** One stacked bar: resolved early / on time / late, then in progress within / past. */
function OutcomeBar({ c, max }: { c: StatsCounts; max: number }) {
  const { t } = useTranslation();
  const parts = [
    { n: c.resolved.early, cls: 'seg-early', label: t('onestopStats.early') },
    { n: c.resolved.onTime, cls: 'seg-ontime', label: t('onestopStats.onTime') },
    { n: c.resolved.late, cls: 'seg-late', label: t('onestopStats.late') },
    { n: c.inProgress.withinDeadline, cls: 'seg-within', label: t('onestopStats.within') },
    { n: c.inProgress.pastDeadline, cls: 'seg-past', label: t('onestopStats.past') },
  ];
  const total = parts.reduce((s, p) => s + p.n, 0);
  return (
    <div
      className="os-bar"
      style={{ width: `${max ? Math.max(2, (100 * total) / max) : 0}%` }}
      role="img"
      aria-label={parts.map((p) => `${p.label}: ${p.n}`).join(', ')}
    >
      {parts.map((p) => (p.n > 0 ? <span key={p.cls} className={`os-seg ${p.cls}`} style={{ flexGrow: p.n }} title={`${p.label}: ${p.n}`} /> : null))}
    </div>
  );
}

function Legend() {
  const { t } = useTranslation();
  return (
    <ul className="os-legend">
      {(['early', 'onTime', 'late', 'within', 'past'] as const).map((k, i) => (
        <li key={k}>
          <span className={`os-swatch ${['seg-early', 'seg-ontime', 'seg-late', 'seg-within', 'seg-past'][i]}`} />
          {k === 'within' || k === 'past'
            ? `${t('onestopStats.inProgress')}: ${t(`onestopStats.${k}`)}`
            : `${t('onestopStats.resolved')}: ${t(`onestopStats.${k}`)}`}
        </li>
      ))}
    </ul>
  );
}

const cells = (c: StatsCounts) => [
  c.received.total,
  c.received.online,
  c.received.direct,
  c.received.carriedOver,
  c.resolved.total,
  c.resolved.early,
  c.resolved.onTime,
  c.resolved.late,
  c.inProgress.total,
  c.inProgress.withinDeadline,
  c.inProgress.pastDeadline,
];

/** The leader dashboard: Biểu II.06a with charts, the Excel export, and the evaluation summary. */
export default function StatsDashboardPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const d = defaultPeriod();
  const q: StatsQuery = {
    from: search.get('from') ?? d.from,
    to: search.get('to') ?? d.to,
    groupBy: (GROUPS as string[]).includes(search.get('groupBy') ?? '') ? (search.get('groupBy') as GroupBy) : 'agency',
    ...(search.get('agency') ? { agency: search.get('agency')! } : {}),
  };
  const [draft, setDraft] = useState(q);
  const stats = useQuery(statisticsQuery(q));
  const evals = useQuery(evaluationsQuery({ from: q.from, to: q.to }));
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(withQuery('/onestop/stats', { from: draft.from, to: draft.to, groupBy: draft.groupBy, agency: draft.agency }));
  };
  const download = async () => {
    setDownloadError(null);
    try {
      saveFile(await requestBlob(statsEndpoints.statisticsXlsx(q)), `bieu-II.06a-${q.from}-${q.to}.xlsx`);
    } catch (err) {
      setDownloadError(errorMessage(err));
    }
  };
  const rows: StatsRow[] = stats.data?.rows ?? [];
  const max = Math.max(1, ...rows.map((r) => r.resolved.total + r.inProgress.total));
  const tot = stats.data?.totals;

  return (
    <section className="os-page" data-testid="onestop-stats-page">
      <div className="page-head">
        <h1>{t('onestopStats.dashboardTitle')}</h1>
        <Link to="/onestop/overdue" className="button">
          {t('onestopStats.overdueNav')}
        </Link>
      </div>
      <p className="muted">{t('onestopStats.intro')}</p>
      <form className="os-filters" onSubmit={submit}>
        <label className="field">
          {t('onestopStats.from')}
          <DateInput value={draft.from} onChange={(day) => setDraft({ ...draft, from: day })} required />
        </label>
        <label className="field">
          {t('onestopStats.to')}
          <DateInput value={draft.to} onChange={(day) => setDraft({ ...draft, to: day })} required />
        </label>
        <label className="field">
          {t('onestopStats.groupBy')}
          <select value={draft.groupBy} onChange={(e) => setDraft({ ...draft, groupBy: e.target.value as GroupBy })}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`onestopStats.groups.${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          {t('onestopStats.agency')}
          <input value={draft.agency ?? ''} onChange={(e) => setDraft({ ...draft, agency: e.target.value || undefined })} />
        </label>
        <button type="submit" className="button button-primary">
          {t('onestopStats.show')}
        </button>
        <button type="button" className="button" onClick={() => void download()} data-testid="stats-excel">
          {t('onestopStats.excel')}
        </button>
      </form>
      {downloadError && <Alert>{downloadError}</Alert>}
      {stats.isError && <Alert>{errorMessage(stats.error)}</Alert>}
      {stats.isPending && <p className="muted">{t('onestopStats.loading')}</p>}
      {stats.data && tot && (
        <>
          <p className="muted">{t('onestopStats.scope', { scope: stats.data.scope, asOf: stats.data.asOf.split('-').reverse().join('/') })}</p>
          <div className="os-cards">
            <div className="os-card">
              <span>{t('onestopStats.received')}</span>
              <strong data-testid="kpi-received">{tot.received.total}</strong>
              <small>
                {t('onestopStats.online')} {tot.received.online} · {t('onestopStats.direct')} {tot.received.direct} · {t('onestopStats.carried')}{' '}
                {tot.received.carriedOver}
              </small>
            </div>
            <div className="os-card">
              <span>{t('onestopStats.resolved')}</span>
              <strong data-testid="kpi-resolved">{tot.resolved.total}</strong>
              <small>
                {t('onestopStats.onTimeRate')} {pct(tot.resolved.early + tot.resolved.onTime, tot.resolved.total)}%
              </small>
            </div>
            <div className="os-card os-card-late">
              <span>{t('onestopStats.resolvedLate')}</span>
              <strong data-testid="kpi-late">{tot.resolved.late}</strong>
            </div>
            <div className="os-card">
              <span>{t('onestopStats.inProgress')}</span>
              <strong data-testid="kpi-in-progress">{tot.inProgress.total}</strong>
              <small>
                {t('onestopStats.past')} {tot.inProgress.pastDeadline}
              </small>
            </div>
          </div>
          {rows.length === 0 ? (
            <p className="empty">{t('onestopStats.noData')}</p>
          ) : (
            <>
              <h2>{t('onestopStats.chartTitle')}</h2>
              <Legend />
              <ul className="os-chart" data-testid="stats-chart">
                {rows.map((r) => (
                  <li key={r.key}>
                    <span className="os-chart-label" title={r.key}>
                      {r.label}
                    </span>
                    <OutcomeBar c={r} max={max} />
                    <span className="os-chart-n">{r.resolved.total + r.inProgress.total}</span>
                  </li>
                ))}
              </ul>
              <div className="os-table-wrap">
                <table className="os-table" data-testid="stats-table">
                  <thead>
                    <tr>
                      <th rowSpan={2}>{t(`onestopStats.groups.${q.groupBy ?? 'agency'}`)}</th>
                      <th colSpan={4}>{t('onestopStats.received')}</th>
                      <th colSpan={4}>{t('onestopStats.resolved')}</th>
                      <th colSpan={3}>{t('onestopStats.inProgress')}</th>
                    </tr>
                    <tr>
                      {['total', 'online', 'direct', 'carried', 'total', 'early', 'onTime', 'late', 'total', 'within', 'past'].map((k, i) => (
                        <th key={i}>{t(`onestopStats.${k as 'total'}`)}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={r.key}>
                        <th scope="row">{r.label}</th>
                        {cells(r).map((n, i) => (
                          <td key={i}>{n}</td>
                        ))}
                      </tr>
                    ))}
                    <tr className="os-total">
                      <th scope="row">{t('onestopStats.total')}</th>
                      {cells(tot).map((n, i) => (
                        <td key={i}>{n}</td>
                      ))}
                    </tr>
                  </tbody>
                </table>
              </div>
            </>
          )}
        </>
      )}
      {evals.data && (
        <div className="os-evals">
          <h2>{t('onestopStats.evaluationsTitle')}</h2>
          <p>
            {t('onestopStats.evaluationsCount', { count: evals.data.total.count, pct: evals.data.total.satisfiedPct })} ·{' '}
            <Link to="/ket-qua-danh-gia">{t('onestopStats.publicResults')}</Link>
          </p>
          {(evals.data.byOfficer?.length ?? 0) > 0 && (
            <div className="os-table-wrap">
              <table className="os-table">
                <thead>
                  <tr>
                    <th>{t('onestopStats.officer')}</th>
                    <th>{t('onestopStats.count')}</th>
                    <th>{t('onestopStats.score')}</th>
                    <th>{t('onestopStats.satisfied')}</th>
                  </tr>
                </thead>
                <tbody>
                  {evals.data.byOfficer!.map((o) => (
                    <tr key={o.key}>
                      <th scope="row">{o.label}</th>
                      <td>{o.count}</td>
                      <td>{o.score}</td>
                      <td>{o.satisfiedPct}%</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
