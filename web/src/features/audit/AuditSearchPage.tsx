import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CaseSearchQuery, CaseSummary, SampleCalledStep } from '../../../../api/schemas/audit.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { auditMutations, caseSampleQuery, caseSearchQuery, exportFiles, savedQueriesQuery } from './api.js';
import { FileExportStatus, useFileExport } from '../../components/FileExport.js';
import './audit.css';
import { DateInput } from '../../components/DateInput.js';

const PAGE_SIZE = 25;
/** Filters kept in the URL, as typed (dates as yyyy-mm-dd). */
const FILTER_KEYS = ['bpmnProcessId', 'unit', 'officer', 'from', 'to', 'status', 'timing', 'breachedStep', 'variable', 'q'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Partial<Record<FilterKey, string>>;

function readFilters(search: URLSearchParams): Filters {
  const out: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) out[k] = v;
  }
  return out;
}

/** A day in Vietnam (UTC+7) as an instant; `end` gives the start of the next day (exclusive bound). */
function dayToIso(day: string | undefined, end = false): string | undefined {
  if (!day || !/^\d{4}-\d\d-\d\d$/.test(day)) return undefined;
  const t = new Date(`${day}T00:00:00+07:00`).getTime() + (end ? 86_400_000 : 0);
  return new Date(t).toISOString();
}

function apiFilters(f: Filters): Omit<CaseSearchQuery, 'limit' | 'offset'> {
  return {
    bpmnProcessId: f.bpmnProcessId,
    unit: f.unit,
    officer: f.officer,
    from: dayToIso(f.from),
    to: dayToIso(f.to, true),
    status: f.status as CaseSearchQuery['status'],
    timing: f.timing as CaseSearchQuery['timing'],
    breachedStep: f.breachedStep,
    variable: f.variable && f.variable.includes('=') ? f.variable : undefined,
    q: f.q,
  };
}

function CaseTable({ items }: { items: (CaseSummary & { calledSteps?: SampleCalledStep[] })[] }) {
  const { t } = useTranslation();
  if (items.length === 0) return <p className="empty">{t('audit.noCases')}</p>;
  return (
    <table className="task-table" data-testid="audit-cases">
      <thead>
        <tr>
          <th>{t('audit.case')}</th>
          <th>{t('audit.procedure')}</th>
          <th>{t('audit.unit')}</th>
          <th>{t('audit.status')}</th>
          <th>{t('audit.started')}</th>
          <th>{t('audit.ended')}</th>
          <th>{t('audit.timing')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.processInstanceKey}>
            <td>
              <Link to={`/cases/${c.processInstanceKey}`}>{c.caseCode ?? c.processInstanceKey}</Link>
              {c.calledSteps && c.calledSteps.length > 0 && (
                <ul className="muted small" data-testid="sample-called-steps" aria-label={t('audit.calledSteps')}>
                  {c.calledSteps.map((s) => (
                    <li key={`${s.processInstanceKey}-${s.elementId}-${s.end ?? ''}`}>
                      {s.name ?? s.elementId} ({s.processName ?? s.bpmnProcessId}):{' '}
                      {s.completedBy ?? t(`audit.state.${s.state as 'active' | 'completed' | 'terminated'}`)}
                      {s.late ? <span className="audit-late"> · {t('audit.late')}</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              {c.processName ?? c.bpmnProcessId} <span className="muted small">v{c.version}</span>
            </td>
            <td>{c.startedByUnit ?? ''}</td>
            <td>{t(`audit.state.${c.state as 'active' | 'completed' | 'terminated'}`)}</td>
            <td>{formatDateTime(c.start)}</td>
            <td>{formatDateTime(c.end)}</td>
            <td>
              {c.late ? (
                <span className="audit-late">
                  {t('audit.late')}
                  {c.breachedSteps.length ? `: ${c.breachedSteps.join(', ')}` : ''}
                </span>
              ) : (
                <span className="audit-ok">{t('audit.onTime')}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /audit — search every case in scope; filters, paging and the sample live in the URL. */
export default function AuditSearchPage() {
  const { t, i18n } = useTranslation();
  const { search } = useLocation();
  const filters = readFilters(search);
  const offset = Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0);
  const sampleSize = Number.parseInt(search.get('sample') ?? '', 10);
  const seed = search.get('seed') ?? '';
  const api = apiFilters(filters);
  const sampling = Number.isFinite(sampleSize) && sampleSize > 0;
  const cases = useQuery({ ...caseSearchQuery({ ...api, limit: PAGE_SIZE, offset }), enabled: !sampling });
  const sample = useQuery({ ...caseSampleQuery({ ...api, size: sampleSize, seed: seed || undefined }), enabled: sampling });
  const saved = useQuery(savedQueriesQuery());
  const client = useQueryClient();
  const save = useMutation(auditMutations.saveQuery(client));
  const exportCases = useFileExport();
  const [name, setName] = useState('');
  const [size, setSize] = useState(String(sampling ? sampleSize : 10));

  const href = (next: Record<string, string | number | undefined>) => withQuery('/audit', { ...filters, ...next });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const next: Record<string, string> = {};
    for (const k of FILTER_KEYS) next[k] = String(data.get(k) ?? '').trim();
    navigate(withQuery('/audit', next));
  };
  const drawSample = () => navigate(href({ sample: Number(size) || 10, seed: Math.random().toString(16).slice(2, 14) }));
  // Once a sample is drawn, its seed is in the URL so the same sample can be opened again.
  const sampleSeed = sample.data?.seed ?? seed;

  const total = cases.data?.total ?? 0;
  return (
    <section className="audit-search">
      <div className="page-head">
        <h1>{t('audit.searchTitle')}</h1>
        <nav className="audit-actions">
          <Link to="/audit/verify">{t('audit.verifyTitle')}</Link>
          {filters.bpmnProcessId && <Link to={withQuery('/audit/heatmap', { bpmnProcessId: filters.bpmnProcessId })}>{t('audit.heatmapTitle')}</Link>}
          <button
            type="button"
            className="button button-quiet"
            onClick={() => exportCases.start(exportFiles.cases(api))}
            disabled={exportCases.running}
            aria-busy={exportCases.running}
            data-testid="export-excel"
          >
            {exportCases.running ? t('audit.exporting') : t('audit.exportExcel')}
          </button>
        </nav>
      </div>
      <FileExportStatus state={exportCases} testId="export-excel-status" />

      <form onSubmit={submit} key={search.toString()} data-testid="audit-filters">
        <div className="audit-filters">
          <label>
            {t('audit.procedure')}
            <input name="bpmnProcessId" defaultValue={filters.bpmnProcessId} />
          </label>
          <label>
            {t('audit.unitCode')}
            <input name="unit" defaultValue={filters.unit} />
          </label>
          <label>
            {t('audit.officer')}
            <input name="officer" defaultValue={filters.officer} />
          </label>
          <label>
            {t('audit.from')}
            <DateInput name="from" defaultValue={filters.from} />
          </label>
          <label>
            {t('audit.to')}
            <DateInput name="to" defaultValue={filters.to} />
          </label>
          <label>
            {t('audit.status')}
            <select name="status" defaultValue={filters.status ?? ''}>
              <option value="">{t('audit.any')}</option>
              <option value="active">{t('audit.state.active')}</option>
              <option value="completed">{t('audit.state.completed')}</option>
              <option value="terminated">{t('audit.state.terminated')}</option>
            </select>
          </label>
          <label>
            {t('audit.timing')}
            <select name="timing" defaultValue={filters.timing ?? ''}>
              <option value="">{t('audit.any')}</option>
              <option value="on_time">{t('audit.onTime')}</option>
              <option value="late">{t('audit.late')}</option>
            </select>
          </label>
          <label>
            {t('audit.breachedStep')}
            <input name="breachedStep" defaultValue={filters.breachedStep} />
          </label>
          <label>
            {t('audit.variable')}
            <input name="variable" placeholder="maHoSo=HS-001" defaultValue={filters.variable} />
          </label>
          <label>
            {t('audit.text')}
            <input name="q" defaultValue={filters.q} />
          </label>
        </div>
        <div className="audit-actions">
          <button type="submit" className="button button-primary">
            {t('audit.search')}
          </button>
          <Link to="/audit">{t('audit.clear')}</Link>
          <span className="muted">|</span>
          <label>
            {t('audit.sampleSize')} <input type="number" min={1} max={500} value={size} onChange={(e) => setSize(e.target.value)} style={{ width: '5rem' }} />
          </label>
          <button type="button" className="button" onClick={drawSample} data-testid="audit-sample">
            {t('audit.drawSample')}
          </button>
        </div>
      </form>

      {saved.data && saved.data.items.length > 0 && (
        <p className="audit-actions">
          <span className="muted">{t('audit.savedQueries')}:</span>
          {saved.data.items.map((s) => (
            <Link key={s.id} to={withQuery('/audit', s.query as Record<string, string>)}>
              {s.name}
            </Link>
          ))}
        </p>
      )}
      <form
        className="audit-actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) save.mutate({ name: name.trim(), query: filters }, { onSuccess: () => setName('') });
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('audit.saveName')} aria-label={t('audit.saveName')} />
        <button type="submit" className="button">
          {t('audit.save')}
        </button>
      </form>
      {save.isError && <Alert>{errorMessage(save.error)}</Alert>}

      {sampling ? (
        <div className="audit-section">
          <h2>{t('audit.sampleTitle', { size: sampleSize, seed: sampleSeed })}</h2>
          <p className="audit-actions">
            <Link to={href({ sample: sampleSize, seed: sampleSeed })}>{t('audit.sampleLink')}</Link>
            <Link to={href({})}>{t('audit.backToResults')}</Link>
          </p>
          {sample.isError && <Alert>{errorMessage(sample.error)}</Alert>}
          {sample.data && <CaseTable items={sample.data.items} />}
        </div>
      ) : (
        <div className="audit-section">
          {cases.isError && <Alert>{errorMessage(cases.error)}</Alert>}
          {cases.isPending && <p className="muted">{t('app.loading')}</p>}
          {cases.data && (
            <>
              <p className="muted" data-testid="audit-total" title={cases.data.totalExact ? undefined : t('audit.totalEstimateHint')}>
                {t(cases.data.totalExact ? 'audit.total' : 'audit.totalAbout', { total: total.toLocaleString(i18n.language === 'vi' ? 'vi-VN' : 'en-US') })}
              </p>
              <CaseTable items={cases.data.items} />
              <nav className="audit-actions" aria-label={t('inbox.paging')}>
                {offset > 0 && <Link to={href({ offset: Math.max(0, offset - PAGE_SIZE) || undefined })}>{t('inbox.previous')}</Link>}
                {offset + PAGE_SIZE < total && <Link to={href({ offset: offset + PAGE_SIZE })}>{t('inbox.next')}</Link>}
              </nav>
            </>
          )}
        </div>
      )}
    </section>
  );
}
