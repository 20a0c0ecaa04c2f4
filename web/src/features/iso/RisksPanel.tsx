import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { formatDateTime } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { risksQuery } from './api.js';

/** The risk register, highest likelihood x severity first. */
export function RisksPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const list = useQuery(risksQuery());
  if (list.isError) return <Alert>{errorMessage(list.error)}</Alert>;
  if (!list.data) return <p className="muted">{tx('iso.loading')}</p>;
  if (!list.data.items.length) return <p className="empty">{tx('iso.empty')}</p>;
  return (
    <table className="task-table" data-testid="iso-risks">
      <thead>
        <tr>
          <th>{tx('iso.nc.code')}</th>
          <th>{tx('iso.risks.kind')}</th>
          <th>{tx('iso.nc.titleField')}</th>
          <th>{tx('iso.nc.unit')}</th>
          <th>{tx('iso.risks.score')}</th>
          <th>{tx('iso.risks.treatment')}</th>
          <th>{tx('iso.status')}</th>
          <th>{tx('iso.currentStep')}</th>
          <th>{tx('iso.risks.nextReview')}</th>
        </tr>
      </thead>
      <tbody>
        {list.data.items.map((r) => (
          <tr key={r.id}>
            <td>{r.processInstanceKey ? <Link to={`/cases/${r.processInstanceKey}`}>{r.code}</Link> : r.code}</td>
            <td>{tx(`iso.risks.${r.kind}`)}</td>
            <td>{r.title}</td>
            <td>{r.unitCode}</td>
            <td className={r.level === 'high' ? 'iso-missed' : r.level === 'low' ? 'iso-met' : undefined}>
              {r.score === null ? '—' : `${r.likelihood} × ${r.severity} = ${r.score}`}
              {r.initialScore !== null && r.score !== null && r.initialScore !== r.score ? ` (${tx('iso.risks.was')} ${r.initialScore})` : ''}
            </td>
            <td>
              {r.treatment ?? '—'}
              {r.treatmentDue ? ` (${r.treatmentDue})` : ''}
            </td>
            <td>{tx(`iso.riskStatus.${r.status}`)}</td>
            <td>{r.currentStep ?? '—'}</td>
            <td>{r.nextReviewAt ? formatDateTime(r.nextReviewAt) : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
