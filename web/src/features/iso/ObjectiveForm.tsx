import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { orgUnitsQuery } from '../../api/queries.js';
import { Alert } from '../../components/Alert.js';
import { isoMutations } from './api.js';

/** The metrics POST /api/iso/objectives measures (api/schemas/iso.ts `Metric`); the rates are percentages. */
export const OBJECTIVE_METRICS = [
  'on_time_rate',
  'onestop_on_time_rate',
  'online_rate',
  'satisfaction_rate',
  'nc_closed_rate',
  'complaints_upheld',
  'complaints_count',
  'overdue_open',
] as const;
const RATES = new Set<string>(['on_time_rate', 'onestop_on_time_rate', 'online_rate', 'satisfaction_rate', 'nc_closed_rate']);

type Field = 'unitCode' | 'title' | 'target' | 'year';
interface Draft {
  unitCode: string;
  title: string;
  metric: (typeof OBJECTIVE_METRICS)[number];
  direction: 'at_least' | 'at_most';
  target: string;
}

/** The checks the API makes (schema and route), said before the request in the user's language. */
function problems(d: Draft, year: number): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  if (!d.unitCode.trim()) out.unitCode = 'iso.objectives.form.unitRequired';
  else if (d.unitCode.trim().length > 50) out.unitCode = 'iso.objectives.form.unitTooLong';
  const title = d.title.trim();
  if (title.length < 3) out.title = 'iso.objectives.form.titleShort';
  else if (title.length > 300) out.title = 'iso.objectives.form.titleLong';
  const target = d.target.trim() === '' ? NaN : Number(d.target.replace(',', '.'));
  if (!Number.isFinite(target)) out.target = 'iso.objectives.form.targetNumber';
  else if (target < 0) out.target = 'iso.objectives.form.targetNegative';
  else if (RATES.has(d.metric) && target > 100) out.target = 'iso.objectives.form.targetRate';
  else if (target > 100000) out.target = 'iso.objectives.form.targetHuge';
  if (!Number.isInteger(year) || year < 2000 || year > 2100) out.year = 'iso.objectives.form.yearRange';
  return out;
}

/** Sets a quality objective of a unit for the year shown (leaders: their subtree; administrators: any unit). */
export function ObjectiveForm({ year }: { year: number }) {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const client = useQueryClient();
  const units = useQuery(orgUnitsQuery());
  const create = useMutation(isoMutations.createObjective(client));
  const [draft, setDraft] = useState<Draft>({ unitCode: '', title: '', metric: 'on_time_rate', direction: 'at_least', target: '' });
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const errs = tried ? problems(draft, year) : {};
  const set = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setDone(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(problems(draft, year)).length) return;
    const title = draft.title.trim();
    create.mutate(
      {
        unitCode: draft.unitCode.trim(),
        year,
        title,
        metric: draft.metric as never,
        direction: draft.direction,
        target: Number(draft.target.replace(',', '.')),
      },
      {
        onSuccess: () => {
          setDone(title);
          setTried(false);
          setDraft({ ...draft, title: '', target: '' });
        },
      },
    );
  };
  const error = (f: Field) =>
    errs[f] ? (
      <p className="field-error" id={`objective-${f}-error`} role="alert">
        {tx(errs[f])}
      </p>
    ) : null;
  const described = (f: Field) => (errs[f] ? { 'aria-invalid': true as const, 'aria-describedby': `objective-${f}-error` } : {});
  return (
    <form onSubmit={submit} className="iso-form" data-testid="objective-form" noValidate>
      <h2>{tx('iso.objectives.form.heading', { year })}</h2>
      <p className="muted">{tx('iso.objectives.form.hint')}</p>
      {error('year')}
      <label>
        {tx('iso.nc.unit')}
        <input
          value={draft.unitCode}
          onChange={(e) => set({ unitCode: e.target.value })}
          list="objective-units"
          autoComplete="off"
          {...described('unitCode')}
        />
      </label>
      <datalist id="objective-units">
        {(units.data?.items ?? []).map((u) => (
          <option key={u.code} value={u.code}>
            {u.name}
          </option>
        ))}
      </datalist>
      {error('unitCode')}
      <label>
        {tx('iso.objectives.form.title')}
        <input value={draft.title} onChange={(e) => set({ title: e.target.value })} maxLength={300} {...described('title')} />
      </label>
      {error('title')}
      <label>
        {tx('iso.objectives.form.metric')}
        <select value={draft.metric} onChange={(e) => set({ metric: e.target.value as Draft['metric'] })}>
          {OBJECTIVE_METRICS.map((m) => (
            <option key={m} value={m}>
              {tx(`iso.objectives.metric.${m}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {tx('iso.objectives.form.direction')}
        <select value={draft.direction} onChange={(e) => set({ direction: e.target.value as Draft['direction'] })}>
          <option value="at_least">{tx('iso.objectives.form.atLeast')}</option>
          <option value="at_most">{tx('iso.objectives.form.atMost')}</option>
        </select>
      </label>
      <label>
        {tx(RATES.has(draft.metric) ? 'iso.objectives.form.targetPct' : 'iso.objectives.form.targetCount')}
        <input value={draft.target} onChange={(e) => set({ target: e.target.value })} inputMode="decimal" {...described('target')} />
      </label>
      {error('target')}
      <button type="submit" className="button button-primary" disabled={create.isPending}>
        {tx('iso.objectives.form.submit')}
      </button>
      {create.isError && <Alert>{errorMessage(create.error)}</Alert>}
      {done && (
        <p role="status" className="iso-met">
          {tx('iso.objectives.form.created', { title: done })}
        </p>
      )}
    </form>
  );
}
