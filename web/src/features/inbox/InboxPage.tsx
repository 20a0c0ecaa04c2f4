import { useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../../../api/schemas/tasks.js';
import { INBOX_FALLBACK_POLL_MS, INBOX_POLL_MS, meQuery, taskCountsQuery, taskListQuery, taskMutations } from '../../api/queries.js';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { navigate, useLocation } from '../../lib/router.js';
import { BucketTabs, PeriodSwitch, ViewSwitch } from './BucketTabs.js';
import { InboxFilters } from './InboxFilters.js';
import { ReassignBar, UrgeForm } from './LeaderTools.js';
import { ForecastPanel } from '../forecast/ForecastPanel.js';
import { TaskTable } from './TaskTable.js';
import { chosenTab, compact, countFilters, inboxHref, listFilters, namesTab, openingTab, PAGE_SIZE, readParams, type InboxParams } from './inbox-params.js';
import { mayUseTasks } from '../../lib/roles.js';
import { useLiveConnected } from '../notifications/live.js';
import './inbox.css';

export { inboxHref, PAGE_SIZE };

/**
 * The inbox: buckets (to claim / mine / reminded / done) with counts and an on-time / overdue split,
 * filters, sort and paging, all in the URL. Leaders switch to their whole unit, select rows to hand
 * them over to an officer and urge holders. Live: the list refreshes on server events.
 */
export function InboxPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const params = readParams(search);
  const me = useQuery(meQuery());
  const isLeader = me.data?.roles.includes('leader') ?? false;
  const live = useLiveConnected();
  const poll = live ? INBOX_FALLBACK_POLL_MS : INBOX_POLL_MS;
  // Only roles that handle tasks ask for them (others would be refused); the bare /inbox asks for the
  // list once it knows which bucket to open.
  const allowed = mayUseTasks(me.data?.roles);
  const explicit = namesTab(search);
  const tasks = useQuery({ ...taskListQuery(compact(listFilters(params))), refetchInterval: poll, enabled: allowed && explicit });
  const counts = useQuery({ ...taskCountsQuery(compact(countFilters(params))), refetchInterval: poll, enabled: allowed });
  // The bare /inbox opens where the work is, or on the bucket the user last picked by hand.
  useEffect(() => {
    if (explicit) return;
    const tab = chosenTab() ?? (counts.data ? openingTab(counts.data) : undefined);
    if (tab) navigate(inboxHref({ ...params, tab }), { replace: true });
    // Decided once per bare visit, from the counts: later count changes do not move the user.
  }, [explicit, counts.data]);
  const queryClient = useQueryClient();
  const claim = useMutation(taskMutations.claim(queryClient));
  const claimTask = (id: string) =>
    claim.mutate(id, {
      onSuccess: (task) => flash.show({ kind: 'success', text: t('inbox.claimed', { name: task.name }), path: '/inbox' }),
    });

  const leaderTools = isLeader && params.view === 'unit';
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [urging, setUrging] = useState<Task | null>(null);
  // A selection belongs to one list: drop it when the list changes.
  const listKey = inboxHref({ ...params });
  useEffect(() => {
    setSelected(new Set());
    setUrging(null);
  }, [listKey]);
  const select = (ids: string[], on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      for (const id of ids) on ? next.add(id) : next.delete(id);
      return next;
    });

  const items = tasks.data?.items ?? [];
  const total = tasks.data?.total ?? 0;
  const totalCapped = tasks.data?.totalCapped ?? false;
  const go = (next: Partial<InboxParams>) => navigate(inboxHref({ ...params, ...next }));

  if (me.data && !allowed)
    return (
      <section className="inbox">
        <h1>{t('inbox.title')}</h1>
        <p className="empty">{t('inbox.notForRole')}</p>
      </section>
    );

  return (
    <section className="inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        <span className={live ? 'live live-on' : 'live live-off'} data-testid="live-indicator" data-live={live}>
          {t(live ? 'live.on' : 'live.off')}
        </span>
        {tasks.isFetching && !tasks.isPending && <span className="muted small">{t('inbox.refreshing')}</span>}
      </div>

      {isLeader && <ForecastPanel limit={5} leader moreLink="/onestop/overdue" compact />}

      <div className="inbox-toolbar">
        {isLeader && <ViewSwitch params={params} />}
        <BucketTabs params={params} counts={counts.data} />
      </div>
      <InboxFilters key={listKey} params={params} onApply={(f) => go({ ...f, offset: 0 })} />
      {params.tab === 'done' && <PeriodSwitch params={params} since={tasks.data?.finishedSince} />}

      {tasks.isError && <Alert>{errorMessage(tasks.error)}</Alert>}
      {claim.isError && (
        <Alert onDismiss={() => claim.reset()} dismissLabel={t('errors.dismiss')}>
          {errorMessage(claim.error)}
        </Alert>
      )}
      {leaderTools && selected.size > 0 && me.data && (
        <ReassignBar unitCode={me.data.unit.code} selected={[...selected]} onDone={() => setSelected(new Set())} />
      )}
      {leaderTools && urging && <UrgeForm key={urging.id} task={urging} onClose={() => setUrging(null)} />}

      <div className="inbox-list" data-testid="task-list" aria-busy={tasks.isPlaceholderData || tasks.isPending}>
        {tasks.isPending ? (
          <p className="muted">{t('app.loading')}</p>
        ) : items.length === 0 ? (
          <p className="empty">{params.q ? t('inbox.emptySearch', { q: params.q }) : t('inbox.empty')}</p>
        ) : (
          <TaskTable
            items={items}
            tab={params.tab}
            view={params.view}
            leaderTools={leaderTools}
            selected={selected}
            onSelect={select}
            onClaim={claimTask}
            claiming={claim.isPending ? claim.variables : undefined}
            onUrge={setUrging}
          />
        )}
      </div>

      {total > 0 && (
        <nav className="pager" aria-label={t('inbox.paging')}>
          <span data-testid="range">
            {t('inbox.range', { from: params.offset + 1, to: params.offset + items.length, total: totalCapped ? `${total}+` : total })}
          </span>
          <button type="button" className="button" disabled={params.offset === 0} onClick={() => go({ offset: Math.max(0, params.offset - PAGE_SIZE) })}>
            {t('inbox.previous')}
          </button>
          <button
            type="button"
            className="button"
            disabled={items.length < PAGE_SIZE || (!totalCapped && params.offset + PAGE_SIZE >= total)}
            onClick={() => go({ offset: params.offset + PAGE_SIZE })}
          >
            {t('inbox.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
