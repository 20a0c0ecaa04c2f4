import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TaskSort } from '../../../../api/schemas/tasks.js';
import { orgUnitsQuery, processDefinitionsQuery } from '../../api/queries.js';
import type { InboxParams } from './inbox-params.js';
import { DateInput } from '../../components/DateInput.js';

type FilterValues = Pick<InboxParams, 'q' | 'proc' | 'unit' | 'from' | 'to' | 'caseCode' | 'sort' | 'order'>;

/** Procedure, unit, period, case code, free text and sort; applied together, so one URL change. */
export function InboxFilters({ params, onApply }: { params: InboxParams; onApply: (next: FilterValues) => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState<FilterValues>({
    q: params.q,
    proc: params.proc,
    unit: params.unit,
    from: params.from,
    to: params.to,
    caseCode: params.caseCode,
    sort: params.sort,
    order: params.order,
  });
  const definitions = useQuery(processDefinitionsQuery());
  const units = useQuery(orgUnitsQuery());
  const procedures = [...new Map((definitions.data?.items ?? []).map((d) => [d.bpmnProcessId, d.name])).entries()].sort((a, b) =>
    a[1].localeCompare(b[1], 'vi'),
  );
  const set = (patch: Partial<FilterValues>) => setV((old) => ({ ...old, ...patch }));
  const text = (s: string) => s.trim() || undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onApply({ ...v, q: v.q.trim(), caseCode: text(v.caseCode ?? '') });
  };
  const clear = () => {
    const empty: FilterValues = { q: '' };
    setV(empty);
    onApply(empty);
  };
  const sorts: TaskSort[] = params.tab === 'done' ? ['completed', 'created', 'due', 'name'] : ['created', 'due', 'name'];

  return (
    <form className="inbox-filters" role="search" aria-label={t('inboxFilters.title')} onSubmit={submit}>
      <label className="filter filter-wide">
        <span>{t('inbox.search')}</span>
        <input
          type="search"
          placeholder={t('inbox.searchPlaceholder')}
          value={v.q}
          maxLength={200}
          onChange={(e) => set({ q: e.target.value })}
          data-testid="filter-q"
        />
      </label>
      <label className="filter">
        <span>{t('inboxFilters.caseCode')}</span>
        <input
          type="text"
          placeholder={t('inboxFilters.caseCodePlaceholder')}
          value={v.caseCode ?? ''}
          maxLength={100}
          onChange={(e) => set({ caseCode: e.target.value })}
          data-testid="filter-case"
        />
      </label>
      <label className="filter">
        <span>{t('inboxFilters.procedure')}</span>
        <select value={v.proc ?? ''} onChange={(e) => set({ proc: e.target.value || undefined })} data-testid="filter-procedure">
          <option value="">{t('inboxFilters.anyProcedure')}</option>
          {procedures.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {(units.data?.items.length ?? 0) > 1 && (
        <label className="filter">
          <span>{t('inboxFilters.unit')}</span>
          <select value={v.unit ?? ''} onChange={(e) => set({ unit: e.target.value || undefined })} data-testid="filter-unit">
            <option value="">{t('inboxFilters.anyUnit')}</option>
            {units.data!.items.map((u) => (
              <option key={u.code} value={u.code}>
                {`${'\u00a0\u00a0'.repeat(u.depth)}${u.name}`}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="filter filter-date">
        <span>{t('inboxFilters.from')}</span>
        <DateInput value={v.from ?? ''} onChange={(day) => set({ from: day || undefined })} data-testid="filter-from" />
      </label>
      <label className="filter filter-date">
        <span>{t('inboxFilters.to')}</span>
        <DateInput value={v.to ?? ''} onChange={(day) => set({ to: day || undefined })} data-testid="filter-to" />
      </label>
      <label className="filter">
        <span>{t('inboxFilters.sort')}</span>
        <select value={v.sort ?? ''} onChange={(e) => set({ sort: (e.target.value || undefined) as TaskSort | undefined })} data-testid="filter-sort">
          <option value="">{t(params.tab === 'done' ? 'inboxFilters.sortCompleted' : 'inboxFilters.sortCreated')}</option>
          {sorts.slice(1).map((s) => (
            <option key={s} value={s}>
              {t(`inboxFilters.sort${s[0].toUpperCase()}${s.slice(1)}` as 'inboxFilters.sortDue')}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>{t('inboxFilters.order')}</span>
        <select value={v.order ?? ''} onChange={(e) => set({ order: (e.target.value || undefined) as 'asc' | 'desc' | undefined })} data-testid="filter-order">
          <option value="">—</option>
          <option value="asc">{t('inboxFilters.asc')}</option>
          <option value="desc">{t('inboxFilters.desc')}</option>
        </select>
      </label>
      <div className="filter-actions">
        <button type="submit" className="button button-primary" data-testid="filter-apply">
          {t('inboxFilters.apply')}
        </button>
        <button type="button" className="button" onClick={clear}>
          {t('inboxFilters.clear')}
        </button>
      </div>
    </form>
  );
}
