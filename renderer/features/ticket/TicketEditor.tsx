import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryHit } from '../../../src/domain/directory';
import type { TicketEdit } from '../../../src/domain/ticket-edit';
import type { Asset, Person, Ticket } from '../../../src/domain/tickets';
import { ChannelField, LevelField, TypeField } from './TicketFields';
import { api } from '../../api/client';
import { hitLabel } from '../call-log/RequesterPicker';
import { errorText, type TicketMeta } from './ticket-meta';
import { useCall, useSettled } from '../../api/queries';
import { keepPreviousData } from '@tanstack/react-query';
import { Notice } from '../../components/Notice';

/**
 * Correct a logged ticket: subject, type, channel, category, urgency and impact (priority
 * and SLA follow), PC. Only what changed is sent; Escape closes without saving.
 */
export function TicketEditor({ ticket, assets, meta, onClose }: { ticket: Ticket; assets: Asset[]; meta: TicketMeta | null; onClose(saved: boolean): void }) {
  const { t, i18n } = useTranslation('hotline');
  const [f, setF] = useState({ subject: ticket.subject, type: ticket.type, channel: ticket.channel, categoryId: ticket.categoryId ?? '', urgency: ticket.urgency, impact: ticket.impact, assetId: ticket.assetIds[0] ?? '' });
  // The requester's own PCs are the likely right ones: offered beside the ticket's.
  const directory = useCall('directory.search', { q: ticket.requesterName.trim() || '-', limit: 10 }, { enabled: !!ticket.requesterId && !!ticket.requesterName.trim() });
  const mine = directory.data?.hits.find((h) => h.person?.id === ticket.requesterId)?.personAssets ?? [];
  const pcs: Asset[] = [...assets, ...mine.filter((a) => !assets.some((c) => c.id === a.id))];
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  const save = async () => {
    const changes: TicketEdit = {};
    if (f.subject.trim() !== ticket.subject) changes.subject = f.subject.trim();
    if (f.type !== ticket.type) changes.type = f.type;
    if (f.channel !== ticket.channel) changes.channel = f.channel;
    if ((f.categoryId || null) !== ticket.categoryId) changes.categoryId = f.categoryId || null;
    if (f.urgency !== ticket.urgency) changes.urgency = f.urgency;
    if (f.impact !== ticket.impact) changes.impact = f.impact;
    if (f.assetId !== (ticket.assetIds[0] ?? '')) changes.assetIds = f.assetId ? [f.assetId] : [];
    if (Object.keys(changes).length === 0) return onClose(false);
    try {
      await api.call('tickets.edit', { id: ticket.id, changes });
      onClose(true);
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onClose(false);
    else if (e.key === 'Enter' && e.ctrlKey) void save();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <form className="card ticket-editor" data-testid="ticket-editor" onKeyDown={onKeyDown} onSubmit={(e) => { e.preventDefault(); void save(); }} aria-label={t('edit.title')}>
      <h2>{t('edit.title')}</h2>
      <label className="field">
        <span>{t('field.subject')}</span>
        <input ref={first} data-testid="edit-subject" maxLength={200} value={f.subject} onChange={(e) => setF({ ...f, subject: e.target.value })} />
      </label>
      <div className="call-grid">
        <label className="field">
          <span>{t('field.category')}</span>
          <select data-testid="edit-category" value={f.categoryId} onChange={(e) => setF({ ...f, categoryId: e.target.value })}>
            <option value="">{t('field.noCategory')}</option>
            {meta?.categories.filter((c) => c.active || c.id === f.categoryId).map((c) => <option key={c.id} value={c.id}>{c.fullName}</option>)}
          </select>
        </label>
        <LevelField field="urgency" testId="edit-urgency" value={f.urgency} onChange={(v) => setF({ ...f, urgency: v })} />
        <LevelField field="impact" testId="edit-impact" value={f.impact} onChange={(v) => setF({ ...f, impact: v })} />
        <TypeField testId="edit-type" value={f.type} onChange={(v) => setF({ ...f, type: v })} />
        <ChannelField testId="edit-channel" value={f.channel} onChange={(v) => setF({ ...f, channel: v })} />
        <label className="field">
          <span>{t('field.pc')}</span>
          <select data-testid="edit-pc" value={f.assetId} onChange={(e) => setF({ ...f, assetId: e.target.value })}>
            <option value="">—</option>
            {pcs.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
      </div>
      <Notice error={error} />
      <div className="toolbar">
        <button type="submit" className="primary" data-testid="edit-save">{t('edit.save')} <kbd aria-hidden="true">Ctrl+Entrée</kbd></button>
        <button type="button" onClick={() => onClose(false)}>{t('edit.cancel')} <kbd aria-hidden="true">Échap</kbd></button>
      </div>
    </form>
  );
}

/**
 * "Mauvais homonyme": the people with the same name as the ticket's requester, the first
 * other one already selected, so Enter fixes it (two keystrokes from the ticket: D, Enter).
 * Typing searches the whole directory instead.
 */
export function RequesterFix({ ticket, requester, onClose }: { ticket: Ticket; requester: Person | null; onClose(saved: boolean): void }) {
  const { t, i18n } = useTranslation('hotline');
  const [q, setQ] = useState(requester?.lastName ?? ticket.requesterName);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  // Asked once typing pauses; the last hits stay while the next ones come.
  const text = useSettled(q.trim(), 60);
  const search = useCall('directory.search', { q: text || '-', limit: 12 }, { enabled: !!text && !!q.trim(), placeholderData: keepPreviousData });
  const hits: DirectoryHit[] = !q.trim() ? [] : (search.data?.hits ?? []).filter((h, i, all) => h.person && h.person.id !== ticket.requesterId && all.findIndex((x) => x.person?.id === h.person?.id) === i);
  // New hits: the first one is the one Enter takes.
  useEffect(() => setActive(0), [search.data]);

  const choose = async (hit: DirectoryHit | undefined) => {
    if (!hit?.person) return;
    try {
      await api.call('tickets.edit', { id: ticket.id, changes: { requester: { personId: hit.person.id } } });
      onClose(true);
    } catch (err) {
      setError(errorText(err, i18n.language));
    }
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(hits.length - 1, a + 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1));
    else if (e.key === 'Enter') void choose(hits[active]);
    else if (e.key === 'Escape') onClose(false);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div className="card requester-fix" data-testid="requester-fix" onKeyDown={onKeyDown} role="dialog" aria-labelledby="requester-fix-title">
      <h2 id="requester-fix-title">{t('edit.requesterTitle')}</h2>
      <p className="muted">{t('edit.requesterHint', { name: ticket.requesterName })}</p>
      <input ref={input} data-testid="requester-fix-input" role="combobox" aria-expanded="true" aria-controls="requester-fix-list" aria-activedescendant={hits.length ? `requester-fix-${active}` : undefined} value={q} onChange={(e) => setQ(e.target.value)} aria-label={t('field.requester')} />
      <ul id="requester-fix-list" role="listbox" className="suggestions-inline" data-testid="requester-fix-list">
        {hits.map((h, i) => (
          <li key={h.person!.id} id={`requester-fix-${i}`} role="option" aria-selected={i === active} onClick={() => void choose(h)}>
            {hitLabel({ ...h, asset: null })}
            {h.personAssets.length > 0 && <span className="muted"> — {h.personAssets.map((a) => a.name).join(', ')}</span>}
          </li>
        ))}
        {hits.length === 0 && <li className="muted">{t('call.directoryNone')}</li>}
      </ul>
      <Notice error={error} />
    </div>
  );
}
