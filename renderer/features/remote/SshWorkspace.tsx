import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../src/api/contract';
import { ContractError } from '../../../src/api/client';
import { api } from '../../api/client';
import { sshStore, type HostKeyPrompt, type OpenResult } from './ssh-store';
import { TerminalPanel } from './TerminalPanel';
import './ssh.css';

type Profile = CallOutput<'ssh.profiles'>['profiles'][number];
type ProfileInput = CallInput<'ssh.profileSave'>;
type ChangedKey = { host: string; port: number; oldFingerprints: string[]; newFingerprint: string; keyType: string };

const msg = (err: unknown, lang: string) => (err instanceof ContractError ? err.text(lang) : String(err));

/** SSH on the remote-sessions page: connection profiles, host-key prompts and the terminal tabs. */
export function SshWorkspace() {
  const { t, i18n } = useTranslation('ssh');
  const { tabs, active, pending: pendingRequest } = useSyncExternalStore(sshStore.subscribe, sshStore.get);
  const [profiles, setProfiles] = useState<Profile[]>([]);
  const [prompt, setPrompt] = useState<HostKeyPrompt | null>(null);
  const [changed, setChanged] = useState<ChangedKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState<Partial<ProfileInput> | null>(null);
  const [password, setPassword] = useState<{ profile: Profile; ticketId: string | null } | null>(null);
  const titles = useRef(new Map<string, string>());

  const load = useCallback(() => void api.call('ssh.profiles').then((r) => setProfiles(r.profiles), () => {}), []);
  useEffect(() => {
    load();
    return api.on('ssh.profilesChanged', load);
  }, [load]);

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
      setError(msg(err, i18n.language));
    },
    [i18n.language],
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
    });
  }, [connect, pendingRequest]);

  return (
    <section className="card ssh-workspace" aria-labelledby="ssh-title" data-testid="ssh-workspace">
      <h2 id="ssh-title">{t('title')}</h2>
      {error && (
        <p role="alert" className="error" data-testid="ssh-error">
          {error}
        </p>
      )}
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
              <button type="button" onClick={() => void api.call('ssh.profileDelete', { id: p.id }).catch((e) => setError(msg(e, i18n.language)))}>
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
        <ImportConfig onError={(e) => setError(e)} />
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

function HostKeyDialog({ prompt, busy, onAnswer }: { prompt: HostKeyPrompt; busy: boolean; onAnswer(d: 'trust-remember' | 'trust-once' | 'cancel'): void }) {
  const { t } = useTranslation('ssh');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="ssh-hk-title" data-testid="ssh-hostkey-dialog" onCancel={(e) => (e.preventDefault(), onAnswer('cancel'))}>
      <h2 id="ssh-hk-title">{t('hostKey.title')}</h2>
      <p>{t('hostKey.unknown', { host: prompt.host, port: prompt.port })}</p>
      <dl className="rdp-facts">
        <dt>{t('hostKey.type')}</dt>
        <dd data-testid="ssh-hostkey-type">{prompt.keyType}</dd>
        <dt>{t('hostKey.fingerprint')}</dt>
        <dd className="rdp-fingerprint" data-testid="ssh-hostkey-fingerprint">
          {prompt.fingerprint}
        </dd>
      </dl>
      <p className="muted">{t('hostKey.check')}</p>
      <div className="ssh-dialog-buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => onAnswer('trust-remember')} data-testid="ssh-trust-remember">
          {t('hostKey.remember')}
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer('trust-once')} data-testid="ssh-trust-once">
          {t('hostKey.once')}
        </button>
        <button type="button" disabled={busy} onClick={() => onAnswer('cancel')} data-testid="ssh-trust-cancel">
          {t('hostKey.cancel')}
        </button>
      </div>
    </dialog>
  );
}

function ChangedKeyNotice({ info, onReplaced }: { info: ChangedKey; onReplaced(): void }) {
  const { t, i18n } = useTranslation('ssh');
  const [confirm, setConfirm] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const replace = async () => {
    try {
      await api.call('ssh.hostKeyReplace', { host: info.host, port: info.port, fingerprint: info.newFingerprint });
      onReplaced();
    } catch (err) {
      setError(msg(err, i18n.language));
    }
  };
  return (
    <div className="ssh-banner error" role="alert" data-testid="ssh-hostkey-changed">
      <strong>{t('hostKey.changedTitle')}</strong>
      <dl className="rdp-facts">
        <dt>{t('hostKey.old')}</dt>
        <dd className="rdp-fingerprint">{info.oldFingerprints.join(', ')}</dd>
        <dt>{t('hostKey.new')}</dt>
        <dd className="rdp-fingerprint">{info.newFingerprint}</dd>
      </dl>
      {!confirm ? (
        <button type="button" onClick={() => setConfirm(true)}>
          {t('hostKey.replace')}
        </button>
      ) : (
        <p>
          {t('hostKey.replaceConfirm')}{' '}
          <button type="button" className="danger" onClick={() => void replace()} data-testid="ssh-hostkey-replace">
            {t('hostKey.replaceNow')}
          </button>
        </p>
      )}
      {error && <p className="error">{error}</p>}
    </div>
  );
}

function PasswordDialog({ profile, onCancel, onSubmit }: { profile: Profile; onCancel(): void; onSubmit(pw: string): void }) {
  const { t } = useTranslation('ssh');
  const ref = useRef<HTMLDialogElement>(null);
  const [pw, setPw] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="ssh-pw-title" onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (pw) onSubmit(pw);
        }}
      >
        <h2 id="ssh-pw-title">{t('password.title', { target: `${profile.username}@${profile.host}` })}</h2>
        <label className="field">
          <span>{t('password.label')}</span>
          <input type="password" autoComplete="off" value={pw} onChange={(e) => setPw(e.target.value)} autoFocus />
        </label>
        <p className="muted">{t('password.notStored')}</p>
        <div className="ssh-dialog-buttons">
          <button type="submit" className="primary" disabled={!pw}>
            {t('profiles.connect')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('hostKey.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}

function ImportConfig({ onError }: { onError(e: string): void }) {
  const { t, i18n } = useTranslation('ssh');
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        onClick={() =>
          void api.call('ssh.importConfig').then(
            (r) => setDone(t('profiles.imported', { count: r.imported.length, skipped: r.skipped.length })),
            (e) => onError(msg(e, i18n.language)),
          )
        }
      >
        {t('profiles.import')}
      </button>
      {done && <span role="status">{done}</span>}
    </>
  );
}

function ProfileForm({ initial, onCancel, onSaved }: { initial: Partial<ProfileInput> & { id?: string; pendingTicketId?: string | null }; onCancel(): void; onSaved(p: Profile, ticketId?: string | null): void }) {
  const { t, i18n } = useTranslation('ssh');
  const [v, setV] = useState({
    name: initial.name ?? '',
    host: initial.host ?? '',
    port: String(initial.port ?? 22),
    username: initial.username ?? '',
    auth: initial.auth ?? 'key',
    keyFile: initial.keyFile ?? '',
    credentialId: initial.credentialId ?? '',
    jump: (initial.jump ?? []).join(', '),
  });
  const [creds, setCreds] = useState<CallOutput<'security.vaultList'>['entries']>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void api.call('security.vaultList').then((r) => setCreds(r.entries), () => {}), []);
  const field = (k: keyof typeof v) => ({ value: v[k], onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }) });
  const save = async () => {
    setError(null);
    try {
      const p = await api.call('ssh.profileSave', {
        ...(initial.id ? { id: initial.id } : {}),
        name: v.name,
        host: v.host,
        port: Number(v.port) || 22,
        username: v.username,
        auth: v.auth as ProfileInput['auth'],
        keyFile: v.keyFile || null,
        credentialId: v.credentialId || null,
        jump: v.jump
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        assetId: initial.assetId ?? null,
      });
      onSaved(p, initial.pendingTicketId);
    } catch (err) {
      setError(msg(err, i18n.language));
    }
  };
  return (
    <form
      className="ssh-profile-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      data-testid="ssh-profile-form"
    >
      <div className="rdp-grid">
        <label className="field">
          <span>{t('form.name')}</span>
          <input required maxLength={120} {...field('name')} />
        </label>
        <label className="field">
          <span>{t('form.host')}</span>
          <input required maxLength={253} {...field('host')} />
        </label>
        <label className="field">
          <span>{t('form.port')}</span>
          <input type="number" min={1} max={65535} {...field('port')} />
        </label>
        <label className="field">
          <span>{t('form.user')}</span>
          <input required maxLength={64} {...field('username')} />
        </label>
        <label className="field">
          <span>{t('form.auth')}</span>
          <select {...field('auth')}>
            {(['key', 'agent', 'password', 'keyboard-interactive'] as const).map((a) => (
              <option key={a} value={a}>
                {t(`auth.${a}`)}
              </option>
            ))}
          </select>
        </label>
        {v.auth === 'key' && (
          <label className="field">
            <span>{t('form.keyFile')}</span>
            <input maxLength={1024} placeholder="~/.ssh/id_ed25519" {...field('keyFile')} />
          </label>
        )}
        {v.auth !== 'agent' && (
          <label className="field">
            <span>{v.auth === 'key' ? t('form.passphrase') : t('form.credential')}</span>
            <select {...field('credentialId')}>
              <option value="">{t('form.askEachTime')}</option>
              {creds.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>{t('form.jump')}</span>
          <input maxLength={300} placeholder="bastion, tech@rebond:2222" {...field('jump')} />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="ssh-dialog-buttons">
        <button type="submit" className="primary">
          {initial.pendingTicketId !== undefined ? t('form.saveConnect') : t('form.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('hostKey.cancel')}
        </button>
      </div>
    </form>
  );
}

/**
 * Sessions still open in the core without a terminal here (the page was reloaded): reattach
 * a terminal (new output only) or close them so they end on the ticket's timeline.
 */
function OrphanSessions({ known }: { known: string[] }) {
  const { t } = useTranslation('ssh');
  const [sessions, setSessions] = useState<CallOutput<'ssh.sessions'>['sessions']>([]);
  const load = useCallback(() => void api.call('ssh.sessions').then((r) => setSessions(r.sessions.filter((s) => s.state !== 'closed')), () => {}), []);
  useEffect(() => {
    load();
    return api.on('ssh.status', load);
  }, [load]);
  const orphans = sessions.filter((s) => !known.includes(s.sessionId));
  if (orphans.length === 0) return null;
  return (
    <div className="ssh-banner" data-testid="ssh-orphans">
      <span>{t('orphans.title')}</span>
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
              <button type="button" onClick={() => void api.call('ssh.close', { sessionId: s.sessionId }).then(load, load)}>
                {t('orphans.close')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
