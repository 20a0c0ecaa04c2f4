import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { withQuery } from '../../api/query-string.js';
import { Alert } from '../../components/Alert.js';
import { Link } from '../../lib/router.js';
import { agenciesQuery } from './api.js';

/** The province view: every agency's quality system side by side (administrators, province leaders and auditors). */
export function AgenciesPanel() {
  const { t } = useTranslation();
  const [year, setYear] = useState(new Date().getFullYear());
  const view = useQuery(agenciesQuery(year));
  return (
    <div className="iso-section" data-testid="iso-agencies">
      <p className="muted">{t('iso.agency.intro')}</p>
      <label>
        {t('iso.agency.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>
      {view.isError && <Alert>{errorMessage(view.error)}</Alert>}
      {!view.data && !view.isError && <p className="muted">{t('iso.loading')}</p>}
      {view.data && (
        <div className="os-table-wrap">
          <table className="task-table">
            <thead>
              <tr>
                <th scope="col">{t('iso.agency.agency')}</th>
                <th scope="col">{t('iso.agency.secretariat')}</th>
                <th scope="col">{t('iso.agency.office')}</th>
                <th scope="col">{t('iso.agency.ncTotal')}</th>
                <th scope="col">{t('iso.agency.documents')}</th>
                <th scope="col">{t('iso.agency.audits')}</th>
                <th scope="col">{t('iso.agency.reviews')}</th>
                <th scope="col">{t('iso.agency.risksOpen')}</th>
                <th scope="col">{t('iso.agency.complaints')}</th>
                <th scope="col">{t('iso.agency.objectives')}</th>
                <th scope="col">{t('iso.agency.report')}</th>
              </tr>
            </thead>
            <tbody>
              {view.data.items.map((a) => (
                <tr key={a.agency} data-testid={`agency-${a.agency}`}>
                  <th scope="row">
                    {a.name ?? a.agency} <span className="muted">({a.agency})</span>
                  </th>
                  <td>{a.configured ? a.secretariatUnitCode : <span className="muted">{t('iso.agency.notConfigured')}</span>}</td>
                  <td>{a.configured ? a.officeUnitCode : '—'}</td>
                  <td>
                    {a.nonconformities.total} ({t('iso.agency.ncOpen')} {a.nonconformities.open}; {t('iso.agency.lateCases')} {a.nonconformities.lateCases})
                  </td>
                  <td>{a.documentsInForce}</td>
                  <td>{a.audits}</td>
                  <td>{a.reviews}</td>
                  <td>{a.risksOpen}</td>
                  <td>{a.complaints}</td>
                  <td>{a.objectives}</td>
                  <td>
                    <Link to={withQuery('/iso', { tab: 'report', agency: a.agency })}>{t('iso.agency.report')}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
