import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { queryClient, useCall, callQuery } from '../../api/queries';
import type { CallOutput, EventPayload } from '../../../src/api/contract';

export type SyncStatusDto = CallOutput<'sync.status'>;
export type SyncProgress = EventPayload<'sync.progress'>;

/** The sync status, kept current by `sync.changed` (api/queries.ts); progress of the running sync. */
export function useSyncStatus() {
  const status = useCall('sync.status', undefined).data ?? null;
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  useEffect(() => api.on('sync.progress', (p) => setProgress(p)), []);
  useEffect(() => {
    if (status && !status.running) setProgress(null);
  }, [status]);
  return { status, progress };
}

/** A contract error in the UI's language (one implementation: components/Notice). */
export { errorText } from '../../components/Notice';

/** A ticket's sync state, fetched again on `sync.ticketState` for it. */
export function useTicketSync(ticketId: string) {
  const state = useCall('sync.ticket', { ticketId }).data ?? null;
  const { queryKey } = callQuery('sync.ticket', { ticketId });
  return {
    state,
    /** An action's answer is the new state: shown at once. */
    setState: (next: CallOutput<'sync.ticket'>) => queryClient.setQueryData(queryKey, next),
    reload: () => void queryClient.invalidateQueries({ queryKey }),
  };
}
