import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { documentsQuery, isoMutations } from './api.js';

/** "a, b; c" → ["a", "b", "c"]: the units a document is distributed to. */
const units = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((u) => u.trim())
    .filter(Boolean);

export function DocumentRegister() {
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
