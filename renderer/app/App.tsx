import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { connection } from '../api/client';
import type { ConnectionState } from '../api/ws-transport';
import { navigate, routeHref, useRoute, type Route } from './router';
import { shortcuts, useShortcut } from './shortcuts';
import { QueuePage } from '../features/queue/QueuePage';
import { CallLogPage } from '../features/call-log/CallLogPage';
import { TicketPage } from '../features/ticket/TicketPage';
import { RemotePage } from '../features/remote/RemotePage';
import { ToolsPage } from '../features/tools/ToolsPage';
import { SettingsPage } from '../features/settings/SettingsPage';
import { SeatsPage } from '../features/seats/SeatsPage';
import { PermanencePage } from '../features/loans/PermanencePage';
import { SyncStatus } from '../features/sync/SyncStatus';
import { IncidentRegisterPage } from '../features/incidents/IncidentRegisterPage';

// Loaded on first visit: the charts library stays out of the bundle the hotline starts with.
const DashboardPage = lazy(() => import('../features/dashboard/DashboardPage'));
import { ShortcutHelp } from './ShortcutHelp';
import { FirstRun } from './FirstRun';
import { BackgroundFailure } from '../components/background-failure';

const NAV: { page: Route['page']; key: string; hint?: string }[] = [
  { page: 'queue', key: 'nav.queue', hint: shortcuts.queue.label },
  { page: 'call', key: 'nav.call', hint: shortcuts.newCall.label },
  { page: 'dashboard', key: 'nav.dashboard' },
  { page: 'remote', key: 'nav.remote' },
  { page: 'tools', key: 'nav.tools' },
  { page: 'incidents', key: 'incidents:nav' },
  { page: 'seats', key: 'nav.seats' },
  { page: 'loans', key: 'loans:nav' },
  { page: 'settings', key: 'nav.settings' },
];

export function App() {
  const { t } = useTranslation('common');
  const route = useRoute();
  useShortcut(shortcuts.newCall, () => navigate({ page: 'call' }));
  useShortcut(shortcuts.queue, () => navigate({ page: 'queue' }));

  return (
    <div className="shell">
      <a className="skip-link" href="#main">{t('skipToContent')}</a>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <div className="brand" aria-hidden="true">Relais</div>
        <ul>
          {NAV.map((item) => (
            <li key={item.page}>
              <a
                href={routeHref({ page: item.page } as Route)}
                aria-current={route.page === item.page || (item.page === 'queue' && route.page === 'ticket') ? 'page' : undefined}
                data-testid={`nav-${item.page}`}
              >
                <span>{t(item.key)}</span>
                {item.hint && <kbd aria-hidden="true">{item.hint}</kbd>}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        <FirstRun />
        <Page route={route} />
      </main>
      <StatusBar />
      <ShortcutHelp />
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'queue':
      return <QueuePage />;
    case 'call':
      return <CallLogPage key={route.id ?? ''} draftId={route.id ?? null} />;
    case 'ticket':
      return <TicketPage id={route.id} />;
    case 'remote':
      return <RemotePage id={route.id} />;
    case 'tools':
      return <ToolsPage />;
    case 'seats':
      return <SeatsPage />;
    case 'loans':
      return <PermanencePage />;
    case 'settings':
      return <SettingsPage section={route.section} />;
    case 'incidents':
      return <IncidentRegisterPage />;
    case 'dashboard':
      return (
        <Suspense fallback={<div className="page" aria-busy="true" />}>
          <DashboardPage query={route.query ?? ''} />
        </Suspense>
      );
  }
}

function StatusBar() {
  const { t } = useTranslation('common');
  const [state, setState] = useState<ConnectionState>(connection.get());
  useEffect(() => connection.subscribe(setState), []);
  // The server's state is the sync sentence: no separate browser "En ligne" beside it.
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <SyncStatus />
      <BackgroundFailure />
      {state !== 'connected' && (
        <span className="warn" data-testid="host-state">
          {t(`status.host.${state}`)}
        </span>
      )}
    </footer>
  );
}
