import { useTranslation } from 'react-i18next';
import type { LintIssue as ServerIssue } from '../../../../api/schemas/processes.js';
import type { LintIssue } from '../../../../modeler/bpmn-modeler.js';
import { problemText } from '../../api/request.js';

/**
 * The lint findings of the diagram (live, in the browser) and, after a check or a refused publish,
 * the server's. Clicking a finding selects its element on the canvas.
 */
export function LintPanel({
  issues,
  serverIssues,
  labelOf,
  onSelect,
}: {
  issues: LintIssue[];
  serverIssues: ServerIssue[] | null;
  labelOf: (elementId: string) => string;
  onSelect: (elementId: string) => void;
}) {
  const { t } = useTranslation();
  const errors = issues.filter((i) => i.category === 'error');
  const warnings = issues.filter((i) => i.category !== 'error');
  const rows = [...errors, ...warnings];
  return (
    <section className="lint-panel" aria-labelledby="lint-title" data-testid="lint-panel">
      <h2 id="lint-title">
        {t('modeler.lintTitle')}{' '}
        <span className={errors.length ? 'badge badge-danger' : 'badge'} data-testid="lint-error-count">
          {t('modeler.errors', { count: errors.length })}
        </span>{' '}
        <span className="badge" data-testid="lint-warning-count">
          {t('modeler.warnings', { count: warnings.length })}
        </span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted small">{t('modeler.lintOk')}</p>
      ) : (
        <ul className="lint-list">
          {rows.map((issue, i) => (
            <li key={`${issue.rule}-${issue.actualElementId}-${i}`}>
              <button
                type="button"
                className={`lint-issue lint-${issue.category}`}
                data-testid="lint-issue"
                data-category={issue.category}
                data-rule={issue.rule}
                data-element-id={issue.actualElementId}
                onClick={() => onSelect(issue.actualElementId || issue.elementId)}
              >
                <span className="lint-kind">{issue.category === 'error' ? t('modeler.error') : t('modeler.warning')}</span>
                <span className="lint-element">{labelOf(issue.actualElementId || issue.elementId)}</span>
                <span className="lint-message">{issue.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {serverIssues && serverIssues.length > 0 && (
        <>
          <h3>{t('modeler.serverCheck')}</h3>
          <ul className="lint-list" data-testid="server-issues">
            {serverIssues.map((issue, i) => (
              <li key={`server-${i}`}>
                <button type="button" className={`lint-issue lint-${issue.category}`} data-testid="server-issue" onClick={() => onSelect(issue.elementId)}>
                  <span className="lint-kind">{issue.category === 'error' ? t('modeler.error') : t('modeler.warning')}</span>
                  <span className="lint-element">{issue.elementId ? labelOf(issue.elementId) : ''}</span>
                  <span className="lint-message">{problemText(issue)}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
