import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { FileExportStatus, useFileExport } from '../../components/FileExport.js';
import { Alert } from '../../components/Alert.js';
import { Link, useLocation } from '../../lib/router.js';
import { isoEndpoints, reportQuery } from './api.js';

export function ReportPanel() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const [year, setYear] = useState(new Date().getFullYear());
  // A province reader opens one agency's report from the agencies tab (?agency=); others read their own agency's.
  const agency = useLocation().search.get('agency') || undefined;
  const report = useQuery(reportQuery(year, agency));
  const file = useFileExport();
  const download = (format: 'xlsx' | 'pdf') =>
    file.start({
      endpoint: format === 'pdf' ? isoEndpoints.reportPdf(year, agency) : isoEndpoints.reportXlsx(year, agency),
      fileName: `bao-cao-hdqlcl-${agency ? `${agency.toLowerCase()}-` : ''}${year}.${format}`,
    });
  return (
    <div className="iso-section" data-testid="iso-report">
      <label>
        {t('iso.report.year')} <input type="number" value={year} min={2000} max={2100} onChange={(e) => setYear(Number(e.target.value) || year)} />
      </label>{' '}
      <button type="button" className="button" onClick={() => download('xlsx')} disabled={file.running} aria-busy={file.running} data-testid="report-xlsx">
        {t('iso.report.xlsx')}
      </button>{' '}
      <button type="button" className="button" onClick={() => download('pdf')} disabled={file.running} aria-busy={file.running} data-testid="report-pdf">
        {t('iso.report.pdf')}
      </button>
      <FileExportStatus state={file} testId="report-file-status" />
      {report.isError && <Alert>{errorMessage(report.error)}</Alert>}
      {report.data && (
        <>
          <h2>{t('iso.report.onestop')}</h2>
          <p>
            {t('iso.report.onestopLine', {
              received: report.data.onestop.received,
              online: report.data.onestop.onlineRate ?? '—',
              resolved: report.data.onestop.resolved,
              onTime: report.data.onestop.onTimeRate ?? '—',
              evaluations: report.data.onestop.evaluations,
              satisfied: report.data.onestop.satisfiedPct ?? '—',
            })}
          </p>
          <h2>{t('iso.report.cases')}</h2>
          <p>
            {t('iso.report.casesLine', {
              finished: report.data.cases.finished,
              onTime: report.data.cases.onTime,
              rate: report.data.cases.onTimeRate ?? '—',
              overdue: report.data.cases.openOverdue,
            })}
          </p>
          <h2>{t('iso.report.ncs')}</h2>
          <p>
            {t('iso.report.ncLine', {
              opened: report.data.nonconformities.opened,
              closed: report.data.nonconformities.closed,
              reopened: report.data.nonconformities.reopenedAfterIneffective,
            })}
          </p>
          <ul>
            {report.data.nonconformities.items.map((n) => (
              <li key={n.code}>
                {n.code} · {n.title} · {tx(`iso.ncStatus.${n.status}`)}
                {n.recordLink && (
                  <>
                    {' '}
                    · <Link to={n.recordLink}>{t('iso.record')}</Link>
                  </>
                )}
                {n.caseLink && (
                  <>
                    {' '}
                    · <Link to={n.caseLink}>{t('iso.report.case')}</Link>
                  </>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.documents')}</h2>
          <ul>
            {report.data.documents.items.map((d, i) => (
              <li key={i}>
                {d.code} v{d.version} · {tx(`iso.versionKind.${d.kind}`)} · {d.effectiveFrom ?? ''} ·{' '}
                {t('iso.report.confirmed', { confirmed: d.unitsConfirmed, total: d.unitsDistributed })}
                {d.recordLink && (
                  <>
                    {' '}
                    · <Link to={d.recordLink}>{t('iso.record')}</Link>
                  </>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.conformity')}</h2>
          <ul className="iso-conformity" data-testid="iso-conformity">
            {report.data.conformity.map((e) => (
              <li key={e.key}>
                <strong>{e.item}</strong> ({e.clauses.join(', ')}):{' '}
                <span className={e.met ? 'iso-met' : 'iso-missed'}>{t(e.met ? 'iso.report.met' : 'iso.report.notMet')}</span>. {e.detail}
                {e.links.length > 0 && (
                  <ul>
                    {e.links.map((l) => (
                      <li key={l.href + l.label}>
                        <Link to={l.href}>{l.label}</Link>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
          <h2>{t('iso.report.notAvailable')}</h2>
          <ul>
            {report.data.notAvailable.map((n) => (
              <li key={n.section}>
                <strong>{n.section}</strong>: {n.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
