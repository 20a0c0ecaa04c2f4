import { useTranslation } from 'react-i18next';
import type { BucketCount, TaskCounts } from '../../../../api/schemas/tasks.js';
import { formatDate } from '../../lib/format.js';
import { Link } from '../../lib/router.js';
import { DEFAULT_PERIOD, inboxHref, PERIODS, rememberTab, TABS, type InboxParams, type Tab } from './inbox-params.js';

const COUNT_KEY: Record<Tab, keyof TaskCounts> = { available: 'not_started', mine: 'in_progress', reminded: 'reminded', done: 'finished' };
const LABEL = { available: 'buckets.available', mine: 'buckets.mine', reminded: 'buckets.reminded', done: 'buckets.done' } as const;
const UNIT_LABEL = { ...LABEL, available: 'buckets.unitAvailable', mine: 'buckets.unitMine', reminded: 'buckets.unitReminded' } as const;

/** A badge number; "1000+" when counting stopped at the cap (the server marks such numbers). */
export const countText = (n: BucketCount, part: 'total' | 'onTime' | 'overdue') => `${n[part]}${n.atLeast?.includes(part) ? '+' : ''}`;

/** Personal or whole-unit inbox (leaders only): links, so the choice is in the URL. */
export function ViewSwitch({ params }: { params: InboxParams }) {
  const { t } = useTranslation();
  return (
    <nav className="tabs view-switch" aria-label={t('buckets.views')}>
      {(['personal', 'unit'] as const).map((view) => (
        <Link
          key={view}
          to={inboxHref({ ...params, view, offset: 0 })}
          className="tab"
          aria-current={params.view === view ? 'page' : undefined}
          data-testid={`view-${view}`}
        >
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
            <Link
              key={tab}
              to={inboxHref({ ...params, tab, offset: 0 })}
              onClick={() => rememberTab(tab)}
              className="tab"
              aria-current={params.tab === tab ? 'page' : undefined}
              data-testid={`tab-${tab}`}
            >
              {label(tab)}
              {n !== undefined && (
                <span
                  className={n.overdue > 0 ? 'tab-count tab-count-overdue' : 'tab-count'}
                  data-testid={`count-${tab}`}
                  data-capped={n.atLeast?.includes('total') ? 'true' : undefined}
                  title={
                    n.atLeast?.includes('total')
                      ? t('buckets.countAtLeast', { count: n.total })
                      : tab === 'done'
                        ? t('buckets.countDone', { count: n.total, period: t(`period.${params.period ?? DEFAULT_PERIOD}`) })
                        : t('buckets.count', { count: n.total })
                  }
                >
                  {countText(n, 'total')}
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
            {current && <span className="chip-count">{countText(current, timing === undefined ? 'total' : timing === 'on_time' ? 'onTime' : 'overdue')}</span>}
          </Link>
        ))}
      </nav>
    </div>
  );
}

/**
 * The done tab's period, stated and changeable: finished work is shown for the last 30 days unless
 * the user widens it (links, so the period is in the URL).
 */
export function PeriodSwitch({ params, since }: { params: InboxParams; since?: string | null }) {
  const { t } = useTranslation();
  const period = params.period ?? DEFAULT_PERIOD;
  return (
    <div className="period-switch">
      {/* Stated once the answer says from when (never "all time" while a limited period is loading). */}
      {(since || period === 'all') && (
        <span className="period-text" data-testid="done-period">
          {since ? t('period.since', { period: t(`period.${period}`), date: formatDate(since) }) : t('period.everything')}
        </span>
      )}
      <nav className="timing" aria-label={t('period.label')}>
        {PERIODS.map((p) => (
          <Link
            key={p}
            to={inboxHref({ ...params, period: p, offset: 0 })}
            className="chip"
            aria-current={period === p ? 'page' : undefined}
            data-testid={`period-${p}`}
          >
            {t(`period.${p}`)}
          </Link>
        ))}
      </nav>
    </div>
  );
}
