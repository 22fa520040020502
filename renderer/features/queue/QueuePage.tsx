import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { SavedView, SortColumn, QueueFilter } from '../../../src/domain/queue';
import { api } from '../../api/client';
import { navigate } from '../../app/router';
import { shortcuts, useShortcut } from '../../app/shortcuts';
import { useTicketMeta } from '../ticket/ticket-meta';
import { Notice } from '../../components/Notice';
import { QueueCells } from './QueueCells';
import { useQueueRows, type QueueParams } from './queue-data';
import { QueueFilters } from './QueueFilters';
import { SavedViews, type ViewWithCount } from './SavedViews';
import { QueueSecurityBanner } from '../incidents/SecurityBanner';
import './queue.css';

const ROW_HEIGHT = 40;
const COLUMNS: { id: SortColumn; className: string; label?: string }[] = [
  { id: 'number', className: 'c-number' },
  { id: 'subject', className: 'c-subject' },
  { id: 'status', className: 'c-status' },
  { id: 'priority', className: 'c-priority' },
  { id: 'requester', className: 'c-requester' },
  { id: 'organisation', className: 'c-organisation' },
  { id: 'service', className: 'c-service' },
  { id: 'team', className: 'c-team' },
  { id: 'technician', className: 'c-technician' },
  { id: 'updatedAt', className: 'c-date' },
  { id: 'ttrDue', className: 'c-sla', label: 'sla' },
];

const DEFAULT_PARAMS: QueueParams = { filter: { statuses: [1, 2, 3, 4] }, sort: 'updatedAt', dir: 'desc' };

/** Where the queue was when a ticket was opened: Escape on the ticket comes back to it. */
let remembered: { params: QueueParams; viewId: string | null; text: string; active: number; openedTicket?: boolean } | null = null;
const openTicket = (id: string) => {
  if (remembered) remembered.openedTicket = true;
  navigate({ page: 'ticket', id });
};

/** The ticket queue: a virtual list over any number of tickets, sorted and filtered by the core. */
export function QueuePage() {
  const { t } = useTranslation('hotline');
  const meta = useTicketMeta();
  const [restored] = useState(() => remembered);
  const [params, setParams] = useState<QueueParams>(restored?.params ?? DEFAULT_PARAMS);
  const [viewId, setViewId] = useState<string | null>(restored?.viewId ?? 'open');
  const [text, setText] = useState(restored?.text ?? '');
  const [views, setViews] = useState<ViewWithCount[]>([]);
  const [viewsError, setViewsError] = useState<unknown>(null);
  const [active, setActive] = useState(restored?.active ?? 0);
  useEffect(() => {
    remembered = { params, viewId, text, active };
  }, [params, viewId, text, active]);
  const searchRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const { total, capped, hints, rowAt, ensureRange, refresh, error } = useQueueRows(params);

  // The search box feeds the filter after a short pause in typing.
  useEffect(() => {
    const id = setTimeout(() => {
      setParams((p) => (p.filter.text ?? '') === text.trim() ? p : { ...p, filter: { ...p.filter, text: text.trim() || undefined } });
    }, 150);
    return () => clearTimeout(id);
  }, [text]);

  const loadViews = () => void api.call('tickets.views').then((r) => setViews(r.views), setViewsError);
  useEffect(loadViews, []);
  // Live: any ticket change refreshes the rows on screen and the view counts.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const off = api.on('tickets.changed', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        refresh();
        loadViews();
      }, 250);
    });
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [refresh]);

  useShortcut(shortcuts.search, () => searchRef.current?.focus());

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => listRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) ensureRange(first, last);
  }, [first, last, count, ensureRange]);
  const firstParams = useRef(params);
  useEffect(() => {
    if (params !== firstParams.current) setActive(0);
  }, [params]);
  // Back from a ticket: the same row is selected, in view and focused.
  const restoredDone = useRef(false);
  useEffect(() => {
    if (!restored?.openedTicket || count === 0 || restoredDone.current) return;
    restoredDone.current = true;
    // Only when nothing else took the focus meanwhile (Ctrl+K, a click).
    if (document.activeElement && document.activeElement !== document.body && document.activeElement.id !== 'main') return;
    virtualizer.scrollToIndex(restored.active, { align: 'center' });
    listRef.current?.focus();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [count > 0]);

  const applyView = (v: SavedView) => {
    setViewId(v.id);
    setText(v.filter.text ?? '');
    setParams({ filter: v.filter, sort: v.sort, dir: v.dir });
  };
  const setFilter = (filter: QueueFilter) => {
    setViewId(null);
    setParams((p) => ({ ...p, filter: { ...filter, text: p.filter.text } }));
  };
  const sortBy = (col: SortColumn) =>
    setParams((p) => ({ ...p, sort: col, dir: p.sort === col && p.dir === 'desc' ? 'asc' : p.sort === col ? 'desc' : col === 'subject' || col === 'requester' ? 'asc' : 'desc' }));

  const move = (to: number) => {
    const i = Math.max(0, Math.min(count - 1, to));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onListKey = (e: KeyboardEvent) => {
    const pageRows = Math.max(1, Math.floor((listRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'PageDown') move(active + pageRows);
    else if (e.key === 'PageUp') move(active - pageRows);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(count - 1);
    else if (e.key === 'Enter') {
      const row = rowAt(active);
      if (row) openTicket(row.id);
    } else return;
    e.preventDefault();
  };

  return (
    <section className="page queue-page" aria-labelledby="page-title">
      <QueueSecurityBanner />
      <header className="queue-header">
        <h1 id="page-title">{t('queue.title')}</h1>
        <label className="queue-search">
          <span className="visually-hidden">{t('queue.search')}</span>
          <input
            ref={searchRef}
            type="search"
            data-testid="queue-search"
            placeholder={t('queue.searchHint')}
            aria-label={t('queue.search')}
            maxLength={200}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'Enter') {
                e.preventDefault();
                listRef.current?.focus();
              }
            }}
          />
        </label>
        <span className="muted" data-testid="queue-total" aria-live="polite">
          {total === null ? t('queue.loading') : capped ? t('queue.countCapped', { count: total }) : t('queue.count', { count: total })}
        </span>
      </header>
      {hints.correctedText && total !== null && total > 0 && (
        <p className="muted" data-testid="queue-corrected">
          {t('queue.corrected', { typed: params.filter.text ?? '', used: hints.correctedText })}
        </p>
      )}
      <SavedViews views={views} activeId={viewId} onApply={applyView} current={params} onChanged={loadViews} />
      <QueueFilters filter={params.filter} meta={meta} onChange={setFilter} />
      <Notice error={error} />
      <Notice error={viewsError} />
      <div className="queue-table" role="presentation">
        <div className="queue-row queue-head" role="presentation">
          {COLUMNS.map((c) => (
            <button
              key={c.id}
              type="button"
              className={`cell ${c.className}`}
              aria-sort={params.sort === c.id ? (params.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              title={t('queue.sortBy', { column: t(`queue.col.${c.label ?? c.id}`) })}
              onClick={() => sortBy(c.id)}
              data-testid={`sort-${c.id}`}
            >
              {t(`queue.col.${c.label ?? c.id}`)}
              {params.sort === c.id && <span aria-hidden="true">{params.dir === 'asc' ? ' ▲' : ' ▼'}</span>}
            </button>
          ))}
        </div>
        <div
          ref={listRef}
          className="queue-body"
          role="listbox"
          tabIndex={0}
          aria-label={t('queue.listLabel')}
          aria-activedescendant={count > 0 ? `queue-row-${active}` : undefined}
          onKeyDown={onListKey}
          data-testid="queue-list"
        >
          {total === 0 && (
            <p className="muted queue-empty" data-testid="queue-empty">
              {t('queue.empty')}{' '}
              {hints.elsewhere > 0 && (
                <button
                  type="button"
                  className="link"
                  data-testid="queue-elsewhere"
                  onClick={() => {
                    const all = views.find((v) => v.id === 'all');
                    if (all) applyView({ ...all, filter: { ...all.filter, text: text.trim() } });
                  }}
                >
                  {t('queue.elsewhere', { count: hints.elsewhere })}
                </button>
              )}
            </p>
          )}
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rowAt(item.index);
              return (
                <div
                  key={item.key}
                  id={`queue-row-${item.index}`}
                  role="option"
                  aria-selected={item.index === active}
                  className="queue-row"
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
                  data-testid={row ? 'queue-row' : 'queue-row-loading'}
                  onClick={() => row && openTicket(row.id)}
                >
                  {row ? (
                    <QueueCells row={row} />
                  ) : (
                    <span className="cell muted">…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}
