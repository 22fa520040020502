import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../api/client';
import { useCall } from '../../../api/queries';
import { Notice } from '../../../components/Notice';
import { sshStore } from '../ssh-store';

/**
 * Sessions still open in the core without a terminal here (the page was reloaded): reattach
 * a terminal (new output only) or close them so they end on the ticket's timeline.
 */
export function OrphanSessions({ known }: { known: string[] }) {
  const { t } = useTranslation('ssh');
  // Asked again on every `ssh.status` (api/stale-on-event.ts).
  const open = useCall('ssh.sessions', undefined, { showsError: true });
  const sessions = (open.data?.sessions ?? []).filter((s) => s.state !== 'closed');
  const [closeError, setError] = useState<unknown>(null);
  const error = closeError ?? open.error;
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
              <button type="button" onClick={() => void api.call('ssh.close', { sessionId: s.sessionId }).then(() => setError(null), setError)}>
                {t('orphans.close')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
