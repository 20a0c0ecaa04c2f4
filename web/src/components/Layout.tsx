import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { authStore } from '../api/auth-store.js';
import { meQuery } from '../api/queries.js';
import { endpoints } from '../api/endpoints.js';
import { request } from '../api/request.js';
import { LANGUAGES, setLanguage, currentLanguage } from '../i18n/index.js';
import { Link, navigate } from '../lib/router.js';
import { homePath, mayAudit, mayUseTasks } from '../lib/roles.js';
import { Alert } from './Alert.js';
import { flash, useFlash } from './flash.js';
import { NotificationBell } from '../features/notifications/NotificationBell.js';
import { DemoBanner } from './DemoBanner.js';

export function LanguageSwitch() {
  const { t } = useTranslation();
  const active = currentLanguage();
  return (
    <div className="lang-switch" role="group" aria-label={t('header.language')}>
      {LANGUAGES.map((lng) => (
        <button key={lng} type="button" lang={lng} title={t(`lang.${lng}`)} aria-pressed={active === lng} onClick={() => setLanguage(lng)}>
          {lng.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

export function FlashMessage() {
  const { t } = useTranslation();
  const message = useFlash();
  if (!message) return null;
  return (
    <Alert kind={message.kind} onDismiss={() => flash.clear()} dismissLabel={t('errors.dismiss')}>
      {message.text}
    </Alert>
  );
}

/** The signed-in frame: header with product, user and unit, language switch and sign-out. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const me = useQuery(meQuery());

  const logout = async () => {
    // The server revokes the token (and ends the live streams); the page forgets it either way.
    await request(endpoints.logout()).catch(() => undefined);
    authStore.setToken(null);
    queryClient.clear();
    flash.clear();
    navigate('/login');
  };

  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <Link to={me.data ? homePath(me.data.roles) : '/'} className="brand-name">
            {t('app.name')}
          </Link>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <nav aria-label={t('header.mainNav')} className="main-nav">
          {mayUseTasks(me.data?.roles) && <Link to="/inbox">{t('header.inbox')}</Link>}
          <Link to="/procedures">{t('header.procedures')}</Link>
          {me.data?.roles.some((r) => r === 'designer' || r === 'admin') && <Link to="/processes">{t('processes.nav')}</Link>}
          {mayAudit(me.data?.roles) && <Link to="/audit">{t('audit.nav')}</Link>}
          {me.data?.roles.includes('admin') && <Link to="/calendar">{t('calendar.nav')}</Link>}
          {me.data?.roles.includes('admin') && <Link to="/thay-doi-phap-luat">{t('legal.nav')}</Link>}
          {me.data?.roles.some((r) => r === 'leader' || r === 'admin') && <Link to="/su-co">{t('incidents.nav')}</Link>}
          {me.data?.roles.some((r) => r === 'leader' || r === 'admin') && <Link to="/onestop/stats">{t('onestopStats.nav')}</Link>}
          {me.data?.roles.includes('officer') && !me.data.roles.includes('leader') && <Link to="/onestop/overdue">{t('onestopStats.overdueNav')}</Link>}
          {me.data?.roles.some((r) => r === 'officer' || r === 'leader' || r === 'admin') && <Link to="/mot-cua">{t('onestop.nav')}</Link>}
          <Link to="/iso">{t('iso.nav')}</Link>
        </nav>
        <div className="header-tools">
          {me.data && (
            <div className="current-user" data-testid="current-user">
              <span className="user-name">{me.data.fullName}</span>
              <span className="user-unit">{me.data.unit.name}</span>
            </div>
          )}
          <NotificationBell />
          <LanguageSwitch />
          <Link to="/doi-mat-khau" className="button button-quiet" data-testid="change-password-link">
            {t('header.changePassword')}
          </Link>
          <button type="button" className="button button-quiet" data-testid="logout" onClick={() => void logout()}>
            {t('header.logout')}
          </button>
        </div>
      </header>
      <main className="app-main">
        <DemoBanner />
        <FlashMessage />
        {children}
      </main>
    </div>
  );
}
