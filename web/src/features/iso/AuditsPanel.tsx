import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { auditsQuery } from './api.js';

export function AuditsPanel() {
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
