import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput, EventPayload } from '../../../src/api/contract';
import { api } from '../../api/client';
import { useCall } from '../../api/queries';
import { routeHref } from '../../app/router';
import { ShadowSessionPicker } from './ShadowSessionPicker';
import { SshEntry } from './SshEntry';
import './remote.css';
import { errorText as errorMessage, Notice } from '../../components/Notice';

export type AssetRemote = CallOutput<'rdp.assetMethods'>;
export type SessionRecord = EventPayload<'rdp.session'>;
type LaunchInput = CallInput<'rdp.launch'>;
type NeedsTrust = Extract<CallOutput<'rdp.launch'>, { status: 'needs_trust' }>;

export { errorMessage };

/** Groups a SHA-256 fingerprint in blocks of four bytes, easier to read out on the phone. */
export function groupFingerprint(fp: string): string {
  const bytes = fp.toUpperCase().split(':');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) groups.push(bytes.slice(i, i + 4).join(':'));
  return groups.join('  ');
}

/**
 * Follows one session's record (state changes, end): the launch's answer first, then the
 * `rdp.session` call, asked again as soon as it is shown (an event may have come before the answer) and
 * on each `rdp.session` event of it (api/stale-on-event.ts).
 */
function useSession(started: SessionRecord | null): SessionRecord | null {
  const followed = useCall('rdp.session', { sessionId: started?.id ?? '' }, { enabled: !!started, initialData: started ?? undefined });
  return started ? (followed.data ?? started) : null;
}

export function SessionStatus({ record }: { record: SessionRecord }) {
  const { t, i18n } = useTranslation('rdp');
  const en = i18n.language.startsWith('en');
  const cls = record.state === 'auth_failed' || record.state === 'failed' ? 'error' : record.state === 'ended' ? 'muted' : 'ok';
  return (
    <div className={`rdp-status ${cls}`} role={cls === 'error' ? 'alert' : 'status'} data-testid="rdp-session-state" data-state={record.state}>
      <strong>{t(`state.${record.state}`, { client: record.client })}</strong>
      {record.message && <span> — {en ? record.message.en : record.message.fr}</span>}
      {record.endedAt && record.exitCode !== null && <span className="muted"> ({t('session.exitCode', { code: record.exitCode })})</span>}
    </div>
  );
}

/**
 * The "Se connecter" menu for one PC: its methods, the default one first. RDP asks for the
 * certificate on first use (fingerprint shown), shadowing opens the session picker first,
 * SSH is the SSH feature's entry.
 */
/** The PC page opened from a ticket offers the way back to it (kept for the tab's life). */
export function rememberTicketOfPcPage(assetId: string, ticketId: string): void {
  sessionStorage.setItem(`relais.pcFromTicket.${assetId}`, ticketId);
}
export function ticketOfPcPage(assetId: string): string | null {
  return sessionStorage.getItem(`relais.pcFromTicket.${assetId}`);
}

export function ConnectMenu({ remote, ticketId, label }: { remote: AssetRemote; ticketId: string | null; label?: string }) {
  const { t, i18n } = useTranslation('rdp');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [trust, setTrust] = useState<{ request: NeedsTrust; input: LaunchInput } | null>(null);
  const [shadowing, setShadowing] = useState(false);
  const [started, setStarted] = useState<SessionRecord | null>(null);
  const record = useSession(started);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLUListElement>(null);

  useEffect(() => {
    if (open) menuRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  async function launch(input: LaunchInput) {
    setBusy(true);
    setError(null);
    try {
      const r = await api.call('rdp.launch', input);
      if (r.status === 'needs_trust') setTrust({ request: r, input });
      else {
        setTrust(null);
        setStarted(r.session);
      }
    } catch (err) {
      setError(errorMessage(err, i18n.language));
    } finally {
      setBusy(false);
    }
  }

  const choose = (method: AssetRemote['methods'][number]) => {
    setOpen(false);
    if (method === 'shadow') return setShadowing(true);
    if (method === 'rdp' || method === 'msra') void launch({ assetId: remote.asset.id, ticketId, method });
  };

  const onMenuKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const items = [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])') ?? [])];
    const i = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      items[(i + 1) % items.length]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      items[(i - 1 + items.length) % items.length]?.focus();
    } else if (e.key === 'Home') {
      e.preventDefault();
      items[0]?.focus();
    } else if (e.key === 'End') {
      e.preventDefault();
      items.at(-1)?.focus();
    } else if (e.key === 'Tab') setOpen(false);
  };

  const menuId = `rdp-menu-${remote.asset.id}`;
  return (
    <div className="rdp-connect" data-testid="rdp-connect" data-asset={remote.asset.name}>
      <button
        ref={buttonRef}
        type="button"
        className="primary"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={menuId}
        disabled={busy || remote.methods.length === 0}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
        data-testid="rdp-connect-button"
      >
        {label ?? t('connect.buttonFor', { name: remote.asset.name })} ▾
      </button>
      {remote.methods.length === 0 && <p className="muted">{t('connect.noMethod')}</p>}
      {open && (
        <ul role="menu" id={menuId} ref={menuRef} className="rdp-menu" aria-label={t('connect.buttonFor', { name: remote.asset.name })} onKeyDown={onMenuKey}>
          {remote.methods.map((m) =>
            m === 'ssh' ? (
              <li role="none" key={m}>
                <SshEntry assetId={remote.asset.id} host={remote.target} ticketId={ticketId} onDone={() => setOpen(false)} />
              </li>
            ) : (
              <li role="none" key={m}>
                <button type="button" role="menuitem" data-testid={`rdp-method-${m}`} data-method={m} onClick={() => choose(m)}>
                  <span className="rdp-method-label">{t(`method.${m}`)}</span>
                  {m === remote.defaultMethod && <span className="badge">{t('connect.default')}</span>}
                  <span className="rdp-method-hint muted">{t(`methodHint.${m}`)}</span>
                </button>
              </li>
            ),
          )}
        </ul>
      )}
      {busy && !trust && (
        <p role="status" className="muted" data-testid="rdp-connecting">
          {t('connect.connecting', { name: remote.asset.name })}
        </p>
      )}
      <Notice error={error} testId="rdp-error" />
      {record && <SessionStatus record={record} />}
      {trust && (
        <TrustDialog
          request={trust.request}
          onCancel={() => setTrust(null)}
          onAccept={() => void launch({ ...trust.input, trustFingerprint: trust.request.fingerprint })}
          busy={busy}
        />
      )}
      {shadowing && (
        <ShadowSessionPicker
          remote={remote}
          onCancel={() => setShadowing(false)}
          onPick={(sessionId, control) => {
            setShadowing(false);
            void launch({ assetId: remote.asset.id, ticketId, method: 'shadow', shadowSessionId: sessionId, control });
          }}
        />
      )}
      {ticketId && (
        <a className="rdp-asset-link" href={routeHref({ page: 'remote', id: remote.asset.id })} data-testid="rdp-asset-link" onClick={() => rememberTicketOfPcPage(remote.asset.id, ticketId)}>
          {t('connect.assetPage')}
        </a>
      )}
    </div>
  );
}

function TrustDialog({ request, onAccept, onCancel, busy }: { request: NeedsTrust; onAccept(): void; onCancel(): void; busy: boolean }) {
  const { t } = useTranslation('rdp');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog ref={ref} className="rdp-dialog" aria-labelledby="rdp-trust-title" onCancel={onCancel} data-testid="rdp-trust">
      <h2 id="rdp-trust-title">{t('trust.title', { host: `${request.host}:${request.port}` })}</h2>
      <p className={request.previous ? 'warn' : undefined}>{request.previous ? t('trust.changed') : t('trust.first')}</p>
      <p>
        {t('trust.fingerprintLabel')}<br />
        <code className="rdp-fingerprint" data-testid="rdp-fingerprint">
          {groupFingerprint(request.fingerprint)}
        </code>
      </p>
      {request.previous && (
        <p className="muted">
          {t('trust.previousLabel')}<br />
          <code className="rdp-fingerprint">{groupFingerprint(request.previous)}</code>
        </p>
      )}
      <div className="toolbar">
        <button type="button" className={request.previous ? 'danger' : 'primary'} onClick={onAccept} disabled={busy} data-testid="rdp-trust-accept">
          {t('trust.accept')}
        </button>
        <button type="button" onClick={onCancel} autoFocus>
          {t('trust.cancel')}
        </button>
      </div>
    </dialog>
  );
}
