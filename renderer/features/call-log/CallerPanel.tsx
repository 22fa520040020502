import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallerTicket, Duplicates } from '../../../src/domain/caller';
import { useCall, useSettled } from '../../api/queries';
import { routeHref } from '../../app/router';
import { formatCompactDate } from '../queue/compact-time';
import type { Requester } from './RequesterPicker';
import { useOrgTree } from '../organisation/useOrgTree';
import { ServiceLabel } from '../organisation/TierBadge';

const sameCaller = (input: unknown, personId: string | null, assetIds: string[]) => {
  const prev = input as { personId: string | null; assetIds: string[] } | undefined;
  return !!prev && prev.personId === personId && JSON.stringify(prev.assetIds) === JSON.stringify(assetIds);
};

/**
 * The right-hand side of the call form: who is calling (service, site, PCs), their open and
 * recent tickets and those of their PC, and likely duplicates of what is being typed. An
 * open or similar ticket numbered 1–9 takes the call as a follow-up with Alt+that number.
 * Sections are a plain list so other features (service tier, loans…) can add theirs.
 */
export function CallerPanel({ requester, text, onAddTo, onLinkTo }: { requester: Requester; text: string; onAddTo(ticket: CallerTicket): void; onLinkTo?(parent: CallerTicket): void }) {
  const { t, i18n } = useTranslation('hotline');
  const person = requester?.kind === 'directory' ? requester.hit.person : null;
  const assetIds = requester?.kind === 'directory' ? (requester.hit.asset ? [requester.hit.asset.id] : requester.hit.personAssets.map((a) => a.id)) : [];
  const personId = person?.id ?? null;
  const known = personId !== null || assetIds.length > 0;
  // Keyed by the caller: after a change of requester only the new one's tickets are shown.
  const context = useCall('caller.context', { personId, assetIds }, { enabled: known }).data ?? null;
  // Checked after a pause in typing: the warning follows what the operator writes, and the
  // last one stays while the next is asked (for the same caller only).
  const typed = useSettled(text, 400);
  const longEnough = typed.trim().length >= 4 && text.trim().length >= 4;
  const duplicates = useCall('caller.duplicates', { personId, assetIds, text: typed }, { enabled: longEnough, placeholderData: (prev, prevQuery) => (sameCaller(prevQuery?.queryKey[1], personId, assetIds) ? prev : undefined) });
  const dups: Duplicates | null = longEnough ? (duplicates.data ?? null) : null;
  // The caller's service with its criticality tier (V1 = vital), and its organisation.
  const tree = useOrgTree();
  const service = person?.serviceId ? tree?.units.find((u) => u.id === person.serviceId) : undefined;
  const organisation = service ? tree?.organisations.find((o) => o.id === service.organisationId) : undefined;


  // Numbered for Alt+1…9: likely duplicates first, then the caller's other open tickets.
  const similar = dups?.similar.filter((x) => x.status < 5) ?? [];
  // In an outage, the open tickets of the last hour's similar calls come next: one of them is
  // the "incident majeur" the call can be linked under (Alt+Shift+N).
  const outageOpen = dups?.outage ? dups.lastHour.filter((x) => x.status < 5) : [];
  const numbered = [...similar, ...outageOpen, ...(context?.open ?? [])].filter((x, i, all) => all.findIndex((y) => y.id === x.id) === i).slice(0, 9);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      // Alt+Shift+N by the key's place (Shift changes the character it types).
      const digit = e.shiftKey ? /^Digit([1-9])$/.exec(e.code)?.[1] : /^[1-9]$/.test(e.key) ? e.key : undefined;
      const target = digit ? numbered[Number(digit) - 1] : undefined;
      if (!target || (e.shiftKey && !onLinkTo)) return;
      e.preventDefault();
      if (e.shiftKey) onLinkTo!(target);
      else onAddTo(target);
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  });

  const line = (x: CallerTicket, n: number | null) => (
    <li key={x.id} data-testid="caller-ticket">
      <span className="caller-ticket-text">
        {n !== null && <kbd aria-hidden="true">Alt+{n}</kbd>}{' '}
        <a href={routeHref({ page: 'ticket', id: x.id })} title={x.subject}>
          {t('caller.ticketRef', { number: x.number })} — {x.subject}
        </a>{' '}
        <span className="muted">
          {t(`statusShort.${x.status}`)} · {formatCompactDate(x.updatedAt, i18n.language)}
          {x.via === 'asset' ? ` · ${t('caller.viaPc')}` : ''}
        </span>
      </span>
      {n !== null && (
        // On their own line, so a long subject never hides them (the subject truncates instead).
        <span className="caller-ticket-actions">
          <button type="button" className="link" onClick={() => onAddTo(x)} data-testid="caller-add-followup">
            {t('caller.addHere')}
          </button>
          {onLinkTo && (
            <button type="button" className="link" onClick={() => onLinkTo(x)} data-testid="caller-link-parent" title={`Alt+Maj+${n}`}>
              {t('caller.linkHere')}
            </button>
          )}
        </span>
      )}
    </li>
  );
  const numberOf = (x: CallerTicket) => {
    const i = numbered.findIndex((n) => n.id === x.id);
    return i < 0 ? null : i + 1;
  };

  const sections: { id: string; node: React.ReactNode }[] = [];
  if (dups?.outage) {
    sections.push({
      id: 'outage',
      node: (
        <div className="caller-warning outage" role="alert" data-testid="caller-outage">
          <strong>{t('caller.outage', { count: dups.lastHour.length })}</strong>
          {onLinkTo && <p className="muted caller-hint" data-testid="caller-link-hint">{t('caller.linkHint')}</p>}
          <ul>{dups.lastHour.slice(0, 5).map((x) => line(x, numberOf(x)))}</ul>
        </div>
      ),
    });
  }
  if (dups && dups.similar.length > 0) {
    sections.push({
      id: 'duplicates',
      node: (
        <div className="caller-warning" role="status" data-testid="caller-duplicates">
          <strong>{t('caller.duplicates')}</strong>
          <ul>{dups.similar.map((x) => line(x, numberOf(x)))}</ul>
        </div>
      ),
    });
  }
  if (person) {
    sections.push({
      id: 'who',
      node: (
        <dl className="caller-who" data-testid="caller-who">
          <dt>{t('caller.service')}</dt>
          <dd data-testid="caller-service" data-tier={service?.tier ?? undefined}>
            {service ? <ServiceLabel name={service.name} tier={service.tier} archived={service.archived} /> : person.department || '—'}
            {organisation && <span className="muted"> · {organisation.name}</span>}
          </dd>
          <dt>{t('caller.site')}</dt>
          <dd>{person.site || '—'}</dd>
          <dt>{t('caller.phone')}</dt>
          <dd>{person.phone || '—'}</dd>
        </dl>
      ),
    });
  }
  if (context) {
    sections.push({
      id: 'open',
      node: (
        <div data-testid="caller-open">
          <h3>{t('caller.open', { count: context.open.length })}</h3>
          {context.open.length === 0 ? <p className="muted">{t('caller.none')}</p> : <ul>{context.open.map((x) => line(x, numberOf(x)))}</ul>}
        </div>
      ),
    });
    sections.push({
      id: 'recent',
      node: (
        <div data-testid="caller-recent">
          <h3>{t('caller.recent')}</h3>
          {context.recent.length === 0 ? <p className="muted">{t('caller.none')}</p> : <ul>{context.recent.map((x) => line(x, null))}</ul>}
        </div>
      ),
    });
  }
  return (
    <aside className="card caller-panel" aria-label={t('caller.title')} data-testid="caller-panel">
      <h2>{t('caller.title')}</h2>
      {sections.length === 0 ? <p className="muted">{t('caller.empty')}</p> : sections.map((s) => <section key={s.id}>{s.node}</section>)}
    </aside>
  );
}
