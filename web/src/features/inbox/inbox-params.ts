import type { TaskBucket, TaskCountsQuery, TaskListQuery, TaskSort, TaskTiming } from '../../../../api/schemas/tasks.js';
import { withQuery } from '../../api/query-string.js';

export const PAGE_SIZE = 20;

/** The four buckets as tabs. Their URL words are the first inbox's: scope=available|mine, state=done, plus scope=reminded. */
export type Tab = 'available' | 'mine' | 'reminded' | 'done';
export const TABS: Tab[] = ['available', 'mine', 'reminded', 'done'];
export type View = 'personal' | 'unit';

/** Everything the inbox shows is decided by the URL: bucket, view, filters, sort and page. */
export interface InboxParams {
  tab: Tab;
  view: View;
  timing?: TaskTiming;
  q: string;
  proc?: string;
  unit?: string;
  from?: string;
  to?: string;
  caseCode?: string;
  sort?: TaskSort;
  order?: 'asc' | 'desc';
  /** Done tab: how far back it reaches (absent: the server's default, the last 30 days). */
  period?: FinishedWithin;
  offset: number;
}

/** The periods of the done tab, the default first. */
export type FinishedWithin = NonNullable<TaskCountsQuery['finishedWithin']>;
export const PERIODS: FinishedWithin[] = ['30d', '90d', '365d', 'all'];
export const DEFAULT_PERIOD: FinishedWithin = '30d';

const BUCKET: Record<Tab, TaskBucket> = { available: 'not_started', mine: 'in_progress', reminded: 'reminded', done: 'finished' };
const SORTS: TaskSort[] = ['created', 'due', 'name', 'completed'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const oneOf = <T extends string>(value: string | null, allowed: readonly T[]): T | undefined => (allowed.includes(value as T) ? (value as T) : undefined);

export function readParams(search: URLSearchParams): InboxParams {
  const scope = search.get('scope');
  const tab: Tab = search.get('state') === 'done' ? 'done' : (oneOf(scope, ['available', 'reminded', 'mine'] as const) ?? 'mine');
  const offset = Number.parseInt(search.get('offset') ?? '0', 10);
  const day = (key: string) => {
    const v = search.get(key);
    return v && DAY.test(v) ? v : undefined;
  };
  return {
    tab,
    view: search.get('view') === 'unit' ? 'unit' : 'personal',
    timing: oneOf(search.get('timing'), ['on_time', 'overdue'] as const),
    q: search.get('q') ?? '',
    proc: search.get('proc') || undefined,
    unit: search.get('unit') || undefined,
    from: day('from'),
    to: day('to'),
    caseCode: search.get('case') || undefined,
    sort: oneOf(search.get('sort'), SORTS),
    order: oneOf(search.get('order'), ['asc', 'desc'] as const),
    period: oneOf(search.get('period'), PERIODS),
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
  };
}

/** The inbox URL of these parameters; the bucket comes first, so `{ tab: 'mine' }` is `/inbox?scope=mine`. */
export function inboxHref(p: Partial<InboxParams>): string {
  const tab = p.tab ?? 'mine';
  return withQuery('/inbox', {
    ...(tab === 'done' ? { state: 'done' } : { scope: tab }),
    view: p.view === 'unit' ? 'unit' : undefined,
    timing: p.timing,
    q: p.q,
    proc: p.proc,
    unit: p.unit,
    from: p.from,
    to: p.to,
    case: p.caseCode,
    sort: p.sort,
    order: p.order,
    period: p.period && p.period !== DEFAULT_PERIOD ? p.period : undefined,
    offset: p.offset || undefined,
  });
}

export function countFilters(p: InboxParams): TaskCountsQuery {
  return {
    view: p.view === 'unit' ? 'unit' : undefined,
    q: p.q || undefined,
    bpmnProcessId: p.proc,
    unit: p.unit,
    createdFrom: p.from,
    createdTo: p.to,
    caseCode: p.caseCode,
    finishedWithin: p.period && p.period !== DEFAULT_PERIOD ? p.period : undefined,
  };
}

export function listFilters(p: InboxParams): TaskListQuery {
  return { ...countFilters(p), bucket: BUCKET[p.tab], timing: p.timing, sort: p.sort, order: p.order, limit: PAGE_SIZE, offset: p.offset };
}

/** Drops undefined values so query keys stay stable. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

/** Whether the URL names a bucket (a link, a reload, the user's click) rather than the bare /inbox. */
export const namesTab = (search: URLSearchParams) => search.has('scope') || search.has('state');

const CHOSEN_TAB = 'eiso.inboxTab';

/** The bucket the user last picked by hand in this browser tab; the bare /inbox opens on it. */
export function chosenTab(): Tab | undefined {
  try {
    return oneOf(sessionStorage.getItem(CHOSEN_TAB), TABS);
  } catch {
    return undefined;
  }
}

export function rememberTab(tab: Tab): void {
  try {
    sessionStorage.setItem(CHOSEN_TAB, tab);
  } catch {
    // storage refused (private mode): the choice lasts as long as the URL
  }
}

/**
 * The bucket the bare /inbox opens on: the user's own work when they hold some, else the first bucket
 * (in tab order) that has tasks, else their own work.
 */
export function openingTab(counts: Record<'not_started' | 'in_progress' | 'reminded', { total: number }>): Tab {
  if (counts.in_progress.total > 0) return 'mine';
  if (counts.not_started.total > 0) return 'available';
  if (counts.reminded.total > 0) return 'reminded';
  return 'mine';
}
