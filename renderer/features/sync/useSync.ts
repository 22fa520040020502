import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { CallOutput, EventPayload } from '../../../src/api/contract';
import { reportBackgroundFailure } from '../../components/background-failure';

export type SyncStatusDto = CallOutput<'sync.status'>;
export type SyncProgress = EventPayload<'sync.progress'>;

/** The sync status, kept current by `sync.changed` events; progress of the running sync. */
export function useSyncStatus() {
  const [status, setStatus] = useState<SyncStatusDto | null>(null);
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  useEffect(() => {
    let alive = true;
    api.call('sync.status').then((s) => alive && setStatus(s), reportBackgroundFailure);
    const off1 = api.on('sync.changed', (s) => {
      setStatus(s);
      if (!s.running) setProgress(null);
    });
    const off2 = api.on('sync.progress', (p) => setProgress(p));
    return () => {
      alive = false;
      off1();
      off2();
    };
  }, []);
  return { status, progress };
}

/** A contract error in the UI's language (one implementation: components/Notice). */
export { errorText } from '../../components/Notice';

export function useTicketSync(ticketId: string) {
  const [state, setState] = useState<CallOutput<'sync.ticket'> | null>(null);
  const reload = useCallback(() => {
    api.call('sync.ticket', { ticketId }).then(setState, reportBackgroundFailure);
  }, [ticketId]);
  useEffect(() => {
    reload();
    const off = api.on('sync.ticketState', (p) => {
      if (p.ticketIds.includes(ticketId)) reload();
    });
    return off;
  }, [ticketId, reload]);
  return { state, setState, reload };
}
