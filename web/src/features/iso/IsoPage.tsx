import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import './iso.css';
import { NcRegister } from './NcRegister.js';
import { DocumentRegister } from './DocumentRegister.js';
import { ObjectivesDashboard } from './ObjectivesDashboard.js';
import { RisksPanel } from './RisksPanel.js';
import { AuditsPanel } from './AuditsPanel.js';
import { ComplaintsPanel } from './ComplaintsPanel.js';
import { ReviewsPanel } from './ReviewsPanel.js';
import { ClauseViewPanel } from './ClauseViewPanel.js';
import { ReportPanel } from './ReportPanel.js';
import { AgenciesPanel } from './AgenciesPanel.js';
import { isoMeQuery } from './api.js';

const TABS = ['nc', 'documents', 'objectives', 'risks', 'audits', 'complaints', 'reviews', 'clauses', 'report', 'agencies'] as const;
type Tab = (typeof TABS)[number];

/**
 * /iso?tab=nc|documents|clauses|report|agencies — the ISO registers, the clause view and the annual
 * report of the reader's agency; province readers also see every agency side by side (tab agencies).
 */
export default function IsoPage() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const { search } = useLocation();
  const me = useQuery(isoMeQuery());
  const province = me.data?.province ?? false;
  const tabs = TABS.filter((k) => k !== 'agencies' || province);
  const tab = (tabs as readonly string[]).includes(search.get('tab') ?? '') ? (search.get('tab') as Tab) : 'nc';
  return (
    <section className="iso-page" data-testid="iso-page">
      <div className="page-head">
        <h1>{t('iso.title')}</h1>
        {me.data && (
          <p className="muted" data-testid="iso-agency">
            {me.data.province ? t('iso.agency.province') : t('iso.agency.mine', { name: me.data.agencyName ?? me.data.agency ?? '' })}
          </p>
        )}
      </div>
      <nav className="tabs" aria-label={t('iso.title')}>
        {tabs.map((k) => (
          <Link key={k} to={withQuery('/iso', { tab: k })} className={k === tab ? 'tab tab-active' : 'tab'} aria-current={k === tab ? 'page' : undefined}>
            {tx(`iso.tab.${k}`)}
          </Link>
        ))}
      </nav>
      {tab === 'nc' && <NcRegister />}
      {tab === 'documents' && <DocumentRegister />}
      {tab === 'objectives' && <ObjectivesDashboard />}
      {tab === 'risks' && <RisksPanel />}
      {tab === 'audits' && <AuditsPanel />}
      {tab === 'complaints' && <ComplaintsPanel />}
      {tab === 'reviews' && <ReviewsPanel />}
      {tab === 'clauses' && <ClauseViewPanel />}
      {tab === 'report' && <ReportPanel />}
      {tab === 'agencies' && <AgenciesPanel />}
    </section>
  );
}
