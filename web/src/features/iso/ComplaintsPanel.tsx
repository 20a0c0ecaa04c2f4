import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { complaintsQuery, isoMutations } from './api.js';

export function ComplaintsPanel() {
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
