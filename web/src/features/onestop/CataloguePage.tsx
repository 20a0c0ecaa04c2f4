import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ImportReply, RowError } from '../../../../api/schemas/onestop.js';
import { ApiError, errorMessage, oneLanguage, problemText, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { onestopEndpoints, onestopKeys, proceduresQuery } from './api.js';
import './onestop.css';

/** Catalogue administration: every procedure, import from JSON or CSV with the refused rows listed. */
export default function CataloguePage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const list = useQuery(proceduresQuery(true));
  const [result, setResult] = useState<ImportReply | null>(null);
  const [error, setError] = useState<{ message: string; rows: RowError[] } | null>(null);

  const upload = async (file: File, kind: 'json' | 'csv') => {
    setResult(null);
    setError(null);
    try {
      const text = await file.text();
      const reply =
        kind === 'json' ? await request(onestopEndpoints.importJson(JSON.parse(text) as unknown[])) : await request(onestopEndpoints.importCsv(text));
      setResult(reply);
      void queryClient.invalidateQueries({ queryKey: onestopKeys.all() });
    } catch (err) {
      const rows = err instanceof ApiError ? ((err.body as { rows?: RowError[] } | undefined)?.rows ?? []) : [];
      setError({ message: err instanceof SyntaxError ? t('onestop.catalogue.invalidJson') : errorMessage(err), rows });
    }
  };

  return (
    <section className="onestop">
      <p>
        <Link to="/mot-cua">← {t('onestop.deskTitle')}</Link>
      </p>
      <h1>{t('onestop.catalogue.title')}</h1>
      <div className="onestop-actions">
        <label className="button">
          {t('onestop.catalogue.importJson')}
          <input type="file" accept=".json,application/json" hidden onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0], 'json')} />
        </label>
        <label className="button">
          {t('onestop.catalogue.importCsv')}
          <input type="file" accept=".csv,text/csv" hidden onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0], 'csv')} />
        </label>
      </div>
      {result && (
        <Alert kind="success">
          {t('onestop.catalogue.imported', { created: result.created.length, updated: result.updated.length, unchanged: result.unchanged.length })}
        </Alert>
      )}
      {error && (
        <Alert>
          {error.message}
          <ul>
            {error.rows.map((r) => (
              <li key={r.row}>
                {t('onestop.catalogue.rowError', {
                  row: r.row,
                  code: r.code ?? '?',
                  message: r.problems?.length ? r.problems.map(problemText).join('; ') : oneLanguage(r.message),
                })}
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {list.isError && <Alert>{errorMessage(list.error)}</Alert>}
      <table className="task-table">
        <thead>
          <tr>
            <th>{t('onestop.code')}</th>
            <th>{t('onestop.procedure')}</th>
            <th>{t('onestop.status')}</th>
            <th>{t('onestop.catalogue.process')}</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((p) => (
            <tr key={p.code}>
              <td>{p.code}</td>
              <td>
                {p.name}
                <div className="muted">
                  {p.field} · {p.agencyName} · {t(`onestop.timeLimit.${p.timeLimitUnit ?? 'working_days'}`, { days: p.timeLimitDays })} ·{' '}
                  {t(`onestop.catalogue.level.${p.onlineLevel}`)}
                </div>
                {(p.agencies?.length ?? 0) > 1 && (
                  <div className="muted">
                    {t('onestop.catalogue.agencies', { count: p.agencies.length })}
                    <ul>
                      {p.agencies.map((a) => (
                        <li key={a.agencyCode}>
                          {t('onestop.catalogue.agencyLine', { name: a.agencyName, desk: a.deskUnitCode, eid: a.agencyEid })}
                          {a.bpmnProcessId ? ` · ${t('onestop.catalogue.ownProcess', { process: a.bpmnProcessId })}` : ''}
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
              </td>
              <td>{p.active ? t('onestop.catalogue.active') : t('onestop.catalogue.inactive')}</td>
              <td>
                {p.bpmnProcessId} ({p.processVersion ?? t('onestop.catalogue.latest')})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
