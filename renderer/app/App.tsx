import { useEffect, useState } from 'react';
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
import { SyncStatus } from '../features/sync/SyncStatus';
import { ShortcutHelp } from './ShortcutHelp';
import { FirstRun } from './FirstRun';

const NAV: { page: Route['page']; key: string; hint?: string }[] = [
  { page: 'queue', key: 'nav.queue', hint: shortcuts.queue.label },
  { page: 'call', key: 'nav.call', hint: shortcuts.newCall.label },
  { page: 'remote', key: 'nav.remote' },
  { page: 'tools', key: 'nav.tools' },
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
    case 'settings':
      return <SettingsPage />;
  }
}

function StatusBar() {
  const { t } = useTranslation('common');
  const [state, setState] = useState<ConnectionState>(connection.get());
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => connection.subscribe(setState), []);
  useEffect(() => {
    const on = () => setOnline(navigator.onLine);
    window.addEventListener('online', on);
    window.addEventListener('offline', on);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', on);
    };
  }, []);
  return (
    <footer className="statusbar" role="status" aria-live="polite">
      <span data-testid="network-state" className={online ? 'ok' : 'warn'}>
        <span className="dot" aria-hidden="true" /> {online ? t('status.online') : t('status.offline')}
      </span>
      <SyncStatus />
      {state !== 'connected' && (
        <span className="warn" data-testid="host-state">
          {t(`status.host.${state}`)}
        </span>
      )}
    </footer>
  );
}
