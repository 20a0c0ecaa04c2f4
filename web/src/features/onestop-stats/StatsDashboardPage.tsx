import { useMemo, useState, type FormEvent } from 'react';
import type { ChartConfiguration } from 'chart.js';
import { useNumberFormat } from '../../components/ChartFigure.js';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { StatsCounts, StatsQuery, StatsRow } from '../../../../api/schemas/onestop-stats.js';
import { errorMessage } from '../../api/request.js';
import { FileExportStatus, useFileExport } from '../../components/FileExport.js';
import { Alert } from '../../components/Alert.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { evaluationsQuery, statisticsQuery, statsEndpoints } from './api.js';
import './onestop-stats.css';
import { DateInput } from '../../components/DateInput.js';
import { ChartFigure } from '../../components/ChartFigure.js';
import { SatisfactionChart } from './SatisfactionChart.js';
import { ServiceIndexSection } from './ServiceIndexSection.js';

type GroupBy = NonNullable<StatsQuery['groupBy']>;
const GROUPS: GroupBy[] = ['agency', 'procedure', 'field', 'month'];

/** Today and the first day of its year, in Vietnam. */
function defaultPeriod(): { from: string; to: string } {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
}

const pct = (part: number, whole: number) => (whole ? Math.round((1000 * part) / whole) / 10 : 0);

const SEGMENTS = [
  { key: 'early', color: '#1b7f3b', n: (c: StatsCounts) => c.resolved.early },
  { key: 'onTime', color: '#68b36b', n: (c: StatsCounts) => c.resolved.onTime },
  { key: 'late', color: '#c62828', n: (c: StatsCounts) => c.resolved.late },
  { key: 'within', color: '#4a78c2', n: (c: StatsCounts) => c.inProgress.withinDeadline },
  { key: 'past', color: '#f39c12', n: (c: StatsCounts) => c.inProgress.pastDeadline },
] as const;

/** Outcomes per row of Biểu II.06a: a stacked bar chart (resolved early / on time / late, in progress within / past), its table beside it. */
function OutcomeChart({ rows, groupBy, fileName }: { rows: StatsRow[]; groupBy: GroupBy; fileName: string }) {
  const { t } = useTranslation();
  const num = useNumberFormat();
  const label = (k: (typeof SEGMENTS)[number]['key']) =>
    k === 'within' || k === 'past' ? `${t('onestopStats.inProgress')}: ${t(`onestopStats.${k}`)}` : `${t('onestopStats.resolved')}: ${t(`onestopStats.${k}`)}`;
  const config = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: SEGMENTS.map((s) => ({ label: label(s.key), data: rows.map((r) => s.n(r)), backgroundColor: s.color })),
      },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
    }),
    [rows, t],
  );
  return (
    <ChartFigure
      title={t('onestopStats.chartTitle')}
      summary={t('onestopStats.chartSummary')}
      config={config}
      fileName={fileName}
      height={Math.max(180, 90 + rows.length * 34)}
      testId="stats-chart"
      table={
        <table data-testid="stats-chart-table">
          <thead>
            <tr>
              <th scope="col">{t(`onestopStats.groups.${groupBy}`)}</th>
              {SEGMENTS.map((s) => (
                <th scope="col" key={s.key}>
                  {label(s.key)}
                </th>
              ))}
              <th scope="col">{t('onestopStats.rowTotal')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {SEGMENTS.map((s) => (
                  <td key={s.key}>{num(s.n(r))}</td>
                ))}
                <td>{num(r.resolved.total + r.inProgress.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
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
  const excel = useFileExport();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(withQuery('/onestop/stats', { from: draft.from, to: draft.to, groupBy: draft.groupBy, agency: draft.agency }));
  };
  const rows: StatsRow[] = stats.data?.rows ?? [];
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
        <button
          type="button"
          className="button"
          disabled={excel.running}
          onClick={() => excel.start({ endpoint: statsEndpoints.statisticsXlsx(q), fileName: `bieu-II.06a-${q.from}-${q.to}.xlsx` })}
          data-testid="stats-excel"
        >
          {t('onestopStats.excel')}
        </button>
      </form>
      <FileExportStatus state={excel} testId="stats-excel-status" />
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
              <OutcomeChart rows={rows} groupBy={q.groupBy ?? 'agency'} fileName={`ket-qua-giai-quyet-${q.from}-${q.to}`} />
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
      <ServiceIndexSection q={{ from: q.from, to: q.to, ...(q.agency ? { agency: q.agency } : {}) }} />
      {evals.data && (
        <div className="os-evals">
          <h2>{t('onestopStats.evaluationsTitle')}</h2>
          <p>
            {t('onestopStats.evaluationsCount', { count: evals.data.total.count, pct: evals.data.total.satisfiedPct })} ·{' '}
            <Link to="/ket-qua-danh-gia">{t('onestopStats.publicResults')}</Link>
          </p>
          <SatisfactionChart
            title={`${t('onestopStats.satisfactionChart')} · ${t('onestopStats.officer')}`}
            rows={(evals.data.byOfficer ?? []).map((o) => ({ key: o.key, label: o.label, count: o.count, mean: o.score, satisfiedPct: o.satisfiedPct }))}
            labelHeader={t('onestopStats.officer')}
            testId="satisfaction-by-officer"
            fileName={`hai-long-can-bo-${q.from}-${q.to}`}
          />
        </div>
      )}
    </section>
  );
}
