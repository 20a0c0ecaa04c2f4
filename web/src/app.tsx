import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { meQuery } from './api/queries.js';
import { homePath } from './lib/roles.js';
import { useTranslation } from 'react-i18next';
import { useToken } from './api/auth-store.js';
import { ApiError } from './api/request.js';
import { Layout } from './components/Layout.js';
import { flash } from './components/flash.js';
import { InboxPage } from './features/inbox/InboxPage.js';
import { LoginPage } from './features/auth/LoginPage.js';
import { PasswordPage } from './features/auth/PasswordPage.js';
import { TaskPage } from './features/task/TaskPage.js';
import { matchPath, navigate, useLocation } from './lib/router.js';
import { ProceduresPage } from './features/modeler/ProceduresPage.js';

// bpmn-js and form-js are large: the modeler pages load on first visit.
const ProcedureEditorPage = lazy(() => import('./features/modeler/ProcedureEditorPage.js'));
const ProcedureDiffPage = lazy(() => import('./features/modeler/ProcedureDiffPage.js'));
const AuditSearchPage = lazy(() => import('./features/audit/AuditSearchPage.js'));
const AuditVerifyPage = lazy(() => import('./features/audit/AuditVerifyPage.js'));
const AuditHeatmapPage = lazy(() => import('./features/audit/AuditHeatmapPage.js'));
const CaseTimelinePage = lazy(() => import('./features/audit/CaseTimelinePage.js'));
const CalendarPage = lazy(() => import('./features/calendar/CalendarPage.js'));
const IncidentsPage = lazy(() => import('./features/incidents/IncidentsPage.js'));
const LawChangePage = lazy(() => import('./features/legal/LawChangePage.js'));
const ProcessListPage = lazy(() => import('./features/processes/ProcessListPage.js'));
const StatsDashboardPage = lazy(() => import('./features/onestop-stats/StatsDashboardPage.js'));
const OverduePage = lazy(() => import('./features/onestop-stats/OverduePage.js'));
const PublicEvaluationPage = lazy(() => import('./features/onestop-stats/PublicEvaluationPage.js'));
const PublicResultsPage = lazy(() => import('./features/onestop-stats/PublicResultsPage.js'));
const DeskPage = lazy(() => import('./features/onestop/DeskPage.js'));
const DossierPage = lazy(() => import('./features/onestop/DossierPage.js'));
const CataloguePage = lazy(() => import('./features/onestop/CataloguePage.js'));
const SubmitPage = lazy(() => import('./features/onestop/PublicPages.js').then((m) => ({ default: m.SubmitPage })));
const LookupPage = lazy(() => import('./features/onestop/PublicPages.js').then((m) => ({ default: m.LookupPage })));
const IsoPage = lazy(() => import('./features/iso/IsoPage.js'));
const FeedbackPage = lazy(() => import('./features/iso/FeedbackPage.js'));

function LazyPage({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return <Suspense fallback={<p className="muted">{t('modeler.loading')}</p>}>{children}</Suspense>;
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (401, 403, 404) will not fix themselves; retry only outages.
        retry: (failures, error) => failures < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
        refetchOnWindowFocus: true,
      },
    },
  });
}

/** Replaces the URL after render (navigation during render is not allowed). */
function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Home: the start page of the signed-in user's roles (the inbox for those who handle tasks). */
function Home() {
  const me = useQuery(meQuery());
  return me.data ? <Redirect to={homePath(me.data.roles)} /> : null;
}

function NotFound() {
  const { t } = useTranslation();
  return <h1 className="empty">{t('errors.notFound')}</h1>;
}

function Routes() {
  const token = useToken();
  const { pathname, search } = useLocation();
  useEffect(() => flash.keepFor(pathname), [pathname]);

  // Public pages of the citizen (no sign-in): evaluation with the dossier's token, evaluation results.
  const evaluationMatch = matchPath('/danh-gia/:code', pathname);
  if (evaluationMatch?.code)
    return (
      <LazyPage>
        <PublicEvaluationPage code={evaluationMatch.code} token={search.get('t') ?? ''} />
      </LazyPage>
    );
  if (pathname === '/ket-qua-danh-gia')
    return (
      <LazyPage>
        <PublicResultsPage />
      </LazyPage>
    );
  // Complaints and feedback of citizens (no sign-in): the form, and tracking with the key.
  if (pathname === '/gop-y')
    return (
      <LazyPage>
        <FeedbackPage />
      </LazyPage>
    );
  const feedbackMatch = matchPath('/gop-y/:code', pathname);
  if (feedbackMatch?.code)
    return (
      <LazyPage>
        <FeedbackPage key={feedbackMatch.code} code={feedbackMatch.code} />
      </LazyPage>
    );
  // The citizen's pages need no login (one-stop: submission, lookup by code or QR, supplement).
  if (pathname === '/nop-ho-so')
    return (
      <LazyPage>
        <SubmitPage />
      </LazyPage>
    );
  if (pathname === '/tra-cuu')
    return (
      <LazyPage>
        <LookupPage />
      </LazyPage>
    );
  const lookupMatch = matchPath('/tra-cuu/:code', pathname) ?? matchPath('/bo-sung/:code', pathname);
  if (lookupMatch?.code)
    return (
      <LazyPage>
        <LookupPage key={lookupMatch.code} code={lookupMatch.code} />
      </LazyPage>
    );
  if (pathname === '/login') return token ? <Redirect to="/" /> : <LoginPage />;
  if (!token) return <Redirect to="/login" />;

  let page: ReactNode;
  const taskMatch = matchPath('/tasks/:id', pathname);
  if (pathname === '/') page = <Home />;
  else if (pathname === '/inbox') page = <InboxPage />;
  else if (pathname === '/doi-mat-khau') page = <PasswordPage />;
  else if (taskMatch?.id) page = <TaskPage key={taskMatch.id} id={taskMatch.id} />;
  else if (pathname === '/procedures') page = <ProceduresPage />;
  else if (matchPath('/procedures/:id/diff', pathname)?.id)
    page = (
      <LazyPage>
        <ProcedureDiffPage id={matchPath('/procedures/:id/diff', pathname)!.id} />
      </LazyPage>
    );
  else if (matchPath('/procedures/:id', pathname)?.id)
    page = (
      <LazyPage>
        <ProcedureEditorPage key={pathname} id={matchPath('/procedures/:id', pathname)!.id} />
      </LazyPage>
    );
  else if (pathname === '/audit')
    page = (
      <LazyPage>
        <AuditSearchPage />
      </LazyPage>
    );
  else if (pathname === '/audit/verify')
    page = (
      <LazyPage>
        <AuditVerifyPage />
      </LazyPage>
    );
  else if (pathname === '/audit/heatmap')
    page = (
      <LazyPage>
        <AuditHeatmapPage />
      </LazyPage>
    );
  else if (matchPath('/cases/:key', pathname)?.key)
    page = (
      <LazyPage>
        <CaseTimelinePage key={pathname} processInstanceKey={matchPath('/cases/:key', pathname)!.key} />
      </LazyPage>
    );
  else if (pathname === '/su-co')
    page = (
      <LazyPage>
        <IncidentsPage />
      </LazyPage>
    );
  else if (pathname === '/thay-doi-phap-luat')
    page = (
      <LazyPage>
        <LawChangePage />
      </LazyPage>
    );
  else if (pathname === '/calendar')
    page = (
      <LazyPage>
        <CalendarPage />
      </LazyPage>
    );
  else if (pathname === '/processes')
    page = (
      <LazyPage>
        <ProcessListPage />
      </LazyPage>
    );
  else if (pathname === '/onestop/stats')
    page = (
      <LazyPage>
        <StatsDashboardPage />
      </LazyPage>
    );
  else if (pathname === '/onestop/overdue')
    page = (
      <LazyPage>
        <OverduePage />
      </LazyPage>
    );
  else if (pathname === '/mot-cua')
    page = (
      <LazyPage>
        <DeskPage />
      </LazyPage>
    );
  else if (pathname === '/mot-cua/danh-muc')
    page = (
      <LazyPage>
        <CataloguePage />
      </LazyPage>
    );
  else if (matchPath('/mot-cua/ho-so/:id', pathname)?.id)
    page = (
      <LazyPage>
        <DossierPage key={pathname} id={matchPath('/mot-cua/ho-so/:id', pathname)!.id} />
      </LazyPage>
    );
  else if (pathname === '/iso')
    page = (
      <LazyPage>
        <IsoPage />
      </LazyPage>
    );
  else page = <NotFound />;
  return <Layout>{page}</Layout>;
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <Routes />
    </QueryClientProvider>
  );
}
