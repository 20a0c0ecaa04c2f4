import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { LanguageSwitch } from '../../components/Layout.js';
import { Link, navigate, useLocation } from '../../lib/router.js';
import { eventKey, lookupQuery, onestopEndpoints, publicProceduresQuery } from './api.js';
import { formatTimeDate } from '../../lib/format.js';
import './onestop.css';
import { withQuery } from '../../api/query-string.js';

/** The citizen's frame: no login, phone-first. */
function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public-page">
      <header className="public-header">
        <strong>{t('onestop.public.title')}</strong>
        <nav>
          <Link to="/nop-ho-so">{t('onestop.public.submitTitle')}</Link> · <Link to="/tra-cuu">{t('onestop.public.lookupTitle')}</Link>
        </nav>
        <LanguageSwitch />
      </header>
      <main className="public-main">{children}</main>
    </div>
  );
}

/** Online submission: the procedure, the applicant, one file input per required document. */
export function SubmitPage() {
  const { t } = useTranslation();
  const procedures = useQuery(publicProceduresQuery());
  const [code, setCode] = useState('');
  const procedure = procedures.data?.items.find((p) => p.code === code);
  const submit = useMutation({ mutationFn: (form: FormData) => request(onestopEndpoints.submit(form)) });
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    submit.mutate(new FormData(e.currentTarget));
  };
  if (submit.data) {
    const link = submit.data.lookupUrl;
    return (
      <PublicFrame>
        <Alert kind="success">{t('onestop.public.submitted', { reference: submit.data.reference })}</Alert>
        <p>{t('onestop.public.keepLink')}</p>
        <p className="break">
          <a href={link}>{link}</a>
        </p>
      </PublicFrame>
    );
  }
  const mb = Math.round((procedures.data?.maxFileBytes ?? 0) / 1024 / 1024);
  return (
    <PublicFrame>
      <h1>{t('onestop.public.submitTitle')}</h1>
      <form className="onestop-form" onSubmit={onSubmit}>
        <label className="field">
          <span>{t('onestop.procedure')}</span>
          <select name="procedureCode" value={code} onChange={(e) => setCode(e.target.value)} required>
            <option value="">{t('onestop.chooseProcedure')}</option>
            {procedures.data?.items.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {procedure && procedure.agencies.length > 1 && (
          // Offered by several agencies (e.g. every commune): the citizen chooses the competent one.
          <label className="field">
            <span>{t('onestop.public.chooseAgency')}</span>
            <select name="agencyCode" required defaultValue="" key={procedure.code} data-testid="public-agency">
              <option value="">{t('onestop.public.chooseAgencyPlaceholder')}</option>
              {procedure.agencies.map((a) => (
                <option key={a.agencyCode} value={a.agencyCode}>
                  {a.agencyName} ({a.deskUnitName})
                </option>
              ))}
            </select>
          </label>
        )}
        {procedure && (
          <p className="muted">
            {procedure.agencies.length > 1 ? '' : `${procedure.agencyName} · `}
            {t(`onestop.timeLimit.${procedure.timeLimitUnit}`, { days: procedure.timeLimitDays })}
            {procedure.fees.length > 0 && ` · ${t('onestop.fees')}: ${procedure.fees.map((f) => `${f.name} ${f.amount.toLocaleString('vi-VN')} đ`).join('; ')}`}
          </p>
        )}
        <fieldset>
          <legend>{t('onestop.applicant')}</legend>
          <label className="field">
            <span>{t('onestop.applicantName')}</span>
            <input name="applicantName" required maxLength={200} autoComplete="name" />
          </label>
          <label className="field">
            <span>{t('onestop.idNumber')}</span>
            <input name="applicantIdNumber" inputMode="numeric" maxLength={20} />
          </label>
          <label className="field">
            <span>{t('onestop.phone')}</span>
            <input name="applicantPhone" type="tel" autoComplete="tel" maxLength={20} />
          </label>
          <label className="field">
            <span>{t('onestop.email')}</span>
            <input name="applicantEmail" type="email" autoComplete="email" maxLength={254} />
          </label>
          <label className="field">
            <span>{t('onestop.address')}</span>
            <input name="applicantAddress" autoComplete="street-address" maxLength={500} />
          </label>
        </fieldset>
        {procedure && (
          <fieldset>
            <legend>{t('onestop.public.requiredFiles', { mb })}</legend>
            {procedure.requiredDocuments.map((d) => (
              <label key={d.code} className="field">
                <span>
                  {d.name} <span className="muted">({d.mandatory ? t('onestop.mandatory') : t('onestop.optional')})</span>
                </span>
                <input
                  type="file"
                  name={`doc:${d.code}`}
                  required={d.mandatory}
                  accept={(procedures.data?.allowedExtensions ?? []).map((x) => `.${x}`).join(',')}
                />
              </label>
            ))}
          </fieldset>
        )}
        <label className="field">
          <span>{t('onestop.note')}</span>
          <textarea name="note" rows={2} maxLength={2000} />
        </label>
        {submit.isError && <Alert>{errorMessage(submit.error)}</Alert>}
        <button type="submit" className="button button-primary" disabled={!procedure || submit.isPending}>
          {submit.isPending ? t('onestop.public.submitting') : t('onestop.public.submit')}
        </button>
      </form>
    </PublicFrame>
  );
}

/** Lookup by code (and with the key of the QR code: the holder's view, supplement, withdrawal). */
export function LookupPage({ code }: { code?: string }) {
  const { t } = useTranslation();
  const { search } = useLocation();
  const token = search.get('t');
  const [typed, setTyped] = useState(code ?? '');
  return (
    <PublicFrame>
      <h1>{t('onestop.public.lookupTitle')}</h1>
      <form
        className="lookup-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) navigate(`/tra-cuu/${encodeURIComponent(typed.trim())}`);
        }}
      >
        <label className="field">
          <span>{t('onestop.code')}</span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="000.00.00.H00-260101-0001" required />
        </label>
        <p className="muted">{t('onestop.public.lookupHint')}</p>
        <button type="submit" className="button button-primary">
          {t('onestop.public.lookup')}
        </button>
      </form>
      {code && <LookupResult key={`${code}:${token ?? ''}`} code={code} token={token} />}
    </PublicFrame>
  );
}

/** The way to the evaluation, offered until the dossier is rated; then that it was. */
function EvaluateLink({ code, token, holder }: { code: string; token: string; holder: { canEvaluate: boolean; evaluated: boolean } }) {
  const { t } = useTranslation();
  if (holder.evaluated)
    return (
      <p className="muted" data-testid="evaluated">
        {t('onestop.public.evaluated')}
      </p>
    );
  if (!holder.canEvaluate) return null;
  return (
    <p>
      <a className="button" href={withQuery(`/danh-gia/${encodeURIComponent(code)}`, { t: token })}>
        {t('onestop.public.toEvaluate')}
      </a>
    </p>
  );
}

function LookupResult({ code, token }: { code: string; token: string | null }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const result = useQuery(lookupQuery(code, token));
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['public', 'dossier', code] });
  const supplement = useMutation({ mutationFn: (form: FormData) => request(onestopEndpoints.supplement(code, token!, form)), onSuccess: refresh });
  const [reason, setReason] = useState('');
  const withdraw = useMutation({ mutationFn: () => request(onestopEndpoints.publicWithdraw(code, token!, reason)), onSuccess: refresh });
  if (result.isError) return <Alert>{errorMessage(result.error)}</Alert>;
  const d = result.data;
  if (!d) return <p className="muted">{t('app.loading')}</p>;
  const h = d.holder;
  return (
    <article className="lookup-result" data-testid="lookup-result">
      <h2>{d.code ?? d.reference}</h2>
      {d.code && d.reference && <p className="muted">{t('onestop.public.referenceWas', { reference: d.reference })}</p>}
      {!d.code && <p className="muted">{t('onestop.noCodeYet')}</p>}
      <p className="onestop-status">
        <strong>{t(`onestop.statuses.${d.status}`)}</strong>
      </p>
      {d.delayed && (
        <Alert kind="info">
          <span data-testid="lookup-delayed">{t('onestop.public.delayed')}</span>
        </Alert>
      )}
      <table className="kv-table kv-table-text">
        <tbody>
          <tr>
            <th scope="row">{t('onestop.procedure')}</th>
            <td>{d.procedureName}</td>
          </tr>
          {h && (
            <tr>
              <th scope="row">{t('onestop.applicant')}</th>
              <td>{h.applicantName}</td>
            </tr>
          )}
          <tr>
            <th scope="row">{t('onestop.public.step')}</th>
            <td>{d.currentStep ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.currentUnit')}</th>
            <td>{d.currentUnitName ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.submittedAt')}</th>
            <td>{formatTimeDate(d.submittedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.receivedAt')}</th>
            <td>{formatTimeDate(d.receivedAt)}</td>
          </tr>
          <tr>
            <th scope="row">{t('onestop.appointmentAt')}</th>
            <td>{formatTimeDate(d.appointmentAt)}</td>
          </tr>
          {d.returnedAt && (
            <tr>
              <th scope="row">{t('onestop.returnedAt')}</th>
              <td>{formatTimeDate(d.returnedAt)}</td>
            </tr>
          )}
        </tbody>
      </table>
      {h?.statusReason && (
        <p className="muted">
          {t('onestop.reason')}: {h.statusReason}
        </p>
      )}
      <p>
        <Link to={withQuery('/gop-y', d.code ? { ma: d.code } : {})}>{t('iso.public.aboutDossier')}</Link>
      </p>
      <h3>{t('onestop.events')}</h3>
      <ol className="onestop-events">
        {(h?.events ?? d.events).map((e, i) => (
          <li key={i}>
            <time>{formatTimeDate(e.at)}</time> —{' '}
            {t(`onestop.eventTypes.${eventKey(e.type)}` as 'onestop.eventTypes.dossier_submitted', { defaultValue: e.type })}
            {'note' in e && typeof e.note === 'string' && e.note ? <div className="muted">{e.note}</div> : null}
          </li>
        ))}
      </ol>
      {h?.canSupplement && h.supplement && (
        <form
          className="onestop-form"
          onSubmit={(e) => {
            e.preventDefault();
            supplement.mutate(new FormData(e.currentTarget));
          }}
        >
          <h3>{t('onestop.public.supplementTitle')}</h3>
          <p>{h.supplement.reason}</p>
          {h.requiredDocuments.map((r) => (
            <label key={r.code} className="field">
              <span>{r.name}</span>
              <input type="file" name={`doc:${r.code}`} />
            </label>
          ))}
          <label className="field">
            <span>{t('onestop.public.otherFile')}</span>
            <input type="file" name="other" />
          </label>
          <label className="field">
            <span>{t('onestop.public.supplementNote')}</span>
            <textarea name="note" rows={2} maxLength={2000} />
          </label>
          {supplement.isError && <Alert>{errorMessage(supplement.error)}</Alert>}
          {supplement.isSuccess && <Alert kind="success">{t('onestop.public.supplementSent')}</Alert>}
          <button type="submit" className="button button-primary" disabled={supplement.isPending}>
            {t('onestop.public.supplementSend')}
          </button>
        </form>
      )}
      {/* returned: the link while it may be rated, then the note that it was */}
      {h && token && d.code && <EvaluateLink code={d.code} token={token} holder={h} />}
      {h && h.notices.length > 0 && (
        <>
          <h3>{t('onestop.public.notices')}</h3>
          <ul className="notices">
            {h.notices.map((n, i) => (
              <li key={i}>
                <strong>{n.subject}</strong>{' '}
                <span className="muted">
                  {formatTimeDate(n.at)}
                  {n.emailed ? ` · ${t('onestop.public.emailed')}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
      {h?.canWithdraw && (
        <form
          className="onestop-form"
          onSubmit={(e) => {
            e.preventDefault();
            withdraw.mutate();
          }}
        >
          <h3>{t('onestop.public.withdrawTitle')}</h3>
          <label className="field">
            <span>{t('onestop.reason')}</span>
            <textarea required value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
          </label>
          {withdraw.isError && <Alert>{errorMessage(withdraw.error)}</Alert>}
          {withdraw.isSuccess && <Alert kind="success">{t('onestop.public.withdrawSent')}</Alert>}
          <button type="submit" className="button" disabled={withdraw.isPending}>
            {t('onestop.public.withdrawSend')}
          </button>
        </form>
      )}
    </article>
  );
}
