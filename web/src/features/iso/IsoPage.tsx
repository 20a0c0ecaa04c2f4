import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage, requestBlob } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate, useLocation } from '../../router.js';
import { withQuery } from '../../api/query-string.js';
import './iso.css';
import {
  risksQuery,
  auditsQuery,
  complaintsQuery,
  objectivesQuery,
  reviewsQuery,
  clausesQuery,
  documentsQuery,
  isoEndpoints,
  isoMutations,
  ncListQuery,
  ncQuery,
  reportQuery,
} from './api.js';
import { saveFile } from '../../lib/download.js';

const TABS = ['nc', 'documents', 'objectives', 'risks', 'audits', 'complaints', 'reviews', 'clauses', 'report'] as const;
type Tab = (typeof TABS)[number];
const units = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((u) => u.trim())
    .filter(Boolean);

/** /iso?tab=nc|documents|clauses|report — the ISO registers, the clause view and the annual report. */
export default function IsoPage() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const { search } = useLocation();
  const tab = (TABS as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as Tab) : 'nc';
  return (
    <section className="iso-page" data-testid="iso-page">
      <div className="page-head">
        <h1>{t('iso.title')}</h1>
      </div>
      <nav className="tabs" aria-label={t('iso.title')}>
        {TABS.map((k) => (
          <Link key={k} to={withQuery('/iso', { tab: k })} className={k === tab ? 'tab tab-active' : 'tab'} aria-current={k === tab ? 'page' : undefined}>
            {tx(`iso.tab.${k}`)}
          </Link>
        ))}
      </nav>
      {tab === 'nc' && <NcRegister />}
      {tab === 'documents' && <DocumentRegister />}
      {tab === 'objectives' && <ObjectivesDashboard />}
      {tab === 'risks' && <RisksPanel />}
      {tab === 'audits' && <AuditsPanel />}
      {tab === 'complaints' && <ComplaintsPanel />}
      {tab === 'reviews' && <ReviewsPanel />}
      {tab === 'clauses' && <ClauseViewPanel />}
      {tab === 'report' && <ReportPanel />}
    </section>
  );
}

function NcRegister() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const { search } = useLocation();
  const client = useQueryClient();
  const status = search.get('status') ?? undefined;
  const source = search.get('source') ?? undefined;
  const selected = search.get('id');
  const list = useQuery(ncListQuery({ status: status as never, source: source as never, limit: 100, offset: 0 }));
  const open = useMutation(isoMutations.openNc(client));
  const [form, setForm] = useState({ title: '', description: '', unitCode: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    open.mutate(
      { title: form.title, description: form.description, ...(form.unitCode.trim() ? { unitCode: form.unitCode.trim() } : {}) },
      { onSuccess: () => setForm({ title: '', description: '', unitCode: '' }) },
    );
  };
  const filter = (k: string, v: string) => navigate(withQuery('/iso', { tab: 'nc', status, source, [k]: v || undefined }));
  return (
    <div className="iso-section">
      <form onSubmit={submit} className="iso-form" data-testid="iso-nc-form">
        <h2>{t('iso.nc.openTitle')}</h2>
        <label>
          {t('iso.nc.titleField')}
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} required minLength={5} maxLength={300} />
        </label>
        <label>
          {t('iso.nc.description')}
          <textarea value={form.description} onChange={(e) => setForm({ ...form, description: e.target.value })} required minLength={5} />
        </label>
        <label>
          {t('iso.nc.unit')}
          <input value={form.unitCode} onChange={(e) => setForm({ ...form, unitCode: e.target.value })} placeholder="SNNMT-QLDD" />
        </label>
        <button type="submit" className="button button-primary" disabled={open.isPending}>
          {t('iso.nc.open')}
        </button>
        {open.isError && <Alert>{errorMessage(open.error)}</Alert>}
        {open.data && (
          <p className="muted" role="status">
            {t('iso.nc.opened', { code: open.data.code })}
          </p>
        )}
      </form>
      <h2>{t('iso.nc.registerTitle')}</h2>
      <div className="filters">
        <label>
          {t('iso.status')}
          <select value={status ?? ''} onChange={(e) => filter('status', e.target.value)}>
            <option value="">{t('iso.any')}</option>
            {['recorded', 'analysing', 'implementing', 'verifying', 'closing', 'closed'].map((s) => (
              <option key={s} value={s}>
                {tx(`iso.ncStatus.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('iso.nc.source')}
          <select value={source ?? ''} onChange={(e) => filter('source', e.target.value)}>
            <option value="">{t('iso.any')}</option>
            {['manual', 'late_case', 'audit_finding', 'complaint'].map((s) => (
              <option key={s} value={s}>
                {tx(`iso.ncSource.${s}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="empty">{t('iso.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="task-table" data-testid="iso-nc-table">
          <thead>
            <tr>
              <th>{t('iso.nc.code')}</th>
              <th>{t('iso.nc.titleField')}</th>
              <th>{t('iso.nc.source')}</th>
              <th>{t('iso.nc.unit')}</th>
              <th>{t('iso.status')}</th>
              <th>{t('iso.currentStep')}</th>
              <th>{t('iso.nc.verifications')}</th>
              <th>{t('iso.openedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((n) => (
              <tr key={n.id}>
                <td>
                  <Link to={withQuery('/iso', { tab: 'nc', status, source, id: n.id })}>{n.code}</Link>
                </td>
                <td>{n.title}</td>
                <td>
                  {tx(`iso.ncSource.${n.sourceType}`)}
                  {n.sourceType === 'late_case' && n.sourceKey && (
                    <>
                      {' '}
                      · <Link to={`/cases/${n.sourceKey}`}>{n.sourceKey}</Link>
                    </>
                  )}
                </td>
                <td>{n.unitCode ?? '—'}</td>
                <td>{tx(`iso.ncStatus.${n.status}`)}</td>
                <td>{n.currentStep ?? '—'}</td>
                <td>
                  {n.verifications}
                  {n.effective === false ? ` (${t('iso.nc.ineffective')})` : ''}
                </td>
                <td>{formatDateTime(n.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <NcDetail id={selected} />}
    </div>
  );
}

function NcDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const nc = useQuery(ncQuery(id));
  if (nc.isError) return <Alert>{errorMessage(nc.error)}</Alert>;
  if (!nc.data) return null;
  const n = nc.data;
  return (
    <div className="iso-detail" data-testid="iso-nc-detail">
      <h2>
        {n.code}: {n.title}
      </h2>
      <dl>
        <dt>{t('iso.nc.description')}</dt>
        <dd>{n.description}</dd>
        <dt>{t('iso.nc.rootCause')}</dt>
        <dd>{n.rootCause ?? '—'}</dd>
        <dt>{t('iso.nc.action')}</dt>
        <dd>{n.correctiveAction ?? '—'}</dd>
        <dt>{t('iso.nc.mrOpinion')}</dt>
        <dd>{n.mrOpinion ?? '—'}</dd>
        <dt>{t('iso.nc.implementation')}</dt>
        <dd>{n.implementation ?? '—'}</dd>
        <dt>{t('iso.nc.verification')}</dt>
        <dd>{n.verification ?? '—'}</dd>
      </dl>
      {n.processInstanceKey && (
        <p>
          <Link to={`/cases/${n.processInstanceKey}`}>{t('iso.record')}</Link>
        </p>
      )}
      <ol className="iso-history">
        {n.history.map((h, i) => (
          <li key={i}>
            {formatDateTime(h.at)}: {tx(`iso.stage.${h.stage}`)}
          </li>
        ))}
      </ol>
    </div>
  );
}

function DocumentRegister() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const client = useQueryClient();
  const docs = useQuery(documentsQuery());
  const create = useMutation(isoMutations.createDocument(client));
  const change = useMutation(isoMutations.changeDocument(client));
  const propose = useMutation(isoMutations.propose(client));
  const askProposal = (id: string, kind: 'revision' | 'withdrawal') => {
    const reason = window.prompt(tx(kind === 'revision' ? 'iso.doc.revisePrompt' : 'iso.doc.withdrawPrompt'));
    if (reason) propose.mutate({ id, body: { kind, reason } });
  };
  const [form, setForm] = useState({ code: '', title: '', docType: 'quy-trinh', summary: '', distributeTo: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ code: form.code.trim(), title: form.title, docType: form.docType as never, summary: form.summary, distributeTo: units(form.distributeTo) });
  };
  const ask = (id: string, kind: 'revisions' | 'withdrawal') => {
    const summary = window.prompt(t(kind === 'revisions' ? 'iso.doc.revisePrompt' : 'iso.doc.withdrawPrompt'));
    if (!summary) return;
    const to = window.prompt(t('iso.doc.distributeTo'), 'SNNMT-VP');
    if (!to) return;
    change.mutate({ id, kind, body: { summary, distributeTo: units(to) } });
  };
  return (
    <div className="iso-section">
      <form onSubmit={submit} className="iso-form" data-testid="iso-doc-form">
        <h2>{t('iso.doc.newTitle')}</h2>
        <label>
          {t('iso.doc.code')}
          <input value={form.code} onChange={(e) => setForm({ ...form, code: e.target.value })} required placeholder="QT-KSTL-01" />
        </label>
        <label>
          {t('iso.doc.name')}
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} required minLength={3} />
        </label>
        <label>
          {t('iso.doc.type')}
          <select value={form.docType} onChange={(e) => setForm({ ...form, docType: e.target.value })}>
            {['quy-trinh', 'huong-dan', 'bieu-mau', 'chinh-sach', 'so-tay', 'khac'].map((d) => (
              <option key={d} value={d}>
                {tx(`iso.docType.${d}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('iso.doc.summary')}
          <textarea value={form.summary} onChange={(e) => setForm({ ...form, summary: e.target.value })} required minLength={3} />
        </label>
        <label>
          {t('iso.doc.distributeTo')}
          <input value={form.distributeTo} onChange={(e) => setForm({ ...form, distributeTo: e.target.value })} required placeholder="SNNMT-VP, XA-TANPHU" />
        </label>
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {t('iso.doc.create')}
        </button>
        {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      </form>
      {change.isError && <Alert>{errorMessage(change.error)}</Alert>}
      {propose.isError && <Alert>{errorMessage(propose.error)}</Alert>}
      <h2>{t('iso.doc.registerTitle')}</h2>
      {docs.isError && <Alert>{errorMessage(docs.error)}</Alert>}
      {docs.data && docs.data.items.length === 0 && <p className="empty">{t('iso.empty')}</p>}
      {docs.data && docs.data.items.length > 0 && (
        <table className="task-table" data-testid="iso-doc-table">
          <thead>
            <tr>
              <th>{t('iso.doc.code')}</th>
              <th>{t('iso.doc.name')}</th>
              <th>{t('iso.doc.owner')}</th>
              <th>{t('iso.status')}</th>
              <th>{t('iso.doc.version')}</th>
              <th>{t('iso.doc.effectiveFrom')}</th>
              <th>{t('iso.doc.request')}</th>
              <th>{t('iso.doc.distribution')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {docs.data.items.map((d) => {
              const pending = d.versions.find((v) => ['drafting', 'reviewing', 'rework'].includes(v.status));
              const current = d.versions.find((v) => v.status === 'issued');
              return (
                <tr key={d.id}>
                  <td>{d.code}</td>
                  <td>{d.title}</td>
                  <td>{d.ownerUnitCode}</td>
                  <td>{tx(`iso.docStatus.${d.status}`)}</td>
                  <td>{d.effectiveVersion ?? '—'}</td>
                  <td>{d.effectiveFrom ?? '—'}</td>
                  <td>
                    {pending ? (
                      <>
                        {tx(`iso.versionKind.${pending.kind}`)} v{pending.version}: {pending.currentStep ?? tx(`iso.versionStatus.${pending.status}`)}
                        {pending.reworkCount > 0 ? ` (${t('iso.doc.reworks', { count: pending.reworkCount })})` : ''}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{current ? current.distribution.map((x) => `${x.unitCode}${x.confirmedAt ? ' ✓' : ''}`).join(', ') : '—'}</td>
                  <td>
                    {d.status === 'effective' && !pending && (
                      <>
                        <button type="button" className="button" onClick={() => ask(d.id, 'revisions')}>
                          {t('iso.doc.revise')}
                        </button>{' '}
                        <button type="button" className="button" onClick={() => ask(d.id, 'withdrawal')}>
                          {t('iso.doc.withdraw')}
                        </button>{' '}
                        <button type="button" className="button" onClick={() => askProposal(d.id, 'revision')}>
                          {tx('iso.doc.proposeRevision')}
                        </button>{' '}
                        <button type="button" className="button" onClick={() => askProposal(d.id, 'withdrawal')}>
                          {tx('iso.doc.proposeWithdrawal')}
                        </button>
                      </>
                    )}
                    {d.proposals
                      .filter((x) => x.status === 'proposed')
                      .map((x) => (
                        <div key={x.id} className="muted">
                          {tx('iso.doc.proposal')}: {x.currentStep ?? ''}
                        </div>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ClauseViewPanel() {
  const { t } = useTranslation();
  const view = useQuery(clausesQuery());
  if (view.isError) return <Alert>{errorMessage(view.error)}</Alert>;
  if (!view.data) return <p className="muted">{t('iso.loading')}</p>;
  return (
    <div className="iso-section" data-testid="iso-clauses">
      <p className="muted">{t('iso.clauses.intro')}</p>
      {view.data.clauses.map((c) => (
        <details key={c.clause} open>
          <summary>
            <strong>{c.clause}</strong> {c.title ?? ''}
          </summary>
          <ul>
            {c.steps.map((s) => (
              <li key={`${s.bpmnProcessId}:${s.elementId}`}>
                {s.processName} (v{s.version}) › {s.stepName}
                {s.records.length ? ` · ${t('iso.clauses.records')}: ${s.records.join('; ')}` : ''}
              </li>
            ))}
            {c.registers.map((r) => (
              <li key={r.register}>
                {r.label}: {t('iso.clauses.count', { count: r.count })}
              </li>
            ))}
          </ul>
        </details>
      ))}
    </div>
  );
}

function ReportPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const [year, setYear] = useState(new Date().getFullYear());
  const report = useQuery(reportQuery(year));
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const download = async (format: 'xlsx' | 'pdf') => {
    setDownloadError(null);
    try {
      const blob = await requestBlob(format === 'pdf' ? isoEndpoints.reportPdf(year) : isoEndpoints.reportXlsx(year));
      saveFile(blob, `bao-cao-hdqlcl-${year}.${format}`);
    } catch (err) {
      setDownloadError(errorMessage(err));
    }
  };
  return (
    <div className="iso-section" data-testid="iso-report">
      <label>
        {t('iso.report.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>{' '}
      <button type="button" className="button" onClick={() => void download('xlsx')}>
        {t('iso.report.xlsx')}
      </button>{' '}
      <button type="button" className="button" onClick={() => void download('pdf')}>
        {t('iso.report.pdf')}
      </button>
      {downloadError && <Alert>{downloadError}</Alert>}
      {report.isError && <Alert>{errorMessage(report.error)}</Alert>}
      {report.data && (
        <>
          <h2>{t('iso.report.onestop')}</h2>
          <p>
            {t('iso.report.onestopLine', {
              received: report.data.onestop.received,
              online: report.data.onestop.onlineRate ?? '—',
              resolved: report.data.onestop.resolved,
              onTime: report.data.onestop.onTimeRate ?? '—',
              evaluations: report.data.onestop.evaluations,
              satisfied: report.data.onestop.satisfiedPct ?? '—',
            })}
          </p>
          <h2>{t('iso.report.cases')}</h2>
          <p>
            {t('iso.report.casesLine', {
              finished: report.data.cases.finished,
              onTime: report.data.cases.onTime,
              rate: report.data.cases.onTimeRate ?? '—',
              overdue: report.data.cases.openOverdue,
            })}
          </p>
          <h2>{t('iso.report.ncs')}</h2>
          <p>
            {t('iso.report.ncLine', {
              opened: report.data.nonconformities.opened,
              closed: report.data.nonconformities.closed,
              reopened: report.data.nonconformities.reopenedAfterIneffective,
            })}
          </p>
          <ul>
            {report.data.nonconformities.items.map((n) => (
              <li key={n.code}>
                {n.code} · {n.title} · {tx(`iso.ncStatus.${n.status}`)}
                {n.recordLink && (
                  <>
                    {' '}
                    · <Link to={n.recordLink}>{t('iso.record')}</Link>
                  </>
                )}
                {n.caseLink && (
                  <>
                    {' '}
                    · <Link to={n.caseLink}>{t('iso.report.case')}</Link>
                  </>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.documents')}</h2>
          <ul>
            {report.data.documents.items.map((d, i) => (
              <li key={i}>
                {d.code} v{d.version} · {tx(`iso.versionKind.${d.kind}`)} · {d.effectiveFrom ?? ''} ·{' '}
                {t('iso.report.confirmed', { confirmed: d.unitsConfirmed, total: d.unitsDistributed })}
                {d.recordLink && (
                  <>
                    {' '}
                    · <Link to={d.recordLink}>{t('iso.record')}</Link>
                  </>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.conformity')}</h2>
          <ul className="iso-conformity" data-testid="iso-conformity">
            {report.data.conformity.map((e) => (
              <li key={e.key}>
                <strong>{e.item}</strong> ({e.clauses.join(', ')}):{' '}
                <span className={e.met ? 'iso-met' : 'iso-missed'}>{t(e.met ? 'iso.report.met' : 'iso.report.notMet')}</span>. {e.detail}
                {e.links.length > 0 && (
                  <ul>
                    {e.links.map((l) => (
                      <li key={l.href + l.label}>
                        <Link to={l.href}>{l.label}</Link>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.notAvailable')}</h2>
          <ul>
            {report.data.notAvailable.map((n) => (
              <li key={n.section}>
                <strong>{n.section}</strong>: {n.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Quality objectives: one row per objective, the value of each quarter and of the year against the target. */
function ObjectivesDashboard() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const [year, setYear] = useState(new Date().getFullYear());
  const list = useQuery(objectivesQuery(year));
  const cell = (v: number | null, met: boolean | null, unit: string) =>
    v === null ? (
      <span className="muted">—</span>
    ) : (
      <span className={met ? 'iso-met' : 'iso-missed'} title={tx(met ? 'iso.objectives.met' : 'iso.objectives.missed')}>
        {v}
        {unit === '%' ? ' %' : ''} {met ? '✓' : '✗'}
      </span>
    );
  return (
    <div className="iso-section" data-testid="iso-objectives">
      <label>
        {tx('iso.report.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.data && list.data.items.length === 0 && <p className="empty">{tx('iso.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="task-table">
          <thead>
            <tr>
              <th>{tx('iso.nc.unit')}</th>
              <th>{tx('iso.objectives.objective')}</th>
              <th>{tx('iso.objectives.target')}</th>
              {list.data.items[0].periods.map((p) => (
                <th key={p.label}>{p.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((o) => (
              <tr key={o.id}>
                <td>{o.unitCode}</td>
                <td title={o.metricLabel}>{o.title}</td>
                <td>
                  {o.direction === 'at_least' ? '≥' : '≤'} {o.target}
                  {o.unit === '%' ? ' %' : ''}
                </td>
                {o.periods.map((p) => (
                  <td key={p.label}>{cell(p.value, p.met, o.unit)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function AuditsPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const list = useQuery(auditsQuery());
  if (list.isError) return <Alert>{errorMessage(list.error)}</Alert>;
  if (!list.data) return <p className="muted">{tx('iso.loading')}</p>;
  if (!list.data.items.length) return <p className="empty">{tx('iso.empty')}</p>;
  return (
    <div className="iso-section" data-testid="iso-audits">
      {list.data.items.map((a) => (
        <details key={a.id} open>
          <summary>
            <strong>{a.code}</strong> · {a.scope} · {tx(`iso.auditStatus.${a.status}`)}
            {a.currentStep ? ` · ${a.currentStep}` : ''}
          </summary>
          {a.processInstanceKey && (
            <p>
              <Link to={`/cases/${a.processInstanceKey}`}>{tx('iso.record')}</Link>
            </p>
          )}
          <ul>
            {a.units.map((u) => (
              <li key={u.unitCode}>
                {u.unitCode}: {tx('iso.audits.checked')} {u.clausesChecked.join(', ') || '—'} ({u.auditedBy ?? ''})
              </li>
            ))}
            {a.findings.map((f) => (
              <li key={`${f.unitCode}-${f.seq}`}>
                {f.unitCode} · {f.clause}: {f.description}
                {f.ncCode ? ` → ${f.ncCode}${f.ncStatus ? ` (${tx(`iso.ncStatus.${f.ncStatus}`)})` : ''}` : ''}
              </li>
            ))}
          </ul>
          {a.conclusion && (
            <p>
              {tx('iso.audits.conclusion')}: {a.conclusion}
            </p>
          )}
        </details>
      ))}
    </div>
  );
}

function ComplaintsPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const client = useQueryClient();
  const list = useQuery(complaintsQuery());
  const send = useMutation(isoMutations.feedback(client));
  const [form, setForm] = useState({ kind: 'gop-y', title: '', content: '', dossierCode: '' });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate(
      {
        kind: form.kind as 'gop-y',
        title: form.title.trim(),
        content: form.content.trim(),
        ...(form.dossierCode.trim() ? { dossierCode: form.dossierCode.trim() } : {}),
      },
      { onSuccess: () => setForm({ kind: 'gop-y', title: '', content: '', dossierCode: '' }) },
    );
  };
  return (
    <div className="iso-section">
      <form onSubmit={submit} className="iso-form" data-testid="iso-feedback-form">
        <h2>{tx('iso.feedback.title')}</h2>
        <p className="muted">{tx('iso.feedback.hint')}</p>
        <label>
          {tx('iso.feedback.kind')}
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
            {['gop-y', 'phan-anh', 'khieu-nai'].map((k) => (
              <option key={k} value={k}>
                {tx(`iso.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {tx('iso.feedback.titleField')}
          <input value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} required minLength={5} maxLength={300} />
        </label>
        <label>
          {tx('iso.feedback.content')}
          <textarea value={form.content} onChange={(e) => setForm({ ...form, content: e.target.value })} required minLength={5} maxLength={5000} />
        </label>
        <label>
          {tx('iso.feedback.dossier')}
          <input value={form.dossierCode} onChange={(e) => setForm({ ...form, dossierCode: e.target.value })} maxLength={60} />
        </label>
        <button type="submit" className="button button-primary" disabled={send.isPending}>
          {tx('iso.feedback.send')}
        </button>
        {send.isError && <Alert>{errorMessage(send.error)}</Alert>}
        {send.data && (
          <p className="muted" role="status">
            {tx('iso.feedback.sent', { code: send.data.code })}
          </p>
        )}
      </form>
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {!list.data && !list.isError && <p className="muted">{tx('iso.loading')}</p>}
      {list.data && !list.data.items.length && <p className="empty">{tx('iso.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table className="task-table" data-testid="iso-complaints">
          <thead>
            <tr>
              <th>{tx('iso.nc.code')}</th>
              <th>{tx('iso.nc.titleField')}</th>
              <th>{tx('iso.complaints.submitter')}</th>
              <th>{tx('iso.feedback.origin')}</th>
              <th>{tx('iso.feedback.dossierCol')}</th>
              <th>{tx('iso.status')}</th>
              <th>{tx('iso.currentStep')}</th>
              <th>{tx('iso.complaints.upheld')}</th>
              <th>{tx('iso.tab.nc')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((c) => (
              <tr key={c.id}>
                <td>{c.processInstanceKey ? <Link to={`/cases/${c.processInstanceKey}`}>{c.code}</Link> : c.code}</td>
                <td>
                  {c.kind ? `${tx(`iso.kind.${c.kind}`)}: ` : ''}
                  {c.title}
                </td>
                <td>{c.submitter}</td>
                <td>{tx(`iso.origin.${c.origin}`)}</td>
                <td>{c.dossierCode ?? '—'}</td>
                <td>{tx(`iso.complaintStatus.${c.status}`)}</td>
                <td>{c.currentStep ?? '—'}</td>
                <td>{c.upheld === null ? '—' : tx(c.upheld ? 'iso.complaints.yes' : 'iso.complaints.no')}</td>
                <td>{c.ncId ? <Link to={withQuery('/iso', { tab: 'nc', id: c.ncId })}>{c.ncCode}</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function ReviewsPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const list = useQuery(reviewsQuery());
  if (list.isError) return <Alert>{errorMessage(list.error)}</Alert>;
  if (!list.data) return <p className="muted">{tx('iso.loading')}</p>;
  if (!list.data.items.length) return <p className="empty">{tx('iso.empty')}</p>;
  return (
    <div className="iso-section" data-testid="iso-reviews">
      {list.data.items.map((r) => (
        <details key={r.id} open>
          <summary>
            <strong>{r.code}</strong> · {r.title} · {tx(`iso.reviewStatus.${r.status}`)}
            {r.currentStep ? ` · ${r.currentStep}` : ''}
          </summary>
          <h3>{tx('iso.reviews.inputs')}</h3>
          <ul>
            {(r.inputs ?? []).map((i) => (
              <li key={i.key}>
                <strong>{i.title}</strong>:{' '}
                {i.value === null ? (
                  <em>
                    {tx('iso.reviews.noData')} ({i.note})
                  </em>
                ) : (
                  <code>{JSON.stringify(i.value)}</code>
                )}
              </li>
            ))}
          </ul>
          <ul>
            {r.reports.map((x) => (
              <li key={x.unitCode}>
                {x.unitCode} ({x.submittedBy ?? ''}): {x.report}
              </li>
            ))}
          </ul>
          {r.conclusion && (
            <p>
              {tx('iso.audits.conclusion')}: {r.conclusion}
            </p>
          )}
          {r.actions && (
            <p>
              {tx('iso.reviews.actions')}: {r.actions}
            </p>
          )}
          {r.processInstanceKey && (
            <p>
              <Link to={`/cases/${r.processInstanceKey}`}>{tx('iso.record')}</Link>
            </p>
          )}
        </details>
      ))}
    </div>
  );
}

/** The risk register, highest likelihood x severity first. */
function RisksPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const list = useQuery(risksQuery());
  if (list.isError) return <Alert>{errorMessage(list.error)}</Alert>;
  if (!list.data) return <p className="muted">{tx('iso.loading')}</p>;
  if (!list.data.items.length) return <p className="empty">{tx('iso.empty')}</p>;
  return (
    <table className="task-table" data-testid="iso-risks">
      <thead>
        <tr>
          <th>{tx('iso.nc.code')}</th>
          <th>{tx('iso.risks.kind')}</th>
          <th>{tx('iso.nc.titleField')}</th>
          <th>{tx('iso.nc.unit')}</th>
          <th>{tx('iso.risks.score')}</th>
          <th>{tx('iso.risks.treatment')}</th>
          <th>{tx('iso.status')}</th>
          <th>{tx('iso.currentStep')}</th>
          <th>{tx('iso.risks.nextReview')}</th>
        </tr>
      </thead>
      <tbody>
        {list.data.items.map((r) => (
          <tr key={r.id}>
            <td>{r.processInstanceKey ? <Link to={`/cases/${r.processInstanceKey}`}>{r.code}</Link> : r.code}</td>
            <td>{tx(`iso.risks.${r.kind}`)}</td>
            <td>{r.title}</td>
            <td>{r.unitCode}</td>
            <td className={r.level === 'high' ? 'iso-missed' : r.level === 'low' ? 'iso-met' : undefined}>
              {r.score === null ? '—' : `${r.likelihood} × ${r.severity} = ${r.score}`}
              {r.initialScore !== null && r.score !== null && r.initialScore !== r.score ? ` (${tx('iso.risks.was')} ${r.initialScore})` : ''}
            </td>
            <td>
              {r.treatment ?? '—'}
              {r.treatmentDue ? ` (${r.treatmentDue})` : ''}
            </td>
            <td>{tx(`iso.riskStatus.${r.status}`)}</td>
            <td>{r.currentStep ?? '—'}</td>
            <td>{r.nextReviewAt ? formatDateTime(r.nextReviewAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
