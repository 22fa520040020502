import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../../src/api/contract';
import { api } from '../../../api/client';
import { Notice } from '../../../components/Notice';
import { sshStore } from '../ssh-store';

/**
 * Sessions still open in the core without a terminal here (the page was reloaded): reattach
 * a terminal (new output only) or close them so they end on the ticket's timeline.
 */
export function OrphanSessions({ known }: { known: string[] }) {
  const { t } = useTranslation('ssh');
  const [sessions, setSessions] = useState<CallOutput<'ssh.sessions'>['sessions']>([]);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(
    () =>
      void api.call('ssh.sessions').then((r) => {
        setError(null);
        setSessions(r.sessions.filter((s) => s.state !== 'closed'));
      }, setError),
    [],
  );
  useEffect(() => {
    load();
    return api.on('ssh.status', load);
  }, [load]);
  const orphans = sessions.filter((s) => !known.includes(s.sessionId));
  if (orphans.length === 0) return <Notice error={error} />;
  return (
    <div className="ssh-banner" data-testid="ssh-orphans">
      <span>{t('orphans.title')}</span>
      <Notice error={error} />
      <ul className="ssh-profiles">
        {orphans.map((s) => (
          <li key={s.sessionId}>
            <span>
              {s.target} <span className="muted">{new Date(s.startedAt).toLocaleTimeString()}</span>
            </span>
            <span className="ssh-profile-actions">
              <button type="button" onClick={() => sshStore.adopt(s, s.target)}>
                {t('orphans.attach')}
              </button>
              <button type="button" onClick={() => void api.call('ssh.close', { sessionId: s.sessionId }).then(load, (e: unknown) => (setError(e), load()))}>
                {t('orphans.close')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
