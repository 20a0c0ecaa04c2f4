import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { authStore } from '../../api/auth-store.js';
import { endpoints } from '../../api/endpoints.js';
import { queryKeys } from '../../api/queries.js';
import { errorMessage, request } from '../../api/request.js';
import { Alert } from '../../components/Alert.js';
import { FlashMessage, LanguageSwitch } from '../../components/Layout.js';
import { flash } from '../../components/flash.js';
import { navigate } from '../../lib/router.js';
import { homePath } from '../../lib/roles.js';

export function LoginPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');

  const login = useMutation({
    mutationFn: () => request(endpoints.login({ username: username.trim(), password })),
    onSuccess: (reply) => {
      queryClient.clear();
      queryClient.setQueryData(queryKeys.me(), reply.user);
      authStore.setToken(reply.token);
      flash.clear();
      navigate(homePath(reply.user.roles), { replace: true });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  return (
    <div className="login-screen">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <main className="login-card">
        <p className="brand-name brand-large">{t('app.name')}</p>
        <p className="muted">{t('login.intro')}</p>
        <h1>{t('login.title')}</h1>
        <FlashMessage />
        {login.isError && <Alert>{errorMessage(login.error)}</Alert>}
        <form onSubmit={submit} className="stack">
          <label className="field">
            <span>{t('login.username')}</span>
            <input name="username" autoComplete="username" required autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
          </label>
          <label className="field">
            <span>{t('login.password')}</span>
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </label>
          <button type="submit" className="button button-primary" disabled={login.isPending}>
            {login.isPending ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
