import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { LanguageSwitch } from '../../components/Layout.js';
import { formatDateTime } from '../../lib/format.js';
import { Link, useLocation } from '../../lib/router.js';
import { isoMutations, publicComplaintQuery } from './api.js';
import './iso.css';
import { withQuery } from '../../api/query-string.js';

const KINDS = ['gop-y', 'phan-anh', 'khieu-nai'] as const;

/**
 * The citizen's feedback and complaint form, no sign-in: /gop-y (optionally ?ma=<dossier code>), and the
 * tracking page /gop-y/<code>?t=<key> with the status and the agency's answer. Made for a phone.
 */
export default function FeedbackPage({ code }: { code?: string }) {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  return (
    <div className="fb-public">
      <header className="fb-public-head">
        <strong>{tx('iso.public.title')}</strong>
        <LanguageSwitch />
      </header>
      <main className="fb-public-main" data-testid="feedback-page">
        {code ? <Tracking code={code} /> : <SendForm />}
      </main>
    </div>
  );
}

function SendForm() {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const { search } = useLocation();
  const send = useMutation(isoMutations.publicComplaint());
  const [f, setF] = useState({ kind: 'phan-anh', title: '', content: '', name: '', contact: '', dossierCode: search.get('ma') ?? '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate({
      kind: f.kind as (typeof KINDS)[number],
      title: f.title.trim(),
      content: f.content.trim(),
      name: f.name.trim(),
      ...(f.contact.trim() ? { contact: f.contact.trim() } : {}),
      ...(f.dossierCode.trim() ? { dossierCode: f.dossierCode.trim() } : {}),
    });
  };
  if (send.data) {
    const r = send.data;
    const path = withQuery(`/gop-y/${encodeURIComponent(r.code)}`, { t: r.trackingToken });
    return (
      <div className="fb-sent" role="status" data-testid="feedback-sent">
        <h1>{tx('iso.public.sentTitle')}</h1>
        <p className="fb-code">{tx('iso.public.sentCode', { code: r.code })}</p>
        <p>{tx('iso.public.keep')}</p>
        <p className="fb-link">
          <Link to={path}>{`${window.location.origin}${path}`}</Link>
        </p>
        <p>
          <Link to={path} className="button button-primary fb-big">
            {tx('iso.public.track')}
          </Link>
        </p>
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="fb-form" data-testid="feedback-form">
      <h1>{tx('iso.public.title')}</h1>
      <p className="muted">{tx('iso.public.intro')}</p>
      <fieldset className="fb-kinds">
        <legend>{tx('iso.public.kind')}</legend>
        {KINDS.map((k) => (
          <label key={k} className={f.kind === k ? 'fb-kind-on' : undefined}>
            <input type="radio" name="kind" value={k} checked={f.kind === k} onChange={set('kind')} />
            <span>{tx(`iso.kind.${k}`)}</span>
          </label>
        ))}
      </fieldset>
      <label>
        {tx('iso.public.name')}
        <input value={f.name} onChange={set('name')} required minLength={2} maxLength={200} autoComplete="name" />
      </label>
      <label>
        {tx('iso.public.contact')}
        <input value={f.contact} onChange={set('contact')} maxLength={200} inputMode="email" autoComplete="tel" />
      </label>
      <label>
        {tx('iso.public.dossier')}
        <input value={f.dossierCode} onChange={set('dossierCode')} maxLength={60} placeholder="000.00.00.H00-260101-0001" />
      </label>
      <label>
        {tx('iso.public.titleField')}
        <input value={f.title} onChange={set('title')} required minLength={5} maxLength={300} />
      </label>
      <label>
        {tx('iso.public.content')}
        <textarea value={f.content} onChange={set('content')} required minLength={5} maxLength={5000} rows={6} />
      </label>
      {send.isError && <Alert>{errorMessage(send.error)}</Alert>}
      <button type="submit" className="button button-primary fb-big" disabled={send.isPending}>
        {tx('iso.public.send')}
      </button>
    </form>
  );
}

function Tracking({ code }: { code: string }) {
  const { t } = useTranslation();
  const tx = t as unknown as (key: string, opts?: Record<string, unknown>) => string;
  const { search } = useLocation();
  const token = search.get('t') ?? '';
  const status = useQuery(publicComplaintQuery(code, token));
  const s = status.data;
  return (
    <article className="fb-track" data-testid="feedback-tracking">
      <h1>{tx('iso.public.lookupTitle')}</h1>
      {!token && <Alert>{tx('iso.public.noKey')}</Alert>}
      {status.isError && <Alert>{errorMessage(status.error)}</Alert>}
      {s && (
        <>
          <h2>
            {s.code}: {s.title}
          </h2>
          <dl className="fb-facts">
            <dt>{tx('iso.public.kind')}</dt>
            <dd>{s.kind ? tx(`iso.kind.${s.kind}`) : '—'}</dd>
            {s.dossierCode && (
              <>
                <dt>{tx('iso.public.dossier')}</dt>
                <dd>{s.dossierCode}</dd>
              </>
            )}
            <dt>{tx('iso.public.status')}</dt>
            <dd>
              <strong>{tx(`iso.complaintStatus.${s.status}`)}</strong>
            </dd>
            <dt>{tx('iso.public.receivedAt')}</dt>
            <dd>{formatDateTime(s.receivedAt)}</dd>
            {s.answeredAt && (
              <>
                <dt>{tx('iso.public.answeredAt')}</dt>
                <dd>{formatDateTime(s.answeredAt)}</dd>
              </>
            )}
            {s.upheld !== null && (
              <>
                <dt>{tx('iso.public.verdict')}</dt>
                <dd>{tx(s.upheld ? 'iso.public.upheldYes' : 'iso.public.upheldNo')}</dd>
              </>
            )}
          </dl>
          {s.answer ? (
            <section className="fb-answer">
              <h3>{tx('iso.public.answer')}</h3>
              <p>{s.answer}</p>
            </section>
          ) : (
            <p className="muted">{tx('iso.public.pending')}</p>
          )}
        </>
      )}
      <p>
        <Link to="/gop-y">{tx('iso.public.newOne')}</Link>
      </p>
    </article>
  );
}
