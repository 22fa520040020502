import { useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CallOutput } from '../../../src/api/contract';
import { useCall, useSettled } from '../../api/queries';
import { routeHref } from '../../app/router';
import { RdpSessionList } from './RdpSessionList';
import { Notice } from '../../components/Notice';

type AssetHit = CallOutput<'rdp.assets'>['assets'][number];
type Clients = CallOutput<'rdp.clients'>;

/** The RDP part of the Remote sessions page: find a PC (to its page), recent sessions, client check. */
export function RemoteRdpSection() {
  const { t, i18n } = useTranslation('rdp');
  const [query, setQuery] = useState('');
  // Asked once typing pauses; the last hits stay while the next ones come.
  const asked = useSettled(query.trim(), 150);
  const hits: AssetHit[] | null = useCall('rdp.assets', { query: asked, limit: 20 }, { placeholderData: keepPreviousData }).data?.assets ?? null;
  const clients: Clients | null = useCall('rdp.clients', {}).data ?? null;
  const en = i18n.language.startsWith('en');

  return (
    <>
      {clients?.missing && (
        <Notice tone="warn" className="card" testId="rdp-client-missing">
          <strong>{t('page.clientsMissingLabel')}</strong>
          {en ? clients.missing.en : clients.missing.fr}
        </Notice>
      )}
      <section className="card" aria-labelledby="rdp-find-title">
        <h2 id="rdp-find-title">{t('page.findAsset')}</h2>
        <div className="rdp-find">
          <input type="search" value={query} placeholder={t('page.findPlaceholder')} aria-label={t('page.findAsset')} onChange={(e) => setQuery(e.target.value)} maxLength={100} />
        </div>
        {hits && hits.length === 0 && <p className="muted">{t('page.noResult')}</p>}
        {hits && hits.length > 0 && (
          <ul className="rdp-find-results" data-testid="rdp-asset-results">
            {hits.map((a) => (
              <li key={a.id}>
                <a href={routeHref({ page: 'remote', id: a.id })}>{a.name}</a>
                <span className="muted">
                  {a.ip ? ` · ${a.ip}` : ''}
                  {a.os ? ` · ${a.os}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card" aria-labelledby="rdp-recent-title">
        <h2 id="rdp-recent-title">{t('page.recent')}</h2>
        <RdpSessionList />
      </section>
    </>
  );
}
