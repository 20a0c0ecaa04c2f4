import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { reviewsQuery } from './api.js';

export function ReviewsPanel() {
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
