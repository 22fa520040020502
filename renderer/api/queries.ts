/**
 * Data fetching through @tanstack/react-query: each contract call is cached under its name
 * and input, so a screen shows only the answer for what it asks now (a late answer for the
 * previous ticket lands in that ticket's cache entry, never on screen). Core events mark
 * the matching queries stale, and the screens showing them fetch again.
 */
import { QueryClient, useQuery } from '@tanstack/react-query';
import type { CallOutput } from '../../src/api/contract';
import { api } from './client';

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // The core answers locally: an error is shown at once rather than retried in silence.
      retry: false,
      // Freshness comes from the core's events, not from focus or a timer.
      refetchOnWindowFocus: false,
      staleTime: Infinity,
    },
  },
});

export const ticketQuery = (id: string) => ({
  queryKey: ['tickets.get', id] as const,
  queryFn: (): Promise<CallOutput<'tickets.get'>> => api.call('tickets.get', { id }),
});

/** A ticket with its timeline, kept fresh by `tickets.changed`. */
export function useTicketDetail(id: string) {
  return useQuery(ticketQuery(id));
}

let connected = false;
/** Wires the core's events to the queries they make stale (once per page). */
export function connectQueriesToEvents(): void {
  if (connected) return;
  connected = true;
  api.on('tickets.changed', (p) => {
    for (const id of p.ids) void queryClient.invalidateQueries({ queryKey: ['tickets.get', id] });
  });
}
