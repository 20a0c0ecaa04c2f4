import { useTranslation } from 'react-i18next';
import type { TaskCounts } from '../../../../api/schemas/tasks.js';
import { Link } from '../../router.js';
import { inboxHref, TABS, type InboxParams, type Tab } from './inbox-params.js';

const COUNT_KEY: Record<Tab, keyof TaskCounts> = { available: 'not_started', mine: 'in_progress', reminded: 'reminded', done: 'finished' };
const LABEL = { available: 'buckets.available', mine: 'buckets.mine', reminded: 'buckets.reminded', done: 'buckets.done' } as const;
const UNIT_LABEL = { ...LABEL, available: 'buckets.unitAvailable', mine: 'buckets.unitMine', reminded: 'buckets.unitReminded' } as const;

/** Personal or whole-unit inbox (leaders only): links, so the choice is in the URL. */
export function ViewSwitch({ params }: { params: InboxParams }) {
  const { t } = useTranslation();
  return (
    <nav className="tabs view-switch" aria-label={t('buckets.views')}>
      {(['personal', 'unit'] as const).map((view) => (
        <Link key={view} to={inboxHref({ ...params, view, offset: 0 })} className="tab" aria-current={params.view === view ? 'page' : undefined} data-testid={`view-${view}`}>
          {t(`buckets.${view}`)}
        </Link>
      ))}
    </nav>
  );
}

/** The buckets with their badge numbers; under them, the on-time / overdue split of the current one. */
export function BucketTabs({ params, counts }: { params: InboxParams; counts?: TaskCounts }) {
  const { t } = useTranslation();
  const label = (tab: Tab) => t((params.view === 'unit' ? UNIT_LABEL : LABEL)[tab]);
  const current = counts?.[COUNT_KEY[params.tab]];
  return (
    <div className="buckets">
      <nav className="tabs" aria-label={t('inbox.tabs')}>
        {TABS.map((tab) => {
          const n = counts?.[COUNT_KEY[tab]];
          return (
            <Link key={tab} to={inboxHref({ ...params, tab, offset: 0 })} className="tab" aria-current={params.tab === tab ? 'page' : undefined} data-testid={`tab-${tab}`}>
              {label(tab)}
              {n !== undefined && (
                <span className={n.overdue > 0 ? 'tab-count tab-count-overdue' : 'tab-count'} data-testid={`count-${tab}`} title={t('buckets.count', { count: n.total })}>
                  {n.total}
                </span>
              )}
            </Link>
          );
        })}
      </nav>
      <nav className="timing" aria-label={t('buckets.timing')}>
        {([undefined, 'on_time', 'overdue'] as const).map((timing) => (
          <Link
            key={timing ?? 'all'}
            to={inboxHref({ ...params, timing, offset: 0 })}
            className={`chip chip-${timing ?? 'all'}`}
            aria-current={params.timing === timing ? 'page' : undefined}
            data-testid={`timing-${timing ?? 'all'}`}
          >
            {t(timing === undefined ? 'buckets.allTiming' : timing === 'on_time' ? 'buckets.onTime' : 'buckets.overdue')}
            {current && <span className="chip-count">{timing === undefined ? current.total : timing === 'on_time' ? current.onTime : current.overdue}</span>}
          </Link>
        ))}
      </nav>
    </div>
  );
}
