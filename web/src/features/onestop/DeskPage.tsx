import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReceiveBody } from '../../../../api/schemas/onestop.js';
import { meQuery } from '../../api/queries.js';
import { ApiError, errorMessage, request, requestBlob } from '../../api/request.js';
import { openFile, saveFile } from '../../lib/download.js';
import { Alert } from '../../components/Alert.js';
import { flash } from '../../components/flash.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { withQuery } from '../../api/query-string.js';
import { dossiersQuery, onestopEndpoints, onestopKeys, proceduresQuery, type Procedure } from './api.js';
import { formatTimeDate } from '../../lib/format.js';
import './onestop.css';

type Tab = 'receive' | 'queue' | 'all' | 'register';
const TABS = ['receive', 'queue', 'all', 'register'] as const;
const TAB_LABELS = { receive: 'onestop.tabReceive', queue: 'onestop.tabQueue', all: 'onestop.tabAll', register: 'onestop.tabRegister' } as const;

/** The one-stop desk: receive in person, the queue of online submissions, every dossier in scope. */
export default function DeskPage() {
  const { t } = useTranslation();
  const { search } = useLocation();
  const me = useQuery(meQuery());
  const tab = ((TABS as readonly string[]).includes(search.get('tab') ?? '') ? search.get('tab') : 'receive') as Tab;
  return (
    <section className="onestop">
      <h1>{t('onestop.deskTitle')}</h1>
      <nav className="onestop-tabs" aria-label={t('onestop.deskTitle')}>
        {TABS.map((x) => (
          <Link key={x} to={withQuery('/mot-cua', { tab: x })} aria-current={tab === x ? 'page' : undefined}>
            {t(TAB_LABELS[x])}
          </Link>
        ))}
        {me.data?.roles.includes('admin') && <Link to="/mot-cua/danh-muc">{t('onestop.tabCatalogue')}</Link>}
      </nav>
      {tab === 'receive' && <ReceiveForm />}
      {tab === 'queue' && <DossierTable queue />}
      {tab === 'all' && <DossierTable />}
      {tab === 'register' && <RegisterForm unitCode={me.data?.unit.code ?? ''} />}
    </section>
  );
}

function ReceiveForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const procedures = useQuery(proceduresQuery());
  const [code, setCode] = useState('');
  // The competent agency (NĐ 118/2025: any desk of the province receives for any of them); '' = the first.
  const [agency, setAgency] = useState('');
  const [applicant, setApplicant] = useState({ name: '', idNumber: '', phone: '', email: '', address: '' });
  const [copies, setCopies] = useState<Record<string, number>>({});
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const [scans, setScans] = useState<Record<string, File>>({});
  const [note, setNote] = useState('');
  const [refusing, setRefusing] = useState(false);
  const [refusalReason, setRefusalReason] = useState('');
  const procedure: Procedure | undefined = procedures.data?.items.find((p) => p.code === code);
  const cleanApplicant = () =>
    ({ ...Object.fromEntries(Object.entries(applicant).filter(([, v]) => v.trim() !== '')), name: applicant.name }) as ReceiveBody['applicant'];
  const printReceptionForm = async (id: string) => openFile(await requestBlob(onestopEndpoints.receptionFormPdf(id)));
  const refuse = useMutation({
    mutationFn: () =>
      request(
        onestopEndpoints.issueReceptionForm({
          form: '03',
          procedureCode: procedure!.code,
          ...(agency ? { agencyCode: agency } : {}),
          applicant: cleanApplicant(),
          reason: refusalReason,
        }),
      ),
    onSuccess: () => setRefusing(false),
  });

  const receive = useMutation({
    mutationFn: (body: ReceiveBody) => request(onestopEndpoints.receive(body, scans)),
    onSuccess: (d) => {
      void queryClient.invalidateQueries({ queryKey: onestopKeys.all() });
      flash.show({ kind: 'success', text: t('onestop.accepted', { code: d.code ?? d.reference }), path: `/mot-cua/ho-so/${d.id}` });
      navigate(`/mot-cua/ho-so/${d.id}`);
    },
  });

  // An incomplete dossier is answered 400 with the completion request (Mẫu 02) the server recorded.
  const completionFormId =
    receive.error instanceof ApiError && receive.error.body?.code === 'DOSSIER_INCOMPLETE' ? receive.error.body.params?.formId : undefined;
  const choose = (c: string) => {
    setCode(c);
    setAgency('');
    const p = procedures.data?.items.find((x) => x.code === c);
    setCopies(Object.fromEntries((p?.requiredDocuments ?? []).map((d) => [d.code, d.copies])));
    setTicked({});
    setScans({});
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!procedure) return;
    receive.mutate({
      procedureCode: procedure.code,
      ...(agency ? { agencyCode: agency } : {}),
      applicant: cleanApplicant(),
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
      {procedure && (procedure.agencies?.length ?? 0) > 1 && (
        <label className="field">
          <span>{t('onestop.competentAgency')}</span>
          <select value={agency || procedure.agencies[0].agencyCode} onChange={(e) => setAgency(e.target.value)} data-testid="onestop-agency">
            {procedure.agencies.map((a) => (
              <option key={a.agencyCode} value={a.agencyCode}>
                {a.agencyName}
              </option>
            ))}
          </select>
          <small className="muted">{t('onestop.anyDeskHint')}</small>
        </label>
      )}
      {procedure && (
        <p className="muted">
          {t(`onestop.timeLimit.${procedure.timeLimitUnit ?? 'working_days'}`, { days: procedure.timeLimitDays })} ·{' '}
          {procedure.agencies?.find((a) => a.agencyCode === agency)?.agencyName ?? procedure.agencyName}
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
              {d.scanExempt ? (
                <span className="muted">{t('onestop.scanExempt', { reason: t(`onestop.scanExemptReasons.${d.scanExempt}`) })}</span>
              ) : (
                <label className="scan">
                  <span>{t('onestop.scanOf')}</span>
                  <input
                    type="file"
                    accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
                    aria-label={`${t('onestop.scanOf')}: ${d.name}`}
                    data-testid={`scan-${d.code}`}
                    onChange={(e) => {
                      const file = e.target.files?.[0];
                      const next = { ...scans };
                      if (file) next[d.code] = file;
                      else delete next[d.code];
                      setScans(next);
                    }}
                  />
                </label>
              )}
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
      {completionFormId !== undefined && (
        <p role="status">
          {t('onestop.completionIssued')}{' '}
          <button type="button" className="button" data-testid="print-form-02" onClick={() => void printReceptionForm(String(completionFormId))}>
            {t('onestop.forms.f02')}
          </button>
        </p>
      )}
      <div className="onestop-actions">
        <button type="submit" className="button button-primary" disabled={!procedure || receive.isPending}>
          {receive.isPending ? t('onestop.receiving') : t('onestop.receive')}
        </button>
        <button type="button" className="button" disabled={!procedure || !applicant.name.trim()} onClick={() => setRefusing(true)}>
          {t('onestop.refuseInPerson')}
        </button>
      </div>
      {refusing && (
        <fieldset>
          <legend>{t('onestop.refuseInPerson')}</legend>
          <label className="field">
            <span>{t('onestop.refusalReason')}</span>
            <textarea value={refusalReason} onChange={(e) => setRefusalReason(e.target.value)} rows={3} />
          </label>
          {refuse.isError && <Alert>{errorMessage(refuse.error)}</Alert>}
          <button type="button" className="button button-primary" disabled={!refusalReason.trim() || refuse.isPending} onClick={() => refuse.mutate()}>
            {t('onestop.confirm')}
          </button>{' '}
          <button type="button" className="button button-quiet" onClick={() => setRefusing(false)}>
            {t('onestop.cancel')}
          </button>
        </fieldset>
      )}
      {refuse.data && (
        <p role="status">
          {t('onestop.refusalIssued')}{' '}
          <button type="button" className="button" data-testid="print-form-03" onClick={() => void printReceptionForm(refuse.data.id)}>
            {t('onestop.forms.f03')}
          </button>
        </p>
      )}
    </form>
  );
}

function DossierTable({ queue = false }: { queue?: boolean }) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  // What this desk received, whichever agency resolves it (reception regardless of administrative boundary).
  const [receivedHere, setReceivedHere] = useState(false);
  const list = useQuery({
    ...dossiersQuery({ queue, q: q || undefined, limit: 100, ...(receivedHere ? { received: true } : {}) }),
    refetchInterval: queue ? 10_000 : false,
  });
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
      {!queue && (
        <label className="onestop-received-filter">
          <input type="checkbox" checked={receivedHere} onChange={(e) => setReceivedHere(e.target.checked)} data-testid="onestop-received-here" />{' '}
          {t('onestop.receivedHere')}
        </label>
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
                  <Link to={`/mot-cua/ho-so/${d.id}`}>{d.code ?? d.reference}</Link>
                  {!d.code && <div className="muted">{t('onestop.noCodeYet')}</div>}
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

/** Sổ theo dõi hồ sơ (Mẫu 07): a unit's register over a period of receipt, as PDF or Excel. */
function RegisterForm({ unitCode }: { unitCode: string }) {
  const { t } = useTranslation();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
  const [unit, setUnit] = useState('');
  const [from, setFrom] = useState(`${today.slice(0, 8)}01`);
  const [to, setTo] = useState(today);
  const [error, setError] = useState<unknown>(null);
  const get = async (format: 'pdf' | 'xlsx') => {
    setError(null);
    try {
      const blob = await requestBlob(onestopEndpoints.register({ unit: unit || unitCode, from, to, format }));
      if (format === 'pdf') openFile(blob);
      else saveFile(blob, `so-theo-doi-ho-so-${unit || unitCode}-${from}-${to}.xlsx`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="onestop-form" aria-label={t('onestop.registerTitle')} onSubmit={(e) => e.preventDefault()}>
      <h2>{t('onestop.registerTitle')}</h2>
      <label className="field">
        <span>{t('onestop.registerUnit')}</span>
        <input value={unit || unitCode} onChange={(e) => setUnit(e.target.value)} maxLength={50} />
      </label>
      <label className="field">
        <span>{t('onestop.registerFrom')}</span>
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label className="field">
        <span>{t('onestop.registerTo')}</span>
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      {error !== null && <Alert>{errorMessage(error)}</Alert>}
      <div className="onestop-actions">
        <button type="button" className="button" data-testid="register-pdf" onClick={() => void get('pdf')}>
          {t('onestop.registerPdf')}
        </button>
        <button type="button" className="button" data-testid="register-xlsx" onClick={() => void get('xlsx')}>
          {t('onestop.registerExcel')}
        </button>
      </div>
    </form>
  );
}
