import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { auditLogQuery, auditMutations } from './api.js';
import { actionNames } from './action-names.js';
import { currentLanguage } from '../../i18n/index.js';
import './audit.css';

/** /audit/verify — check the audit log's hash chain, and browse the log (?actor=&action=&offset=). */
export default function AuditVerifyPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const verify = useMutation(auditMutations.verify());
  const actor = search.get('actor') ?? undefined;
  const action = search.get('action') ?? undefined;
  const offset = Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0);
  const log = useQuery(auditLogQuery({ actor, action, limit: 50, offset }));
  const report = verify.data;

  return (
    <section className="audit-verify" data-testid="audit-verify">
      <div className="page-head">
        <Link to="/audit" className="back-link">
          ← {t('audit.searchTitle')}
        </Link>
        <h1>{t('audit.verifyTitle')}</h1>
      </div>
      <p className="muted">{t('audit.verifyIntro')}</p>
      <button type="button" className="button button-primary" onClick={() => verify.mutate()} disabled={verify.isPending} data-testid="audit-verify-run">
        {verify.isPending ? t('audit.verifying') : t('audit.verifyRun')}
      </button>
      {verify.isError && <Alert>{errorMessage(verify.error)}</Alert>}
      {report && (
        <div className="audit-section" data-testid="audit-verify-result">
          <p className={report.ok ? 'audit-ok' : 'audit-late'}>
            {report.ok ? t('audit.chainOk', { checked: report.checked }) : t('audit.chainBroken', { checked: report.checked, count: report.problems.length })}
          </p>
          {report.problems.length > 0 && (
            <table className="task-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('audit.problem')}</th>
                  <th>{t('audit.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {report.problems.map((p, i) => (
                  <tr key={i}>
                    <td>{p.seq}</td>
                    <td className="audit-late">{t(`audit.kind.${p.kind}`)}</td>
                    <td>{p.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}

      <div className="audit-section">
        <h2>{t('audit.logTitle')}</h2>
        {log.isError && <Alert>{errorMessage(log.error)}</Alert>}
        {log.data && (
          <>
            <table className="task-table" data-testid="audit-log">
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('audit.at')}</th>
                  <th>{t('audit.actor')}</th>
                  <th>{t('audit.action')}</th>
                  <th>{t('audit.target')}</th>
                  <th>{t('audit.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {log.data.items.map((a) => (
                  <tr key={a.seq}>
                    <td>{a.seq}</td>
                    <td>{formatDateTime(a.at)}</td>
                    <td>
                      {a.actor ? <Link to={withQuery('/audit/verify', { actor: a.actor })}>{a.actor}</Link> : '—'}{' '}
                      <span className="muted small">{a.actorUnit ?? ''}</span>
                    </td>
                    <td>
                      <Link to={withQuery('/audit/verify', { action: a.action })}>{actionNames[currentLanguage()][a.action] ?? a.action}</Link>
                      {actionNames[currentLanguage()][a.action] && <span className="muted small"> {a.action}</span>}
                    </td>
                    <td>
                      {a.targetType === 'case' && a.targetId ? (
                        <Link to={`/cases/${a.targetId}`}>{a.targetId}</Link>
                      ) : (
                        `${a.targetType ?? ''} ${a.targetId ?? ''}`
                      )}
                    </td>
                    <td>{a.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav className="audit-actions">
              {offset > 0 && (
                <Link to={withQuery('/audit/verify', { actor, action, offset: Math.max(0, offset - 50) || undefined })}>{t('inbox.previous')}</Link>
              )}
              {offset + 50 < log.data.total && <Link to={withQuery('/audit/verify', { actor, action, offset: offset + 50 })}>{t('inbox.next')}</Link>}
            </nav>
          </>
        )}
      </div>
    </section>
  );
}
