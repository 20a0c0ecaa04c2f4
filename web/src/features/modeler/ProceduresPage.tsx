import { useState, type ChangeEvent, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { meQuery, procedureListQuery, procedureMutations } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, navigate } from '../../lib/router.js';
import { canDesign } from './roles.js';
import './modeler.css';

export const procedureHref = (id: string) => `/procedures/${encodeURIComponent(id)}`;

/** An id from a name: ASCII, no spaces (a valid BPMN process id). */
function idFromName(name: string): string {
  const base = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    // runs are one '-' after the line above, so one at each end is all there is (linear, unlike -+$)
    .replace(/^-|-$/g, '');
  return /^[a-z_]/.test(base) ? base : `quy-trinh-${base}`;
}

/** /procedures — every procedure with its latest version, status and running cases. */
export function ProceduresPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery(procedureListQuery());
  const me = useQuery(meQuery());
  const create = useMutation(procedureMutations.create(queryClient));
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const editor = canDesign(me.data);

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    const bpmnProcessId = id.trim() || idFromName(name);
    create.mutate({ name: name.trim(), bpmnProcessId }, { onSuccess: (p) => navigate(procedureHref(p.bpmnProcessId)) });
  };

  const onImport = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const xml = await file.text();
    create.mutate(
      { xml, fileName: file.name },
      {
        onSuccess: (p) => {
          flash.show({ kind: 'success', text: t('procedures.imported', { file: file.name }), path: procedureHref(p.bpmnProcessId) });
          navigate(procedureHref(p.bpmnProcessId));
        },
      },
    );
  };

  return (
    <section className="procedures">
      <div className="page-head">
        <h1>{t('procedures.title')}</h1>
      </div>
      {editor && (
        <div className="procedure-create">
          <form onSubmit={onCreate} className="procedure-create-form">
            <label className="field">
              <span>{t('procedures.newName')}</span>
              <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={300} data-testid="new-procedure-name" />
            </label>
            <label className="field">
              <span>{t('procedures.newId')}</span>
              <input
                value={id}
                onChange={(e) => setId(e.target.value)}
                placeholder={name ? idFromName(name) : ''}
                pattern="[A-Za-z_][A-Za-z0-9_.\-]*"
                maxLength={200}
                data-testid="new-procedure-id"
              />
            </label>
            <button type="submit" className="button button-primary" disabled={create.isPending || !name.trim()} data-testid="create-procedure">
              {create.isPending ? t('procedures.creating') : t('procedures.create')}
            </button>
          </form>
          <label className="button file-button">
            {create.isPending ? t('procedures.importing') : t('procedures.import')}
            <input type="file" accept=".bpmn,.xml,application/xml,text/xml" onChange={(e) => void onImport(e)} data-testid="import-procedure" />
          </label>
        </div>
      )}
      {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      {list.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : list.data && list.data.items.length === 0 ? (
        <p className="empty">{t('procedures.empty')}</p>
      ) : (
        list.data && (
          <table className="task-table" data-testid="procedure-table">
            <thead>
              <tr>
                <th>{t('procedures.name')}</th>
                <th>{t('procedures.id')}</th>
                <th>{t('procedures.latestVersion')}</th>
                <th>{t('procedures.status')}</th>
                <th>{t('procedures.running')}</th>
                <th>{t('procedures.draftUpdated')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.bpmnProcessId} data-testid="procedure-row" data-procedure-id={p.bpmnProcessId} data-shipped={p.bundledFile ? 'true' : 'false'}>
                  <td className="cell-name">
                    <Link to={procedureHref(p.bpmnProcessId)}>{p.name}</Link>
                    {p.code && <span className="muted small"> {p.code}</span>}
                    {p.bundledFile && (
                      <span className="badge badge-shipped" data-testid="shipped-badge" title={t('procedures.shippedTitle', { file: p.bundledFile })}>
                        {t('procedures.shipped')}
                      </span>
                    )}
                    {p.kind && (
                      <span className="badge" data-testid="kind-badge" data-kind={p.kind}>
                        {t(`procedures.kind.${p.kind}`)}
                      </span>
                    )}
                    {p.bundledOfferPending && editor && (
                      <span className="badge badge-warn" data-testid="offer-badge">
                        {t('procedures.offerPending')}
                      </span>
                    )}
                  </td>
                  <td>
                    <code>{p.bpmnProcessId}</code>
                  </td>
                  <td data-testid="latest-version">{p.latestVersion ?? <span className="muted">{t('procedures.noVersion')}</span>}</td>
                  <td>
                    <span className={p.latestVersionState === 'published' ? 'badge badge-open' : 'badge'}>
                      {t(`procedures.state.${p.latestVersionState ?? 'draft'}`)}
                    </span>
                  </td>
                  <td>{p.runningInstances}</td>
                  <td>{formatDateTime(p.draftUpdatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}
