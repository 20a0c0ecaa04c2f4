import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TaskListQuery } from '../../../api/schemas/tasks.js';
import { taskListQuery, taskMutations } from '../api/queries.js';
import { errorMessage } from '../api/request.js';
import { Alert } from '../components/Alert.js';
import { flash } from '../components/flash.js';
import { formatDateTime, isOverdue } from '../format.js';
import { Link, navigate, useLocation, withQuery } from '../router.js';

export const PAGE_SIZE = 20;

type Tab = 'mine' | 'available' | 'done';

/** The inbox state lives in the URL: /inbox?scope=mine|available or ?state=done, plus q and offset. */
interface InboxParams {
  tab: Tab;
  q: string;
  offset: number;
}

function readParams(search: URLSearchParams): InboxParams {
  const tab: Tab = search.get('state') === 'done' ? 'done' : search.get('scope') === 'available' ? 'available' : 'mine';
  const offset = Number.parseInt(search.get('offset') ?? '0', 10);
  return { tab, q: search.get('q') ?? '', offset: Number.isFinite(offset) && offset > 0 ? offset : 0 };
}

export function inboxHref({ tab, q, offset }: InboxParams): string {
  return withQuery('/inbox', { ...(tab === 'done' ? { state: 'done' } : { scope: tab }), q, offset: offset || undefined });
}

function apiFilters({ tab, q, offset }: InboxParams): TaskListQuery {
  const base = { q: q || undefined, limit: PAGE_SIZE, offset };
  return tab === 'done' ? { ...base, state: 'done' } : { ...base, scope: tab };
}

const TABS: Tab[] = ['mine', 'available', 'done'];

export function InboxPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const params = readParams(search);
  const tasks = useQuery(taskListQuery(apiFilters(params)));
  const queryClient = useQueryClient();
  const claim = useMutation(taskMutations.claim(queryClient));
  const claimTask = (id: string) =>
    claim.mutate(id, {
      onSuccess: (task) => flash.show({ kind: 'success', text: t('inbox.claimed', { name: task.name }), path: '/inbox' }),
    });

  const items = tasks.data?.items ?? [];
  const total = tasks.data?.total ?? 0;
  const go = (next: Partial<InboxParams>) => navigate(inboxHref({ ...params, ...next }));

  return (
    <section className="inbox">
      <div className="page-head">
        <h1>{t('inbox.title')}</h1>
        {tasks.isFetching && !tasks.isPending && <span className="muted small">{t('inbox.refreshing')}</span>}
      </div>

      <div className="inbox-toolbar">
        <nav className="tabs" aria-label={t('inbox.tabs')}>
          {TABS.map((tab) => (
            <Link key={tab} to={inboxHref({ tab, q: params.q, offset: 0 })} className="tab" aria-current={params.tab === tab ? 'page' : undefined} data-testid={`tab-${tab}`}>
              {t(`inbox.${tab}`)}
            </Link>
          ))}
        </nav>
        <SearchBox key={params.q} initial={params.q} onSearch={(q) => go({ q, offset: 0 })} />
      </div>

      {tasks.isError && <Alert>{errorMessage(tasks.error)}</Alert>}
      {claim.isError && (
        <Alert onDismiss={() => claim.reset()} dismissLabel={t('errors.dismiss')}>
          {errorMessage(claim.error)}
        </Alert>
      )}

      {tasks.isPending ? (
        <p className="muted">{t('app.loading')}</p>
      ) : items.length === 0 ? (
        <p className="empty">{params.q ? t('inbox.emptySearch', { q: params.q }) : t('inbox.empty')}</p>
      ) : (
        <table className="task-table">
          <thead>
            <tr>
              <th scope="col">{t('inbox.name')}</th>
              <th scope="col">{t('inbox.process')}</th>
              <th scope="col">{t('inbox.created')}</th>
              <th scope="col">{params.tab === 'done' ? t('inbox.completedAt') : t('inbox.due')}</th>
              <th scope="col">{t('inbox.assignee')}</th>
              {params.tab === 'available' && <th scope="col">{t('inbox.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((task) => {
              const overdue = params.tab !== 'done' && isOverdue(task.dueDate);
              return (
                <tr key={task.id} data-testid="task-row" data-task-id={task.id}>
                  <td data-label={t('inbox.name')} className="cell-name">
                    <Link to={`/tasks/${task.id}`}>{task.name}</Link>
                  </td>
                  <td data-label={t('inbox.process')}>{task.processName}</td>
                  <td data-label={t('inbox.created')}>{formatDateTime(task.createdAt)}</td>
                  {params.tab === 'done' ? (
                    <td data-label={t('inbox.completedAt')}>{formatDateTime(task.completedAt)}</td>
                  ) : (
                    <td data-label={t('inbox.due')} className={overdue ? 'overdue' : undefined}>
                      {formatDateTime(task.dueDate)}
                      {overdue && <span className="badge badge-danger">{t('inbox.overdue')}</span>}
                    </td>
                  )}
                  <td data-label={t('inbox.assignee')}>{task.assignee ?? <span className="muted">{t('inbox.unassigned')}</span>}</td>
                  {params.tab === 'available' && (
                    <td className="cell-action">
                      <button type="button" className="button button-primary" data-testid="claim" disabled={claim.isPending && claim.variables === task.id} onClick={() => claimTask(task.id)}>
                        {t('inbox.claim')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}

      {total > 0 && (
        <nav className="pager" aria-label={t('inbox.paging')}>
          <span>{t('inbox.range', { from: params.offset + 1, to: Math.min(params.offset + items.length, total), total })}</span>
          <button type="button" className="button" disabled={params.offset === 0} onClick={() => go({ offset: Math.max(0, params.offset - PAGE_SIZE) })}>
            {t('inbox.previous')}
          </button>
          <button type="button" className="button" disabled={params.offset + PAGE_SIZE >= total} onClick={() => go({ offset: params.offset + PAGE_SIZE })}>
            {t('inbox.next')}
          </button>
        </nav>
      )}
    </section>
  );
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(value.trim());
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <input type="search" aria-label={t('inbox.search')} placeholder={t('inbox.searchPlaceholder')} value={value} onChange={(e) => setValue(e.target.value)} maxLength={200} />
      <button type="submit" className="button">
        {t('inbox.search')}
      </button>
    </form>
  );
}
