/**
 * Data fetching through @tanstack/react-query: each contract call is cached under its name
 * and input, so a screen shows only the answer for what it asks now (a late answer for the
 * previous ticket lands in that ticket's cache entry, never on screen). Core events mark
 * the matching queries stale (the one map: api/stale-on-event.ts), and the screens showing
 * them fetch again. No screen keeps its own loading flag or request counter.
 */
import { useEffect, useState } from 'react';
import { QueryCache, QueryClient, useQuery, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query';
import type { CallInput, CallName, CallOutput, EventName, EventPayload } from '../../src/api/contract';
import { reportBackgroundFailure } from '../components/background-failure';
import { api, connection } from './client';
import { answeredByEvent, callKey, invalidatingEvents, staleCalls, type StaleCall } from './stale-on-event';

export const queryClient = new QueryClient({
  // A failed read that no screen words itself goes to the shell's notice, never dropped.
  queryCache: new QueryCache({ onError: (err, query) => void (query.meta?.showsError ? undefined : reportBackgroundFailure(err)) }),
  defaultOptions: {
    queries: {
      // The core answers locally: an error is shown at once rather than retried in silence.
      retry: false,
      // Freshness comes from the core's events (and a screen asks again when it opens, for
      // changes no event announces), not from focus or a timer.
      refetchOnWindowFocus: false,
    },
  },
});

/** The query (key and fetch) of one contract call. */
export function callQuery<N extends CallName>(name: N, input: CallInput<N>) {
  const call = api.call as (n: N, i: CallInput<N>) => Promise<CallOutput<N>>;
  return { queryKey: callKey(name, input), queryFn: (): Promise<CallOutput<N>> => call(name, input) };
}

export type CallQueryOptions<N extends CallName, T = CallOutput<N>> = Omit<UseQueryOptions<CallOutput<N>, Error, T>, 'queryKey' | 'queryFn' | 'meta'> & {
  /** The screen shows `error` itself; otherwise a failure goes to the background notice. */
  showsError?: boolean;
};

/** The answer to `name(input)`, cached under both and kept fresh by the core's events. */
export function useCall<N extends CallName, T = CallOutput<N>>(name: N, input: CallInput<N>, options: CallQueryOptions<N, T> = {}): UseQueryResult<T, Error> {
  const { showsError, ...rest } = options;
  return useQuery({ ...callQuery(name, input), ...rest, meta: { showsError: !!showsError } });
}

/** Marks every cached answer of `name` (or of that input) stale; shown ones are fetched again. */
export function invalidateCall(name: CallName, input?: Record<string, unknown>): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: input ? callKey(name, input) : [name] });
}

/** `value` once it has not changed for `ms`: a search asks for what was typed, not each keystroke. */
export function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return settled;
}

export const ticketQuery = (id: string) => callQuery('tickets.get', { id });

/** A ticket with its timeline, kept fresh by `tickets.changed`. */
export function useTicketDetail(id: string) {
  return useQuery({ ...ticketQuery(id), meta: { showsError: true } });
}

/**
 * Events come in bursts (a sync applies hundreds of tickets). What one ticket or run shows
 * is fetched again at once; reads over everything (the dashboard, the incident register)
 * are invalidated once the burst settles, so they are computed once per burst.
 */
const SETTLE_MS = 120;
const MAX_WAIT_MS = 1000;
const pending = new Map<string, StaleCall>();
let timer: ReturnType<typeof setTimeout> | undefined;
let firstPendingAt = 0;

function flush(): void {
  timer = undefined;
  const batch = [...pending.values()];
  pending.clear();
  for (const stale of batch) void invalidateCall(stale.name, stale.input);
}

function markStale(calls: StaleCall[]): void {
  for (const c of calls) {
    if (c.input) {
      void invalidateCall(c.name, c.input);
      continue;
    }
    if (pending.size === 0) firstPendingAt = Date.now();
    pending.set(c.name, c);
  }
  if (pending.size === 0) return;
  clearTimeout(timer);
  timer = setTimeout(flush, Date.now() - firstPendingAt >= MAX_WAIT_MS ? 0 : SETTLE_MS);
}

let connected = false;
/** Wires the core's events to the queries they make stale (once per page). */
export function connectQueriesToEvents(): void {
  if (connected) return;
  connected = true;
  for (const event of invalidatingEvents) {
    api.on(event, (payload: EventPayload<EventName>) => markStale(staleCalls(event, payload)));
  }
  for (const [event, name] of Object.entries(answeredByEvent) as [EventName, CallName][]) {
    api.on(event, (answer) => queryClient.setQueriesData({ queryKey: [name] }, answer));
  }
  // Events sent while the link to the core was down are lost: after a reconnection every
  // cached answer may be stale.
  let wasDown = false;
  connection.subscribe((state) => {
    if (state === 'disconnected') wasDown = true;
    if (state === 'connected' && wasDown) {
      wasDown = false;
      void queryClient.invalidateQueries();
    }
  });
}
