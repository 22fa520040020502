import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { ContractError } from '../../../src/api/client';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { Notice } from '../../components/Notice';
import { sshStore, type HostKeyPrompt, type OpenResult } from './ssh-store';
import { TerminalPanel } from './TerminalPanel';
import { ChangedKeyNotice, type ChangedKey } from './ssh/ChangedKeyNotice';
import { HostKeyDialog } from './ssh/HostKeyDialog';
import { ImportConfig } from './ssh/ImportConfig';
import { OrphanSessions } from './ssh/OrphanSessions';
import { PasswordDialog } from './ssh/PasswordDialog';
import { ProfileForm, type Profile, type ProfileInput } from './ssh/ProfileForm';
import './ssh.css';

/** SSH on the remote-sessions page: connection profiles, host-key prompts and the terminal tabs. */
export function SshWorkspace() {
  const { t } = useTranslation('ssh');
  const { tabs, active, pending: pendingRequest, error: storeError } = useSyncExternalStore(sshStore.subscribe, sshStore.get);
  // Fetched again on `ssh.profilesChanged` (api/stale-on-event.ts).
  const stored = useCall('ssh.profiles', undefined, { showsError: true });
  const profiles: Profile[] = stored.data?.profiles ?? [];
  const [prompt, setPrompt] = useState<HostKeyPrompt | null>(null);
  const [changed, setChanged] = useState<ChangedKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<Partial<ProfileInput> | null>(null);
  const [password, setPassword] = useState<{ profile: Profile; ticketId: string | null } | null>(null);
  const titles = useRef(new Map<string, string>());

  const handle = useCallback(
    (r: OpenResult, title: string) => {
      if (r.status === 'open') {
        setPrompt(null);
        sshStore.adopt(r.session, titles.current.get(r.session.sessionId) ?? title);
      } else if (r.status === 'hostKey') setPrompt(r.prompt);
      else setPrompt(null);
    },
    [],
  );

  const fail = useCallback(
    (err: unknown, profile?: Profile, ticketId: string | null = null) => {
      setPrompt(null);
      if (err instanceof ContractError && err.code === 'SSH_HOSTKEY_CHANGED') setChanged(err.details as ChangedKey);
      if (err instanceof ContractError && err.code === 'SSH_PASSWORD_NEEDED' && profile) return setPassword({ profile, ticketId });
      setError(err);
    },
    [],
  );

  const pendingTitle = useRef('');
  const connect = useCallback(
    async (profile: Profile, ticketId: string | null, oneTimePassword?: string) => {
      setError(null);
      setChanged(null);
      setBusy(true);
      pendingTitle.current = profile.name;
      try {
        handle(await api.call('ssh.open', { profileId: profile.id, ticketId, ...(oneTimePassword ? { password: oneTimePassword } : {}) }), profile.name);
      } catch (err) {
        fail(err, profile, ticketId);
      } finally {
        setBusy(false);
      }
    },
    [handle, fail],
  );

  const answer = async (decision: 'trust-remember' | 'trust-once' | 'cancel') => {
    if (!prompt) return;
    setBusy(true);
    try {
      handle(await api.call('ssh.answerHostKey', { promptId: prompt.promptId, decision }), pendingTitle.current);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  // A request from a "Se connecter" menu (a ticket, or a PC found on this page): connect
  // with the PC's profile, or propose a new profile for it.
  useEffect(() => {
    if (!pendingRequest) return;
    const pending = sshStore.takePending();
    if (!pending) return;
    void api.call('ssh.profiles', { assetId: pending.assetId }).then((r) => {
      const p = r.profiles[0];
      if (p) void connect(p, pending.ticketId);
      else setEditing({ name: pending.host, host: pending.host, port: 22, auth: 'password', assetId: pending.assetId, pendingTicketId: pending.ticketId } as never);
    }, setError);
  }, [connect, pendingRequest]);

  return (
    <section className="card ssh-workspace" aria-labelledby="ssh-title" data-testid="ssh-workspace">
      <h2 id="ssh-title">{t('title')}</h2>
      <Notice error={error ?? stored.error} testId="ssh-error" />
      <Notice error={storeError} />
      {changed && <ChangedKeyNotice info={changed} onReplaced={() => setChanged(null)} />}
      {prompt && <HostKeyDialog prompt={prompt} busy={busy} onAnswer={(d) => void answer(d)} />}
      {password && (
        <PasswordDialog
          profile={password.profile}
          onCancel={() => setPassword(null)}
          onSubmit={(pw) => {
            const p = password;
            setPassword(null);
            void connect(p.profile, p.ticketId, pw);
          }}
        />
      )}

      {tabs.length > 0 && (
        <div className="ssh-tabs">
          <div role="tablist" aria-label={t('tabs')}>
            {tabs.map((tab) => (
              <span key={tab.info.sessionId} className="ssh-tab">
                <button
                  type="button"
                  role="tab"
                  aria-selected={tab.info.sessionId === active}
                  data-state={tab.state}
                  onClick={() => sshStore.activate(tab.info.sessionId)}
                  data-testid="ssh-tab"
                >
                  {tab.title} <span className="muted">({tab.info.target})</span>
                  {tab.state === 'dropped' && <span className="badge warn">{t('terminal.droppedBadge')}</span>}
                </button>
                <button type="button" className="ssh-tab-close" aria-label={t('terminal.close', { name: tab.title })} onClick={() => void sshStore.close(tab.info.sessionId)}>
                  ×
                </button>
              </span>
            ))}
          </div>
          {tabs.map((tab) => (
            <TerminalPanel key={tab.info.sessionId} tab={tab} visible={tab.info.sessionId === active} onHostKey={setPrompt} />
          ))}
        </div>
      )}

      <OrphanSessions known={tabs.map((tab) => tab.info.sessionId)} />

      <h3>{t('profiles.title')}</h3>
      {profiles.length === 0 && <p className="muted">{t('profiles.empty')}</p>}
      <ul className="ssh-profiles">
        {profiles.map((p) => (
          <li key={p.id} data-testid="ssh-profile">
            <span>
              <strong>{p.name}</strong> <span className="muted">{p.username}@{p.host}{p.port !== 22 ? `:${p.port}` : ''}{p.jump.length ? ` — ${t('profiles.via', { jump: p.jump.join(', ') })}` : ''}</span>
            </span>
            <span className="ssh-profile-actions">
              <button type="button" className="primary" disabled={busy} onClick={() => void connect(p, null)} data-testid="ssh-profile-connect">
                {t('profiles.connect')}
              </button>
              <button type="button" onClick={() => setEditing(p)}>
                {t('profiles.edit')}
              </button>
              <button type="button" onClick={() => void api.call('ssh.profileDelete', { id: p.id }).catch(setError)}>
                {t('profiles.delete')}
              </button>
            </span>
          </li>
        ))}
      </ul>
      <div className="ssh-profile-buttons">
        <button type="button" onClick={() => setEditing({ port: 22, auth: 'key' })}>
          {t('profiles.new')}
        </button>
        <ImportConfig onError={setError} />
      </div>
      {editing && (
        <ProfileForm
          initial={editing}
          onCancel={() => setEditing(null)}
          onSaved={(p, ticketId) => {
            setEditing(null);
            if (ticketId !== undefined) void connect(p, ticketId);
          }}
        />
      )}
    </section>
  );
}
