import { useCallback, useEffect, useMemo, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import type { OrgNames } from '../../../src/domain/seats';
import { api } from '../../api/client';
import { invalidateCall, useCall } from '../../api/queries';
import { useShortcut } from '../../app/shortcuts';
import { PoolForm, RequestForm } from './SeatForms';
import { SeatLists } from './SeatLists';
import { Waitlist } from './Waitlist';
import { liveText, overAllocationText, refusalText } from './wording';
import './seats.css';
import { errorText, Notice } from '../../components/Notice';

export type Overview = CallOutput<'seats.overview'>;
export type Lang = 'fr' | 'en';

export function useLang(): Lang {
  const { i18n } = useTranslation();
  return i18n.language.startsWith('en') ? 'en' : 'fr';
}
export { errorText };

/** "Accès distants": pools with capacity, quotas and live use, the waiting list, reclaim and expiry. */
export function SeatsPage() {
  const { t } = useTranslation('seats');
  const lang = useLang();
  // Kept fresh by `seats.changed` (api/stale-on-event.ts): a seat given at another console shows here.
  const poolsQuery = useCall('seats.pools', undefined, { showsError: true });
  const orgsQuery = useCall('seats.organisations', undefined, { showsError: true });
  const pools = poolsQuery.data?.pools ?? null;
  // The request form starts on the first organisation: the pool's cards wait for the list.
  const orgs = useMemo(() => orgsQuery.data?.organisations ?? [], [orgsQuery.data]);
  const [chosenPool, setPoolId] = useState<string | null>(null);
  const poolId = chosenPool ?? pools?.[0]?.id ?? null;
  // The pool first shown stays shown when another one, listed before it, is created elsewhere.
  useEffect(() => {
    if (!chosenPool && poolId) setPoolId(poolId);
  }, [chosenPool, poolId]);
  // Switching pools keeps the last one on screen until the next one's answer arrives.
  const overviewQuery = useCall('seats.overview', { poolId: poolId ?? '' }, { enabled: poolId !== null, placeholderData: keepPreviousData, showsError: true });
  const overview: Overview | null = overviewQuery.data ?? null;
  const readError = poolsQuery.error ?? orgsQuery.error ?? overviewQuery.error;
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? (readError ? errorText(readError, lang) : null);
  const [busy, setBusy] = useState(false);

  const refreshLive = useCallback(async () => {
    if (!poolId) return;
    setBusy(true);
    try {
      await api.call('seats.refreshLive', { poolId });
      // A pool without a live source answers with its error and announces nothing.
      await invalidateCall('seats.overview', { poolId });
    } catch (err) {
      setError(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  }, [poolId, lang]);
  useShortcut({ key: 'l', alt: true }, () => void refreshLive());

  const names: OrgNames = useMemo(() => Object.fromEntries(orgs.map((o) => [o.id, o.name])), [orgs]);

  return (
    <section className="page seats-page" aria-labelledby="page-title" data-testid="seats-page">
      <h1 id="page-title">{t('title')}</h1>
      <p className="muted">{t('intro')}</p>
      <p className="muted small">{t('keys')}</p>
      <Notice error={error} testId="seats-error" />
      {pools && pools.length === 0 && <p className="muted">{t('noPools')}</p>}
      {pools && pools.length > 1 && (
        <div className="toolbar" role="tablist" aria-label={t('pool')}>
          {pools.map((p) => (
            <button key={p.id} type="button" role="tab" aria-selected={p.id === poolId} className={p.id === poolId ? 'primary' : ''} onClick={() => setPoolId(p.id)}>
              {p.name}
            </button>
          ))}
        </div>
      )}
      {overview && orgsQuery.data && (
        <>
          <PoolSummary overview={overview} names={names} lang={lang} busy={busy} onRefresh={refreshLive} />
          <Waitlist overview={overview} names={names} lang={lang} onError={setError} onDone={() => setError(null)} />
          <RequestForm poolId={overview.pool.id} orgs={orgs} onError={setError} onDone={() => setError(null)} />
          <SeatLists overview={overview} names={names} lang={lang} onError={setError} />
        </>
      )}
      <SyncRtBar lang={lang} />
      <PoolForm orgs={orgs} onCreated={setPoolId} onError={setError} />
    </section>
  );
}

function PoolSummary({ overview, names, lang, busy, onRefresh }: { overview: Overview; names: OrgNames; lang: Lang; busy: boolean; onRefresh(): void }) {
  const { t } = useTranslation('seats');
  const { pool, usage, live } = overview;
  const over = overAllocationText(usage, t);
  const connectedBy = (org: string) => {
    const logins = new Set(overview.seats.filter((s) => s.organisationId === org).map((s) => s.holderLogin));
    return live.connected.filter((c) => logins.has(c.login)).length;
  };
  return (
    <div className="card pool-summary" data-testid="pool-summary">
      <div className="row">
        <h2>
          {pool.name} <span className="badge">{t(`kind.${pool.kind}`)}</span>
        </h2>
        <span data-testid="pool-capacity">{t('capacity', { used: usage.used, capacity: usage.capacity })}</span>
        <strong data-testid="live-count">{live.readAt || live.connected.length ? liveText(live.connected.length, pool.capacity, t) : t('liveUnknown')}</strong>
        {pool.live.kind !== 'none' && (
          <button type="button" onClick={onRefresh} disabled={busy} aria-keyshortcuts="Alt+L" data-testid="live-refresh">
            {t('refreshLive')}
          </button>
        )}
        {live.readAt && <span className="muted">{t('liveReadAt', { time: new Date(live.readAt).toLocaleTimeString(lang) })}</span>}
      </div>
      {live.error && (
        <p className="warn" role="status" data-testid="live-error">
          {t('liveStale')} {live.error.message[lang]}
        </p>
      )}
      <Notice error={over} testId="over-allocation" />
      <ul className="share-bars">
        {usage.shares.map((s) => {
          const verdict = overview.verdicts.find((v) => v.organisationId === s.organisationId)?.verdict;
          const pct = (n: number) => `${s.quota ? Math.min(100, (n / s.quota) * 100) : 0}%`;
          return (
            <li key={s.organisationId} data-testid={`share-${s.organisationId}`}>
              <span className="share-label">
                {t('shareLabel', { org: names[s.organisationId] ?? s.organisationId, used: s.used, quota: s.quota })} · {s.lendable ? t('lendable') : t('notLendable')}
              </span>
              <span className="bar" role="img" aria-label={`${s.used} / ${s.quota}`}>
                <span className="bar-used" style={{ width: pct(s.used) }} />
                <span className="bar-live" style={{ width: pct(connectedBy(s.organisationId)) }} />
              </span>
              {verdict && !verdict.ok && (
                <span className="warn" data-testid={`quota-message-${s.organisationId}`}>
                  {refusalText(verdict, names, t)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** Sends the queued seat changes to the ITSM server, RT or GLPI (they wait here while it is unreachable). */
function SyncRtBar({ lang }: { lang: Lang }) {
  const { t } = useTranslation('seats');
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const r = await api.call('seats.sync');
      const parts = [t('syncResult', { pushed: r.pushed, pending: r.pending })];
      if (r.stoppedBy) parts.push(r.stoppedBy.message[lang]);
      for (const a of r.attention) parts.push(`${a.pool} / ${a.login}${t('common:colon')}${a.message}`);
      setResult(parts.join(' '));
    } catch (err) {
      setResult(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="toolbar">
      <button type="button" onClick={() => void run()} disabled={busy} data-testid="seats-sync">
        {t('syncRt')}
      </button>
      {result && (
        <span role="status" data-testid="seats-sync-result">
          {result}
        </span>
      )}
    </div>
  );
}
