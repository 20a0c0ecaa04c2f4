import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { authStore } from '../../api/auth-store.js';
import { endpoints } from '../../api/endpoints.js';
import { queryKeys } from '../../api/queries.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { navigate } from '../../lib/router.js';

/** Change my password: the current one, the new one twice. The server ends every other session. */
export function PasswordPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const mismatch = again !== '' && next !== again;

  const change = useMutation({
    mutationFn: () => request(endpoints.changePassword({ currentPassword: current, newPassword: next })),
    onSuccess: (reply) => {
      // The old token no longer works: carry on with the new one.
      authStore.setToken(reply.token);
      queryClient.setQueryData(queryKeys.me(), reply.user);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    },
  });

  // Sign-out moves the account's token_version: every token (this browser's and any other device's) stops working.
  const everywhere = useMutation({
    mutationFn: () => request(endpoints.logout()),
    onSuccess: () => {
      authStore.setToken(null);
      queryClient.clear();
      navigate('/login');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    setDone(false);
    change.mutate();
  };

  return (
    <section className="stack narrow" aria-labelledby="password-title">
      <h1 id="password-title">{t('account.passwordTitle')}</h1>
      <p className="muted">{t('account.passwordIntro')}</p>
      {done && <Alert kind="success">{t('account.changed')}</Alert>}
      {change.isError && <Alert>{errorMessage(change.error)}</Alert>}
      <form onSubmit={submit} className="stack" data-testid="password-form">
        <label className="field">
          <span>{t('account.currentPassword')}</span>
          <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          <span>{t('account.newPassword')}</span>
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <label className="field">
          <span>{t('account.confirmPassword')}</span>
          <input
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
            aria-invalid={mismatch}
          />
        </label>
        {mismatch && (
          <p className="field-error" role="alert">
            {t('account.mismatch')}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={change.isPending || mismatch}>
          {change.isPending ? t('account.submitting') : t('account.submit')}
        </button>
      </form>
      <h2 id="everywhere-title">{t('account.everywhereTitle')}</h2>
      <p className="muted">{t('account.everywhereIntro')}</p>
      {everywhere.isError && <Alert>{errorMessage(everywhere.error)}</Alert>}
      <div>
        <button type="button" className="button" data-testid="sign-out-everywhere" disabled={everywhere.isPending} onClick={() => everywhere.mutate()}>
          {t('account.everywhere')}
        </button>
      </div>
    </section>
  );
}
