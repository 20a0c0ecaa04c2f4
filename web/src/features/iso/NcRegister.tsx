import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { isoMutations, ncListQuery, ncQuery } from './api.js';

export function NcRegister() {
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
