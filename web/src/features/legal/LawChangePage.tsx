import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CitingProcedures, ExecuteBody, ExecuteReply, LegalDocumentList, MigrationPlan, PlanQuery } from '../../../../api/schemas/legal.js';
import type { Static } from 'typebox';
import type { Endpoint } from '../../api/endpoints.js';
import { errorMessage, problemText, request } from '../../api/request.js';
import { queryString } from '../../api/query-string.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime, formatDay } from '../../lib/format.js';
import { DocumentOptions } from './LegalChangeFields.js';
import { AddDocumentForm } from './AddDocumentForm.js';

type Citing = Static<typeof CitingProcedures>;

const legalEndpoints = {
  documents: (): Endpoint<Static<typeof LegalDocumentList>> => ({ method: 'GET', path: '/api/legal/documents' }),
  citing: (id: number): Endpoint<Citing> => ({ method: 'GET', path: `/api/legal/documents/${id}/procedures` }),
  plan: (q: PlanQuery): Endpoint<MigrationPlan> => ({ method: 'GET', path: `/api/legal/migrations/plan${queryString(q)}` }),
  execute: (body: ExecuteBody): Endpoint<ExecuteReply> => ({ method: 'POST', path: '/api/legal/migrations', body }),
};
const legalKeys = {
  all: () => ['legal'] as const,
  documents: () => [...legalKeys.all(), 'documents'] as const,
  citing: (id: number) => [...legalKeys.all(), 'citing', id] as const,
  plan: (q: PlanQuery) => [...legalKeys.all(), 'plan', q] as const,
};

const limitText = (l: { value: number; unit: string } | null) =>
  l ? `${String(l.value).replace('.', ',')} ${l.unit === 'working_days' ? 'ngày làm việc' : l.unit}` : '—';

/** The plan of one version pair: rule, limits, mapping, the cases with a tick box each, then the result per case. */
function PlanView({ q }: { q: PlanQuery }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const plan = useQuery({ queryKey: legalKeys.plan(q), queryFn: ({ signal }) => request(legalEndpoints.plan(q), signal) });
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const run = useMutation({
    mutationFn: (cases: string[]) => request(legalEndpoints.execute({ ...q, cases })),
    onSuccess: async () => {
      setChosen(new Set());
      await queryClient.invalidateQueries({ queryKey: legalKeys.all() });
    },
  });
  if (plan.isPending) return <p>…</p>;
  if (plan.isError) return <Alert>{errorMessage(plan.error)}</Alert>;
  const p = plan.data;
  const toggle = (key: string) =>
    setChosen((s) => {
      const n = new Set(s);
      if (n.has(key)) n.delete(key);
      else n.add(key);
      return n;
    });
  const ruleText = !p.rule.recorded
    ? t('legal.ruleNotRecorded', { date: formatDay(p.rule.changeDate) })
    : p.rule.policy === 'from-change-date'
      ? t('legal.ruleFromChange', { date: formatDay(p.rule.changeDate) })
      : t('legal.ruleReceivedAfter', { date: formatDay(p.rule.changeDate) });
  return (
    <section data-testid="law-plan">
      <h2>{t('legal.rule')}</h2>
      <p data-testid="law-rule">
        {p.rule.legalDocument ? `${p.rule.legalDocument.number}: ` : ''}
        {ruleText}
      </p>
      <h3>{t('legal.limits')}</h3>
      <ul data-testid="law-limits">
        <li>{t('legal.processLimit', { before: limitText(p.limits.process.before), after: limitText(p.limits.process.after) })}</li>
        {p.limits.steps.map((s) => (
          <li key={s.elementId}>{t('legal.stepLimit', { name: s.name, before: s.before ?? '—', after: s.after ?? '—' })}</li>
        ))}
      </ul>
      <h3>{t('legal.mapping')}</h3>
      <ul data-testid="law-mapping">
        <li>{t('legal.mapped', { list: p.mapping.mapped.map((m) => m.name).join(', ') || '—' })}</li>
        {p.mapping.removed.length > 0 && <li>{t('legal.removed', { list: p.mapping.removed.map((m) => `${m.name} (${m.elementId})`).join(', ') })}</li>}
        {p.mapping.added.length > 0 && <li>{t('legal.added', { list: p.mapping.added.map((m) => `${m.name} (${m.elementId})`).join(', ') })}</li>}
      </ul>
      <h3>{t('legal.cases')}</h3>
      {p.cases.length === 0 ? (
        <p>{t('legal.noCases')}</p>
      ) : (
        <table className="table" data-testid="law-cases">
          <thead>
            <tr>
              <th scope="col">{t('legal.choose')}</th>
              <th scope="col">{t('legal.caseCode')}</th>
              <th scope="col">{t('legal.at')}</th>
              <th scope="col">{t('legal.migratable')}</th>
              <th scope="col">{t('legal.appointment')}</th>
              <th scope="col">{t('legal.stepDue')}</th>
            </tr>
          </thead>
          <tbody>
            {p.cases.map((c) => (
              <tr key={c.processInstanceKey} data-case={c.processInstanceKey}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${t('legal.choose')} ${c.caseCode ?? c.processInstanceKey}`}
                    checked={chosen.has(c.processInstanceKey)}
                    disabled={c.migrated}
                    onChange={() => toggle(c.processInstanceKey)}
                  />
                </td>
                <td>{c.caseCode ?? c.processInstanceKey}</td>
                <td>
                  {c.activeElements.map((a) => a.name).join(', ')}
                  {c.called.map((i) => (
                    <div key={i.processInstanceKey} className="muted">
                      {i.targetVersion === null
                        ? t('legal.calledStays', { process: i.bpmnProcessId, version: i.fromVersion })
                        : t('legal.calledMoves', { process: i.bpmnProcessId, version: i.targetVersion })}
                      {i.activeElements.length > 0 && `: ${i.activeElements.map((a) => a.name).join(', ')}`}
                    </div>
                  ))}
                </td>
                <td data-testid="law-migratable">
                  {c.migrated ? t('legal.done') : c.migratable ? t('legal.yes') : t('legal.no')}
                  {c.reasons.map((r) => (
                    <div key={r.code + JSON.stringify(r.params)} className="muted">
                      {problemText(r)}
                    </div>
                  ))}
                </td>
                <td>{c.appointment ? `${formatDateTime(c.appointment.before)} → ${formatDateTime(c.appointment.after)}` : '—'}</td>
                <td>
                  {c.steps.map((s) => (
                    <div key={s.elementId}>
                      {s.name}: {formatDateTime(s.before.due)} → {formatDateTime(s.after.due)}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {p.truncated && <p>{t('legal.truncated')}</p>}
      <button
        type="button"
        className="button button-primary"
        disabled={chosen.size === 0 || run.isPending}
        onClick={() => run.mutate([...chosen])}
        data-testid="law-migrate"
      >
        {t('legal.migrate', { count: chosen.size })}
      </button>
      {run.isError && <Alert>{errorMessage(run.error)}</Alert>}
      {run.data && (
        <section data-testid="law-result" aria-live="polite">
          <h3>{t('legal.result')}</h3>
          <ul>
            {run.data.items.map((i) => (
              <li key={i.processInstanceKey} data-case={i.processInstanceKey} data-outcome={i.outcome}>
                {p.cases.find((c) => c.processInstanceKey === i.processInstanceKey)?.caseCode ?? i.processInstanceKey}: {t(`legal.outcome_${i.outcome}`)}
                {i.appointmentMoved && ` (${t('legal.appointmentMoved')})`}
                {i.reasons.map((r) => (
                  <div key={r.code + JSON.stringify(r.params)} className="muted">
                    {problemText(r)}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

/** Administrators: a document that changed -> the procedures citing it -> a version pair -> the plan -> migrate chosen cases. */
export default function LawChangePage() {
  const { t } = useTranslation();
  const docs = useQuery({ queryKey: legalKeys.documents(), queryFn: ({ signal }) => request(legalEndpoints.documents(), signal) });
  const [docId, setDocId] = useState<number | null>(null);
  const citing = useQuery({
    queryKey: legalKeys.citing(docId ?? 0),
    queryFn: ({ signal }) => request(legalEndpoints.citing(docId!), signal),
    enabled: docId !== null,
  });
  const [proc, setProc] = useState<string | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [q, setQ] = useState<PlanQuery | null>(null);
  const chosen = citing.data?.items.find((i) => i.bpmnProcessId === proc);
  return (
    <main className="page" data-testid="law-change-page">
      <h1>{t('legal.title')}</h1>
      <p>{t('legal.intro')}</p>
      {docs.isError && <Alert>{errorMessage(docs.error)}</Alert>}
      <label>
        {t('legal.document')}{' '}
        <select
          value={docId ?? ''}
          data-testid="law-document"
          onChange={(e) => {
            setDocId(e.target.value ? Number(e.target.value) : null);
            setProc(null);
            setQ(null);
          }}
        >
          <DocumentOptions items={docs.data?.items} />
        </select>
      </label>
      {docs.data?.items.length === 0 && <p>{t('legal.noDocuments')}</p>}
      <details className="law-add-document">
        <summary>{t('legal.add.title')}</summary>
        <AddDocumentForm
          onCreated={(d) => {
            setDocId(d.id);
            setProc(null);
            setQ(null);
          }}
        />
      </details>
      {citing.data && (
        <section>
          <h2>{t('legal.procedures')}</h2>
          {citing.data.items.length === 0 ? (
            <p>{t('legal.noProcedures')}</p>
          ) : (
            <table className="table" data-testid="law-procedures">
              <thead>
                <tr>
                  <th scope="col">{t('legal.procedures')}</th>
                  <th scope="col">{t('legal.articles')}</th>
                  <th scope="col">{t('legal.published')}</th>
                  <th scope="col">{t('legal.running')}</th>
                </tr>
              </thead>
              <tbody>
                {citing.data.items.map((i) => (
                  <tr key={i.bpmnProcessId}>
                    <td>
                      <label>
                        <input
                          type="radio"
                          name="law-procedure"
                          value={i.bpmnProcessId}
                          checked={proc === i.bpmnProcessId}
                          onChange={() => {
                            setProc(i.bpmnProcessId);
                            const vs = i.versions.map((v) => v.version);
                            setTo(vs[0] ?? null);
                            setFrom(vs[1] ?? null);
                            setQ(null);
                          }}
                        />{' '}
                        {i.name}
                      </label>
                    </td>
                    <td>{i.articles.filter(Boolean).join(', ') || '—'}</td>
                    <td>{i.publishedVersion ?? '—'}</td>
                    <td>{i.runningCases}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
      {chosen && (
        <form
          className="law-versions"
          onSubmit={(e) => {
            e.preventDefault();
            if (from !== null && to !== null) setQ({ bpmnProcessId: chosen.bpmnProcessId, from, to });
          }}
        >
          <label>
            {t('legal.from')}{' '}
            <select value={from ?? ''} onChange={(e) => setFrom(Number(e.target.value))} data-testid="law-from">
              {chosen.versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {t('legal.versionOption', { version: v.version, count: v.runningCases })}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            {t('legal.to')}{' '}
            <select value={to ?? ''} onChange={(e) => setTo(Number(e.target.value))} data-testid="law-to">
              {chosen.versions.map((v) => (
                <option key={v.version} value={v.version}>
                  {t('legal.versionOption', { version: v.version, count: v.runningCases })}
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="submit" className="button" data-testid="law-show-plan">
            {t('legal.showPlan')}
          </button>
        </form>
      )}
      {q && <PlanView key={`${q.bpmnProcessId}:${q.from}:${q.to}`} q={q} />}
    </main>
  );
}
