import { routeHref } from '../../app/router';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallInput, CallOutput } from '../../../src/api/contract';
import { api } from '../../api/client';
import { callQuery, queryClient, useCall } from '../../api/queries';
import { ConnectMenu, errorMessage, ticketOfPcPage, type AssetRemote } from './ConnectMenu';
import { RdpSessionList } from './RdpSessionList';
import { Notice } from '../../components/Notice';

type Method = AssetRemote['methods'][number];
type Settings = AssetRemote['settings'];
type VaultEntry = CallOutput<'security.vaultList'>['entries'][number];
type GatewayMode = NonNullable<Settings['gateway']>['credentialMode'];

const ALL_METHODS: Method[] = ['rdp', 'msra', 'shadow', 'ssh'];
const GATEWAY_MODES: GatewayMode[] = ['ask', 'smartcard', 'current_user', 'basic', 'select_later'];

type MethodsForm = { methods: Method[]; defaultMethod: Method | null; settings: Settings };
const formOf = (r: AssetRemote): MethodsForm => ({ methods: ALL_METHODS.filter((m) => r.methods.includes(m)), defaultMethod: r.defaultMethod, settings: r.settings });

/** A PC's page: what it is, its remote methods (enabled, default), its RDP settings, its sessions. */
export function AssetPanel({ assetId }: { assetId: string }) {
  const { t, i18n } = useTranslation('rdp');
  const query = useCall('rdp.assetMethods', { assetId }, { showsError: true });
  const remote = query.data ?? null;
  // What the form shows: the operator's edits of this PC over what the core has.
  const [edits, setEdits] = useState<{ assetId: string; form: MethodsForm } | null>(null);
  const form: MethodsForm | null = edits?.assetId === assetId ? edits.form : remote && formOf(remote);
  const { methods = [], defaultMethod = null, settings = null } = form ?? {};
  const edit = (change: Partial<MethodsForm>) => setEdits((cur) => ({ assetId, form: { ...(cur?.assetId === assetId ? cur.form : form!), ...change } }));
  const setMethods = (m: Method[]) => edit({ methods: m });
  const setDefaultMethod = (m: Method | null) => edit({ defaultMethod: m });
  const setSettings = (next: Settings) => edit({ settings: next });
  const vault: VaultEntry[] = useCall('security.vaultList', {}).data?.entries ?? [];
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? query.error;
  const [saved, setSaved] = useState(false);

  const apply = (r: AssetRemote) => {
    queryClient.setQueryData(callQuery('rdp.assetMethods', { assetId }).queryKey, r);
    setEdits(null);
  };

  if (!remote || !settings) {
    return (
      <section className="page" aria-labelledby="page-title">
        <h1 id="page-title">{t('connect.loading')}</h1>
        <Notice error={error} />
      </section>
    );
  }

  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => {
    setSaved(false);
    setSettings({ ...settings, [key]: value });
  };
  const toggle = (m: Method, on: boolean) => {
    setSaved(false);
    const next = on ? ALL_METHODS.filter((x) => x === m || methods.includes(x)) : methods.filter((x) => x !== m);
    setMethods(next);
    if (!on && defaultMethod === m) setDefaultMethod(next[0] ?? null);
    if (on && defaultMethod === null) setDefaultMethod(m);
  };
  const num = (v: string, fallback: number) => (Number.isFinite(Number(v)) && v !== '' ? Math.trunc(Number(v)) : fallback);

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const input: CallInput<'rdp.setAssetMethods'> = { assetId, methods, defaultMethod, settings: settings! };
      apply(await api.call('rdp.setAssetMethods', input));
      setSaved(true);
    } catch (err) {
      setError(errorMessage(err, i18n.language));
    }
  }

  const gw = settings.gateway;
  return (
    <section className="page rdp-asset" aria-labelledby="page-title" data-testid="asset-panel">
      {ticketOfPcPage(remote.asset.id) && (
        <a className="back-link" href={routeHref({ page: 'ticket', id: ticketOfPcPage(remote.asset.id)! })} data-testid="pc-back-to-ticket">
          ← {t('asset.backToTicket')}
        </a>
      )}
      <h1 id="page-title">{t('asset.title', { name: remote.asset.name })}</h1>
      <dl className="card rdp-facts">
        <dt>{t('asset.ip')}</dt>
        <dd>{remote.asset.ip || '—'}</dd>
        <dt>{t('asset.os')}</dt>
        <dd>{remote.asset.os || '—'}</dd>
        <dt>{t('asset.target')}</dt>
        <dd>
          <code>{remote.target}</code>
        </dd>
      </dl>
      <ConnectMenu remote={remote} ticketId={null} />
      <form className="card rdp-form" onSubmit={save} aria-labelledby="rdp-methods-title">
        <h2 id="rdp-methods-title">{t('asset.methods')}</h2>
        {!remote.configured && <p className="muted">{t('asset.notConfigured')}</p>}
        <table className="rdp-methods" data-testid="asset-methods">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">{t('asset.enabled')}</th>
              <th scope="col">{t('asset.defaultMethod')}</th>
            </tr>
          </thead>
          <tbody>
            {ALL_METHODS.map((m) => (
              <tr key={m} data-method={m}>
                <th scope="row">{t(`method.${m}`)}</th>
                <td>
                  <input type="checkbox" aria-label={`${t(`method.${m}`)} — ${t('asset.enabled')}`} checked={methods.includes(m)} onChange={(e) => toggle(m, e.target.checked)} />
                </td>
                <td>
                  <input
                    type="radio"
                    name="rdp-default-method"
                    aria-label={`${t(`method.${m}`)} — ${t('asset.defaultMethod')}`}
                    checked={defaultMethod === m}
                    disabled={!methods.includes(m)}
                    onChange={() => {
                      setSaved(false);
                      setDefaultMethod(m);
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>

        <h2>{t('asset.rdpSettings')}</h2>
        <div className="rdp-grid">
          <label className="field">
            <span>{t('asset.port')}</span>
            <input type="number" min={1} max={65535} value={settings.port} onChange={(e) => set('port', num(e.target.value, 3389))} />
          </label>
          <label className="field">
            <span>{t('asset.user')}</span>
            <input value={settings.user} maxLength={104} autoComplete="off" onChange={(e) => set('user', e.target.value)} />
          </label>
          <label className="field">
            <span>{t('asset.domain')}</span>
            <input value={settings.domain} maxLength={155} autoComplete="off" onChange={(e) => set('domain', e.target.value)} />
          </label>
          <label className="field">
            <span>{t('asset.credential')}</span>
            <select value={settings.credentialId ?? ''} onChange={(e) => set('credentialId', e.target.value || null)}>
              <option value="">{t('asset.noCredential')}</option>
              {vault.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))}
              {settings.credentialId && !vault.some((v) => v.id === settings.credentialId) && <option value={settings.credentialId}>{settings.credentialId}</option>}
            </select>
          </label>
        </div>
        <div className="rdp-grid">
          <label className="row">
            <input type="checkbox" checked={settings.fullScreen} onChange={(e) => set('fullScreen', e.target.checked)} />
            {t('asset.fullScreen')}
          </label>
          {!settings.fullScreen && (
            <>
              <label className="field">
                <span>{t('asset.width')}</span>
                <input type="number" min={640} max={8192} value={settings.width} onChange={(e) => set('width', num(e.target.value, 1280))} />
              </label>
              <label className="field">
                <span>{t('asset.height')}</span>
                <input type="number" min={480} max={8192} value={settings.height} onChange={(e) => set('height', num(e.target.value, 800))} />
              </label>
            </>
          )}
          <label className="row">
            <input type="checkbox" checked={settings.multiMonitor} onChange={(e) => set('multiMonitor', e.target.checked)} />
            {t('asset.multiMonitor')}
          </label>
          <label className="row">
            <input type="checkbox" checked={settings.clipboard} onChange={(e) => set('clipboard', e.target.checked)} />
            {t('asset.clipboard')}
          </label>
          <label className="row">
            <input type="checkbox" checked={settings.redirectDrives} onChange={(e) => set('redirectDrives', e.target.checked)} />
            {t('asset.drives')}
          </label>
          <label className="row">
            <input type="checkbox" checked={settings.redirectPrinters} onChange={(e) => set('redirectPrinters', e.target.checked)} />
            {t('asset.printers')}
          </label>
        </div>
        <p className="muted">{t('asset.redirectionWarning')}</p>

        <fieldset className="rdp-gateway">
          <legend>
            <label className="row">
              <input
                type="checkbox"
                checked={gw !== null}
                onChange={(e) => set('gateway', e.target.checked ? { host: '', port: 443, credentialMode: 'ask', sameCredentials: true } : null)}
              />
              {t('asset.gateway')}
            </label>
          </legend>
          {gw && (
            <div className="rdp-grid">
              <label className="field">
                <span>{t('asset.gatewayHost')}</span>
                <input value={gw.host} maxLength={253} onChange={(e) => set('gateway', { ...gw, host: e.target.value })} />
              </label>
              <label className="field">
                <span>{t('asset.gatewayPort')}</span>
                <input type="number" min={1} max={65535} value={gw.port} onChange={(e) => set('gateway', { ...gw, port: num(e.target.value, 443) })} />
              </label>
              <label className="field">
                <span>{t('asset.gatewayMode')}</span>
                <select value={gw.credentialMode} onChange={(e) => set('gateway', { ...gw, credentialMode: e.target.value as GatewayMode })}>
                  {GATEWAY_MODES.map((m) => (
                    <option key={m} value={m}>
                      {t(`asset.gatewayModes.${m}`)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="row">
                <input type="checkbox" checked={gw.sameCredentials} onChange={(e) => set('gateway', { ...gw, sameCredentials: e.target.checked })} />
                {t('asset.gatewaySame')}
              </label>
            </div>
          )}
        </fieldset>

        <Notice error={error} testId="asset-error" />
        <div className="toolbar">
          <button type="submit" className="primary" data-testid="asset-save">
            {t('asset.save')}
          </button>
          {saved && (
            <span role="status" className="ok">
              {t('asset.saved')}
            </span>
          )}
        </div>
      </form>
      <section className="card" aria-labelledby="rdp-asset-sessions">
        <h2 id="rdp-asset-sessions">{t('asset.sessions')}</h2>
        <RdpSessionList assetId={assetId} />
      </section>
    </section>
  );
}
