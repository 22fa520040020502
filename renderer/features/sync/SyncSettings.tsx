import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { CallOutput } from '../../../src/api/contract';
import { errorText, useSyncStatus } from './useSync';
import { SyncMappings } from './SyncMappings';
import { RemoveServer } from './RemoveServer';
import { Notice } from '../../components/Notice';

type Kind = 'rt' | 'glpi';
type Verdict = CallOutput<'sync.test'>;

/**
 * Settings › ITSM server: kind, URL, credentials typed once (sent to the core, stored in
 * the vault, never shown again: the fields stay empty and say whether one is stored), and
 * "Tester la connexion" with a clear verdict.
 */
export function SyncSettings() {
  const { t, i18n } = useTranslation('sync');
  const { status } = useSyncStatus();
  const cfg = status?.config;
  const [kind, setKind] = useState<Kind>('rt');
  const [url, setUrl] = useState('');
  const [user, setUser] = useState('');
  const [token, setToken] = useState('');
  const [appToken, setAppToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [loadedFrom, setLoadedFrom] = useState<string | null>(null);
  const [confirmSave, setConfirmSave] = useState(false);

  useEffect(() => {
    const key = cfg ? `${cfg.kind}|${cfg.url}|${cfg.user}` : null;
    if (!cfg || key === loadedFrom) return;
    setLoadedFrom(key);
    if (cfg.kind) setKind(cfg.kind);
    if (cfg.url) setUrl(cfg.url);
    if (cfg.user) setUser(cfg.user);
  }, [cfg, loadedFrom]);

  const lang = i18n.language;
  const locked = cfg?.locked ?? false;
  const input = () => ({
    kind,
    url: url.trim(),
    ...(token ? { token } : {}),
    ...(kind === 'glpi' && appToken ? { appToken } : {}),
    ...(user.trim() ? { user: user.trim() } : {}),
  });

  /** A configuration whose last test failed is saved only after the technician confirms. */
  const requestSave = () => {
    const lastFailed = verdict ? !verdict.ok : cfg?.lastTest ? !cfg.lastTest.ok && cfg.lastTest.url === url.trim().replace(/\/+$/, '') : false;
    if (lastFailed) setConfirmSave(true);
    else void save();
  };
  const save = async () => {
    setConfirmSave(false);
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await api.call('sync.configure', input());
      setToken('');
      setAppToken('');
      setSaved(true);
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const prepare = async () => {
    setBusy(true);
    setError(null);
    try {
      setVerdict(await api.call('sync.prepare', { ...(token ? input() : {}), confirm: true }));
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };
  const test = async () => {
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      setVerdict(await api.call('sync.test', token ? input() : undefined));
    } catch (e) {
      setError(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="card" data-testid="sync-settings">
      <legend>{t('settings.title')}</legend>
      <p className="muted">{t('settings.intro')}</p>
      <label className="field">
        <span>{t('settings.kind')}</span>
        <select data-testid="sync-kind" value={kind} disabled={locked || busy} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="rt">Request Tracker 5 (REST2)</option>
          <option value="glpi">GLPI (apirest.php)</option>
        </select>
      </label>
      <label className="field">
        <span>{t('settings.url')}</span>
        <input
          data-testid="sync-url"
          type="url"
          value={url}
          disabled={locked || busy}
          maxLength={500}
          placeholder={kind === 'rt' ? 'https://rt.example.org' : 'https://glpi.example.org/apirest.php'}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      {locked && <p className="muted">{t('settings.locked')}</p>}
      <label className="field">
        <span>{t('settings.user')}</span>
        <input data-testid="sync-user" value={user} disabled={busy} maxLength={120} onChange={(e) => setUser(e.target.value)} />
      </label>
      <label className="field">
        <span>{kind === 'rt' ? t('settings.rtToken') : t('settings.userToken')}</span>
        <input
          data-testid="sync-token"
          type="password"
          autoComplete="off"
          value={token}
          disabled={busy}
          placeholder={cfg?.hasToken ? t('settings.stored') : ''}
          onChange={(e) => setToken(e.target.value)}
        />
      </label>
      {kind === 'glpi' && (
        <label className="field">
          <span>{t('settings.appToken')}</span>
          <input
            data-testid="sync-app-token"
            type="password"
            autoComplete="off"
            value={appToken}
            disabled={busy}
            placeholder={cfg?.hasAppToken ? t('settings.stored') : ''}
            onChange={(e) => setAppToken(e.target.value)}
          />
        </label>
      )}
      <p className="muted">{t('settings.vault')}</p>
      <div className="actions">
        <button type="button" data-testid="sync-save" disabled={busy || !url.trim()} onClick={requestSave}>
          {t('settings.save')}
        </button>
        <button type="button" data-testid="sync-test" disabled={busy || (!cfg?.configured && !token)} onClick={() => void test()}>
          {t('settings.test')}
        </button>
      </div>
      {confirmSave && (
        <div role="alertdialog" aria-label={t('settings.confirmFailed')} data-testid="sync-confirm-save" className="card warn">
          <p>{t('settings.confirmFailed')}</p>
          <div className="actions">
            <button type="button" data-testid="sync-confirm-save-yes" onClick={() => void save()}>
              {t('settings.confirmYes')}
            </button>
            <button type="button" autoFocus onClick={() => setConfirmSave(false)}>
              {t('settings.cancel')}
            </button>
          </div>
        </div>
      )}
      {saved && <p className="ok" data-testid="sync-saved">{t('settings.saved')}</p>}
      {status && <RemoveServer status={status} />}
      {cfg?.configured && (
        <p data-testid="sync-last-test" className={cfg.lastTest ? (cfg.lastTest.ok ? 'ok' : 'error') : 'muted'}>
          {cfg.lastTest
            ? t(cfg.lastTest.ok ? 'settings.lastTestOk' : 'settings.lastTestFailed', {
                when: new Date(cfg.lastTest.at).toLocaleString(lang, { dateStyle: 'short', timeStyle: 'short' }),
                account: cfg.lastTest.account ?? '?',
              })
            : t('settings.lastTestNone')}
        </p>
      )}
      {verdict && (
        <Notice tone={verdict.ok ? 'success' : 'error'} testId="sync-verdict">
          {verdict.ok ? '✔ ' : '✖ '}
          {lang.startsWith('en') ? verdict.message.en : verdict.message.fr}
        </Notice>
      )}
      {verdict?.readiness && <ReadinessReport readiness={verdict.readiness} busy={busy} onPrepare={() => void prepare()} />}
      {cfg?.configured && cfg.kind && <SyncMappings key={cfg.kind} kind={cfg.kind} />}
      <Notice error={error} />
    </fieldset>
  );
}

type Readiness = NonNullable<Verdict['readiness']>;

/** Each piece the connector needs, worded from its code; "Préparer le serveur" when something can be created. */
function ReadinessReport({ readiness, busy, onPrepare }: { readiness: Readiness; busy: boolean; onPrepare(): void }) {
  const { t } = useTranslation('sync');
  const missing = readiness.checks.filter((c) => !c.ok);
  const fixable = missing.some((c) => c.fixable);
  const forAdmin = missing.filter((c) => !c.fixable);
  const word = (c: Readiness['checks'][number]) => t(`check.${c.code.replace(/^sync\.check\./, '')}`, { ...c.params, defaultValue: c.key });
  return (
    <section data-testid="sync-readiness" aria-label={t('settings.readiness')}>
      <h4>{t('settings.readiness')}</h4>
      <ul className="readiness">
        {[...missing, ...readiness.checks.filter((c) => c.ok)].map((c) => (
          <li key={c.key} data-testid="sync-check" data-ok={c.ok} className={c.ok ? 'ok' : 'error'}>
            {c.ok ? '✔ ' : '✖ '}
            {word(c)}
          </li>
        ))}
      </ul>
      {fixable && (
        <button type="button" data-testid="sync-prepare" disabled={busy} onClick={onPrepare}>
          {t('settings.prepare')}
        </button>
      )}
      {forAdmin.length > 0 && (
        <div data-testid="sync-admin-list">
          <p>{t('settings.missingForAdmin')}</p>
          <ul>
            {forAdmin.map((c) => (
              <li key={c.key}>{word(c)}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
