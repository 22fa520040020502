import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EventPayload } from '../../../src/api/contract';
import { api } from '../../api/client';
import { localized, Notice } from '../../components/Notice';
import { sshStore, type HostKeyPrompt, type TerminalTab } from './ssh-store';

/** One terminal: xterm (fit to its box), search in scrollback, reconnect, transcript, file transfer. */
export function TerminalPanel({ tab, visible, onHostKey }: { tab: TerminalTab; visible: boolean; onHostKey(p: HostKeyPrompt): void }) {
  const { t, i18n } = useTranslation('ssh');
  const box = useRef<HTMLDivElement>(null);
  const [query, setQuery] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const sessionId = tab.info.sessionId;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    el.appendChild(tab.host);
    if (!tab.opened) {
      tab.term.open(tab.host);
      tab.opened = true;
    }
    const fit = () => {
      if (el.offsetParent === null) return;
      try {
        tab.fit.fit();
      } catch {}
    };
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => {
      ro.disconnect();
      if (tab.host.parentElement === el) el.removeChild(tab.host);
    };
  }, [tab]);

  useEffect(() => {
    if (!visible) return;
    try {
      tab.fit.fit();
    } catch {}
    tab.term.focus();
  }, [visible, tab]);

  const reconnect = async () => {
    setError(null);
    try {
      const r = await api.call('ssh.reconnect', { sessionId });
      if (r.status === 'open') sshStore.adopt(r.session, tab.title);
      else if (r.status === 'hostKey') onHostKey(r.prompt);
    } catch (err) {
      setError(err);
    }
  };

  const attach = async () => {
    setError(null);
    try {
      await api.call('ssh.attachTranscript', { sessionId });
      setNotice(t('terminal.transcriptAttached'));
    } catch (err) {
      setError(err);
    }
  };

  const find = (back: boolean) => {
    if (!query) return;
    if (back) tab.search.findPrevious(query);
    else tab.search.findNext(query);
  };

  return (
    <div className="ssh-panel" hidden={!visible} data-testid="ssh-terminal" data-session={sessionId} data-state={tab.state}>
      <div className="ssh-toolbar">
        <label className="ssh-search">
          <span className="visually-hidden">{t('terminal.search')}</span>
          <input
            type="search"
            value={query}
            placeholder={t('terminal.search')}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                find(e.shiftKey);
              }
            }}
            data-testid="ssh-search"
          />
        </label>
        <button type="button" onClick={() => find(true)} aria-label={t('terminal.searchPrev')}>
          ↑
        </button>
        <button type="button" onClick={() => find(false)} aria-label={t('terminal.searchNext')}>
          ↓
        </button>
        <span className="muted ssh-hint">{t('terminal.copyHint')}</span>
        {tab.info.ticketId && (
          <button type="button" onClick={() => void attach()} data-testid="ssh-attach-transcript">
            {t('terminal.attachTranscript')}
          </button>
        )}
      </div>
      {tab.state === 'dropped' && (
        <div className="ssh-banner warn" role="alert" data-testid="ssh-dropped">
          <span>{tab.reason ? localized(tab.reason, i18n.language) : t('terminal.dropped')}</span>
          <button type="button" className="primary" onClick={() => void reconnect()} data-testid="ssh-reconnect">
            {t('terminal.reconnect')}
          </button>
        </div>
      )}
      {tab.state === 'closed' && (
        <div className="ssh-banner muted" role="status">
          {t('terminal.closed')}
        </div>
      )}
      <Notice tone="success">{notice}</Notice>
      <Notice error={error} />
      <Notice error={tab.error} testId="ssh-call-error" />
      <div className="ssh-term-box" ref={box} />
      <TransferBox sessionId={sessionId} disabled={tab.state !== 'open'} />
    </div>
  );
}

type Transfer = EventPayload<'ssh.transfer'>;

function TransferBox({ sessionId, disabled }: { sessionId: string; disabled: boolean }) {
  const { t, i18n } = useTranslation('ssh');
  const [localPath, setLocal] = useState('');
  const [remotePath, setRemote] = useState('');
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = transfer?.transferId;
  useEffect(() => (id ? api.on('ssh.transfer', (p) => p.transferId === id && setTransfer(p)) : undefined), [id]);

  const start = async (direction: 'upload' | 'download') => {
    setError(null);
    try {
      const tr = await api.call(direction === 'upload' ? 'ssh.upload' : 'ssh.download', { sessionId, localPath, remotePath });
      setTransfer(tr);
    } catch (err) {
      setError(err);
    }
  };
  const pct = transfer && transfer.total > 0 ? Math.round((transfer.bytes / transfer.total) * 100) : 0;
  const mbps = transfer ? (transfer.bytesPerSec / 1024 / 1024).toFixed(1) : '0';
  return (
    <details className="ssh-transfer">
      <summary>{t('transfer.title')}</summary>
      <div className="ssh-transfer-grid">
        <label className="field">
          <span>{t('transfer.local')}</span>
          <input value={localPath} onChange={(e) => setLocal(e.target.value)} placeholder="/home/moi/correctif.sh" />
        </label>
        <label className="field">
          <span>{t('transfer.remote')}</span>
          <input value={remotePath} onChange={(e) => setRemote(e.target.value)} placeholder="/tmp/correctif.sh" />
        </label>
        <button type="button" disabled={disabled || !localPath || !remotePath || transfer?.state === 'running'} onClick={() => void start('upload')}>
          {t('transfer.upload')}
        </button>
        <button type="button" disabled={disabled || !localPath || !remotePath || transfer?.state === 'running'} onClick={() => void start('download')}>
          {t('transfer.download')}
        </button>
      </div>
      {transfer && (
        <div className="ssh-progress" role="status" data-testid="ssh-transfer" data-state={transfer.state}>
          <progress max={100} value={pct} aria-label={t('transfer.progress')} />
          <span>
            {t(`transfer.state.${transfer.state}`)} — {pct} % — {t('transfer.speed', { mbps })}
          </span>
          {transfer.state === 'running' && (
            <button type="button" onClick={() => void api.call('ssh.cancelTransfer', { transferId: transfer.transferId }).catch(setError)}>
              {t('transfer.cancel')}
            </button>
          )}
          {transfer.error && <span className="error">{localized(transfer.error, i18n.language)}</span>}
        </div>
      )}
      <Notice error={error} />
    </details>
  );
}
