import { describe, expect, it } from 'vitest';
import { QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { calls, events, type CallName } from '../../../src/api/contract';
import { answeredByEvent, callKey, invalidatingEvents, staleCalls } from '../../../renderer/api/stale-on-event';

/** A client holding answers for these calls, as screens would have left them. */
function cacheWith(entries: [CallName, unknown][]): QueryClient {
  const qc = new QueryClient();
  for (const [name, input] of entries) qc.setQueryData(callKey(name, input), { answer: name });
  return qc;
}
const stale = (qc: QueryClient, name: CallName, input: unknown) => qc.getQueryState(callKey(name, input))?.isInvalidated ?? null;

async function apply(qc: QueryClient, calls: ReturnType<typeof staleCalls>) {
  for (const c of calls) await qc.invalidateQueries({ queryKey: c.input ? callKey(c.name, c.input) : [c.name] });
}

describe('the event → stale answers map', () => {
  it('a ticket change makes that ticket stale, not the other one, and the reads computed over all tickets', async () => {
    const qc = cacheWith([
      ['tickets.get', { id: 'A' }],
      ['tickets.get', { id: 'B' }],
      ['incidents.get', { ticketId: 'B' }],
      ['incidents.list', undefined],
      ['dashboard.get', { period: '7d' }],
      ['dashboard.get', { period: 'today', organisationId: 'org-1' }],
      ['tickets.meta', undefined],
    ]);
    await apply(qc, staleCalls('tickets.changed', { ids: ['B'] }));
    expect(stale(qc, 'tickets.get', { id: 'B' })).toBe(true);
    expect(stale(qc, 'tickets.get', { id: 'A' })).toBe(false);
    expect(stale(qc, 'incidents.get', { ticketId: 'B' })).toBe(true);
    expect(stale(qc, 'incidents.list', undefined)).toBe(true);
    expect(stale(qc, 'dashboard.get', { period: '7d' })).toBe(true);
    expect(stale(qc, 'dashboard.get', { period: 'today', organisationId: 'org-1' })).toBe(true);
    // Teams and categories do not move when a ticket does.
    expect(stale(qc, 'tickets.meta', undefined)).toBe(false);
  });

  it('loans and seats move the dashboard; a sync state change moves only that ticket’s sync state', async () => {
    const qc = cacheWith([
      ['dashboard.get', { period: '30d' }],
      ['sync.ticket', { ticketId: 'A' }],
      ['sync.ticket', { ticketId: 'B' }],
    ]);
    await apply(qc, staleCalls('seats.changed', { poolId: 'p1' }));
    expect(stale(qc, 'dashboard.get', { period: '30d' })).toBe(true);
    await apply(qc, staleCalls('sync.ticketState', { ticketIds: ['A'] }));
    expect(stale(qc, 'sync.ticket', { ticketId: 'A' })).toBe(true);
    expect(stale(qc, 'sync.ticket', { ticketId: 'B' })).toBe(false);
  });

  it('a loan change makes the permanence and the named tickets’ loans stale, not another ticket’s', async () => {
    const madeStale: [CallName, unknown][] = [
      ['loans.overview', undefined],
      ['loans.waitlist', undefined],
      ['loans.item', { tag: 'PC-001' }],
      ['loans.propose', { requestId: 'r1' }],
      ['loans.ofTicket', { ticketId: 'A' }],
      ['dashboard.get', { period: '7d' }],
    ];
    const qc = cacheWith([...madeStale, ['loans.ofTicket', { ticketId: 'B' }], ['seats.overview', { poolId: 'p1' }]]);
    await apply(qc, staleCalls('loans.changed', { ticketIds: ['A'] }));
    for (const [name, input] of madeStale) expect(stale(qc, name, input), name).toBe(true);
    expect(stale(qc, 'loans.ofTicket', { ticketId: 'B' })).toBe(false);
    expect(stale(qc, 'seats.overview', { poolId: 'p1' })).toBe(false);
    // A change that names no ticket (stock imported, an item's state) may concern any ticket's loans.
    await apply(qc, staleCalls('loans.changed', { ticketIds: [] }));
    expect(stale(qc, 'loans.ofTicket', { ticketId: 'B' })).toBe(true);
  });

  it('a seat change makes that pool’s overview stale, not another pool’s; the pool list and callers’ seats too', async () => {
    const qc = cacheWith([
      ['seats.overview', { poolId: 'p1' }],
      ['seats.overview', { poolId: 'p2' }],
      ['seats.pools', undefined],
      ['seats.ofHolder', { personId: 'person-1' }],
      ['seats.organisations', undefined],
      ['loans.overview', undefined],
    ]);
    await apply(qc, staleCalls('seats.changed', { poolId: 'p1' }));
    expect(stale(qc, 'seats.overview', { poolId: 'p1' })).toBe(true);
    expect(stale(qc, 'seats.overview', { poolId: 'p2' })).toBe(false);
    expect(stale(qc, 'seats.pools', undefined)).toBe(true);
    expect(stale(qc, 'seats.ofHolder', { personId: 'person-1' })).toBe(true);
    // Organisations come from the directory, not from seats; loans do not move with seats.
    expect(stale(qc, 'seats.organisations', undefined)).toBe(false);
    expect(stale(qc, 'loans.overview', undefined)).toBe(false);
  });

  it('a settings change makes the editors’ stored values stale, and only theirs', async () => {
    const qc = cacheWith([
      ['referentials.list', undefined],
      ['referentials.desk', undefined],
      ['mappings.get', undefined],
      ['security.vaultList', undefined],
      ['security.auditVerify', undefined],
      ['ssh.sessions', undefined],
      ['ssh.profiles', undefined],
    ]);
    await apply(qc, staleCalls('referentials.changed', { what: 'teams' }));
    expect(stale(qc, 'referentials.list', undefined)).toBe(true);
    expect(stale(qc, 'referentials.desk', undefined)).toBe(true);
    // Teams are the rows of the ITSM mappings.
    expect(stale(qc, 'mappings.get', undefined)).toBe(true);
    expect(stale(qc, 'security.vaultList', undefined)).toBe(false);
    await apply(qc, staleCalls('security.auditAppended', { seq: 3, action: 'vault.put' }));
    expect(stale(qc, 'security.auditVerify', undefined)).toBe(true);
    expect(stale(qc, 'security.vaultList', undefined)).toBe(false);
    await apply(qc, staleCalls('ssh.status', { sessionId: 's1', state: 'closed' }));
    expect(stale(qc, 'ssh.sessions', undefined)).toBe(true);
    expect(stale(qc, 'ssh.profiles', undefined)).toBe(false);
  });

  it('an event that changes no read makes nothing stale', () => {
    expect(staleCalls('ssh.data', { sessionId: 's', data: 'x', bytes: 1 })).toEqual([]);
    expect(staleCalls('tools.output', { runId: 'r', stream: 'stdout', text: 'x' })).toEqual([]);
  });

  it('names only real events and calls, and only fields those calls take', () => {
    for (const event of [...invalidatingEvents, ...Object.keys(answeredByEvent)]) expect(Object.keys(events)).toContain(event);
    for (const name of Object.values(answeredByEvent)) expect(Object.keys(calls)).toContain(name);
    // One sample payload per event with ids, to see every entry the rules can produce.
    const samples: Record<string, unknown> = {
      'tickets.changed': { ids: ['t1'] },
      'sync.ticketState': { ticketIds: ['t1'] },
      'rdp.session': { id: 's1' },
      'tools.finished': { run: { id: 'r1' } },
      'tools.started': { run: { id: 'r1' } },
      'tools.checklistChanged': { run: { id: 'c1' } },
      'loans.changed': { ticketIds: ['t1'] },
      'seats.changed': { poolId: 'p1' },
    };
    for (const event of invalidatingEvents) {
      for (const c of staleCalls(event, (samples[event] ?? {}) as never)) {
        expect(Object.keys(calls), `${event} → ${c.name}`).toContain(c.name);
        const schema = calls[c.name].input as z.ZodType;
        const shape = (schema instanceof z.ZodOptional ? schema.unwrap() : schema) as z.ZodObject;
        for (const field of Object.keys(c.input ?? {})) expect(Object.keys(shape.shape), `${event} → ${c.name}.${field}`).toContain(field);
      }
    }
  });
});
