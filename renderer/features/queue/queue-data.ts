import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueueFilter, QueueRow, SortColumn } from '../../../src/domain/queue';
import { api } from '../../api/client';

export const PAGE_SIZE = 100;

export interface QueueParams {
  filter: QueueFilter;
  sort: SortColumn;
  dir: 'asc' | 'desc';
}

/**
 * The rows of the queue, fetched page by page as the virtual list scrolls: the core
 * sorts and filters, the renderer never holds more than the pages seen. A change event
 * invalidates every page and refetches the ones on screen.
 */
export function useQueueRows(params: QueueParams) {
  const key = JSON.stringify(params);
  const [total, setTotal] = useState<number | null>(null);
  const [capped, setCapped] = useState(false);
  const [hints, setHints] = useState<{ elsewhere: number; correctedText: string | null }>({ elsewhere: 0, correctedText: null });
  const [pages, setPages] = useState<Map<number, QueueRow[]>>(new Map());
  const [error, setError] = useState<unknown>(null);
  const loading = useRef(new Set<number>());
  const generation = useRef(0);
  const wanted = useRef<number[]>([0]);

  const fetchPage = useCallback(
    (page: number, withTotal: boolean) => {
      const gen = generation.current;
      if (loading.current.has(page) && !withTotal) return;
      loading.current.add(page);
      const p = JSON.parse(key) as QueueParams;
      api.call('tickets.list', { filter: p.filter, sort: p.sort, dir: p.dir, offset: page * PAGE_SIZE, limit: PAGE_SIZE, withTotal }).then(
        (res) => {
          loading.current.delete(page);
          if (gen !== generation.current) return;
          if (withTotal) {
            setTotal(res.total);
            setCapped(res.capped);
            setHints({ elsewhere: res.elsewhere, correctedText: res.correctedText });
          }
          setPages((prev) => new Map(prev).set(page, res.rows));
          setError(null);
        },
        (err) => {
          loading.current.delete(page);
          if (gen === generation.current) setError(err);
        },
      );
    },
    [key],
  );

  // New query: forget everything, start from the first page (with the total).
  useEffect(() => {
    generation.current++;
    loading.current.clear();
    setPages(new Map());
    setTotal(null);
    fetchPage(0, true);
  }, [fetchPage]);

  /** Asks for the pages covering rows [start, end]. */
  const ensureRange = useCallback(
    (start: number, end: number) => {
      const first = Math.floor(Math.max(0, start) / PAGE_SIZE);
      const last = Math.floor(Math.max(0, end) / PAGE_SIZE);
      wanted.current = [];
      for (let p = first; p <= last; p++) {
        wanted.current.push(p);
        if (!pages.has(p)) fetchPage(p, false);
      }
    },
    [pages, fetchPage],
  );

  /** After a change: keep showing the old rows until the fresh ones arrive (no flicker). */
  const refresh = useCallback(() => {
    generation.current++;
    loading.current.clear();
    const keep = wanted.current.length ? wanted.current : [0];
    setPages((prev) => new Map([...prev].filter(([p]) => keep.includes(p))));
    keep.forEach((p, i) => fetchPage(p, i === 0));
  }, [fetchPage]);

  const rowAt = (i: number): QueueRow | undefined => pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  return { total, capped, hints, rowAt, ensureRange, refresh, error };
}
