import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReceiveBody } from '../../../../api/schemas/onestop.js';
import { meQuery } from '../../api/queries.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { dossiersQuery, onestopEndpoints, onestopKeys, proceduresQuery, type Procedure } from './api.js';
import { formatTimeDate } from '../../lib/format.js';
import './onestop.css';

type Tab = 'receive' | 'queue' | 'all';

/** The one-stop desk: receive in person, the queue of online submissions, every dossier in scope. */
export default function DeskPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const me = useQuery(meQuery());
  const tab = (['receive', 'queue', 'all'].includes(search.get('tab') ?? '') ? search.get('tab') : 'receive') as Tab;
  return (
    <section className="onestop">
      <h1>{t('onestop.deskTitle')}</h1>
      <nav className="onestop-tabs" aria-label={t('onestop.deskTitle')}>
        {(['receive', 'queue', 'all'] as const).map((x) => (
          <Link key={x} to={withQuery('/mot-cua', { tab: x })} aria-current={tab === x ? 'page' : undefined}>
            {t(x === 'receive' ? 'onestop.tabReceive' : x === 'queue' ? 'onestop.tabQueue' : 'onestop.tabAll')}
          </Link>
        ))}
        {me.data?.roles.includes('admin') && <Link to="/mot-cua/danh-muc">{t('onestop.tabCatalogue')}</Link>}
      </nav>
      {tab === 'receive' && <ReceiveForm />}
      {tab === 'queue' && <DossierTable queue />}
      {tab === 'all' && <DossierTable />}
    </section>
  );
}

function ReceiveForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const procedures = useQuery(proceduresQuery());
  const [code, setCode] = useState('');
  const [applicant, setApplicant] = useState({ name: '', idNumber: '', phone: '', email: '', address: '' });
  const [copies, setCopies] = useState<Record<string, number>>({});
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const [note, setNote] = useState('');
  const procedure: Procedure | undefined = procedures.data?.items.find((p) => p.code === code);

  const receive = useMutation({
    mutationFn: (body: ReceiveBody) => request(onestopEndpoints.receive(body)),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: onestopKeys.all() });
      flash.show({ kind: 'success', text: t('onestop.accepted', { code: d.code }), path: `/mot-cua/ho-so/${d.id}` });
      navigate(`/mot-cua/ho-so/${d.id}`);
    },
  });

  const choose = (c: string) => {
    setCode(c);
    const p = procedures.data?.items.find((x) => x.code === c);
    setCopies(Object.fromEntries((p?.requiredDocuments ?? []).map((d) => [d.code, d.copies])));
    setTicked({});
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!procedure) return;
    const clean = Object.fromEntries(Object.entries(applicant).filter(([, v]) => v.trim() !== '')) as ReceiveBody['applicant'];
    receive.mutate({
      procedureCode: procedure.code,
      applicant: { ...clean, name: applicant.name },
      documents: procedure.requiredDocuments.filter((d) => ticked[d.code]).map((d) => ({ code: d.code, copies: copies[d.code] ?? d.copies })),
      ...(note.trim() ? { note } : {}),
    });
  };
  const field = (key: keyof typeof applicant, label: string, type = 'text', required = false) => (
    <label className="field">
      <span>{label}</span>
      <input type={type} value={applicant[key]} required={required} onChange={(e) => setApplicant({ ...applicant, [key]: e.target.value })} />
    </label>
  );

  return (
    <form className="onestop-form" onSubmit={submit} aria-label={t('onestop.tabReceive')}>
      <label className="field">
        <span>{t('onestop.procedure')}</span>
        <select value={code} onChange={(e) => choose(e.target.value)} required>
          <option value="">{t('onestop.chooseProcedure')}</option>
          {procedures.data?.items.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name} ({p.code})
            </option>
          ))}
        </select>
      </label>
      {procedure && (
        <p className="muted">
          {t(`onestop.timeLimit.${procedure.timeLimitUnit ?? 'working_days'}`, { days: procedure.timeLimitDays })} · {procedure.agencyName}
        </p>
      )}
      <fieldset>
        <legend>{t('onestop.applicant')}</legend>
        {field('name', t('onestop.applicantName'), 'text', true)}
        {field('idNumber', t('onestop.idNumber'))}
        {field('phone', t('onestop.phone'), 'tel')}
        {field('email', t('onestop.email'), 'email')}
        {field('address', t('onestop.address'))}
      </fieldset>
      {procedure && (
        <fieldset data-testid="onestop-checklist">
          <legend>{t('onestop.checklist')}</legend>
          {procedure.requiredDocuments.map((d) => (
            <div key={d.code} className="checklist-row">
              <label>
                <input type="checkbox" checked={Boolean(ticked[d.code])} onChange={(e) => setTicked({ ...ticked, [d.code]: e.target.checked })} /> {d.name}{' '}
                <span className="muted">
                  ({d.mandatory ? t('onestop.mandatory') : t('onestop.optional')}; {t('onestop.copiesRequired', { n: d.copies })})
                </span>
              </label>
              <label className="copies">
                <span>{t('onestop.copies')}</span>
                <input
                  type="number"
                  min={1}
                  max={100}
                  value={copies[d.code] ?? d.copies}
                  aria-label={`${t('onestop.copies')}: ${d.name}`}
                  onChange={(e) => setCopies({ ...copies, [d.code]: Number(e.target.value) })}
                />
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <label className="field">
        <span>{t('onestop.note')}</span>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} />
      </label>
      {receive.isError && <Alert>{errorMessage(receive.error)}</Alert>}
      <button type="submit" className="button button-primary" disabled={!procedure || receive.isPending}>
        {receive.isPending ? t('onestop.receiving') : t('onestop.receive')}
      </button>
    </form>
  );
}

function DossierTable({ queue = false }: { queue?: boolean }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const list = useQuery({ ...dossiersQuery({ queue, q: q || undefined, limit: 100 }), refetchInterval: queue ? 10_000 : false });
  if (list.isError) return <Alert>{errorMessage(list.error)}</Alert>;
  return (
    <div>
      {!queue && (
        <input
          className="onestop-search"
          type="search"
          placeholder={t('onestop.search')}
          aria-label={t('onestop.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      )}
      {list.data && list.data.items.length === 0 ? (
        <p className="empty">{queue ? t('onestop.emptyQueue') : t('onestop.emptyList')}</p>
      ) : (
        <table className="task-table" data-testid={queue ? 'onestop-queue' : 'onestop-list'}>
          <thead>
            <tr>
              <th>{t('onestop.code')}</th>
              <th>{t('onestop.procedure')}</th>
              <th>{t('onestop.applicantName')}</th>
              <th>{t('onestop.status')}</th>
              <th>{queue ? t('onestop.submittedAt') : t('onestop.appointmentAt')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code}</Link>
                </td>
                <td>{d.procedureName}</td>
                <td>{d.applicantName}</td>
                <td>{t(`onestop.statuses.${d.status}`)}</td>
                <td>{formatTimeDate(queue ? d.submittedAt : d.appointmentAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
