/**
 * The engine's rules with a scripted in-memory connector: FIFO per ticket, bounded
 * parallelism across tickets, retry classes with exponential backoff and jitter, re-auth
 * once, parking, three-way merge, policy validation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SyncError, type Connector, type RemoteTicket, type SyncFields } from '../../../src/features/sync/types';
import { syncPolicySchema } from '../../../src/api/contracts/sync';
import { addFollowup, drainAll, localUpdate, logCall, makeHarness, outboxCounts, type Harness } from '../../support/sync-harness';

interface FakeServer {
  tickets: Map<string, { fields: Partial<SyncFields>; opId: string; followups: { body: string; opId: string }[] }>;
  log: string[];
  inFlight: number;
  maxInFlight: number;
  failNext: (SyncError | null)[];
}

function fakeConnector(server: FakeServer, delayMs = 5): Connector & { reauth(): Promise<void>; reauths: number } {
  let id = 0;
  const step = async <T>(what: string, fn: () => T): Promise<T> => {
    server.inFlight++;
    server.maxInFlight = Math.max(server.maxInFlight, server.inFlight);
    try {
      // Server latency, so that requests overlap and the parallelism limit can be measured.
      await new Promise((r) => setTimeout(r, delayMs));
      const f = server.failNext.shift();
      if (f) throw f;
      server.log.push(what);
      return fn();
    } finally {
      server.inFlight--;
    }
  };
  const c = {
    kind: 'rt' as const,
    reauths: 0,
    async reauth() {
      c.reauths++;
    },
    testConnection: async () => ({ user: 'x', serverVersion: null }),
    createTicket: (opId: string, fields: SyncFields) =>
      step(`create:${fields.subject}`, () => {
        const sid = String(++id);
        server.tickets.set(sid, { fields: { ...fields }, opId, followups: [] });
        return { serverId: sid };
      }),
    findTicketByOp: async (opId: string) => [...server.tickets.entries()].find(([, t]) => t.opId === opId)?.[0] ?? null,
    getTicket: (sid: string) =>
      step(`get:${sid}`, () => {
        const t = server.tickets.get(sid);
        if (!t) return { state: 'gone' as const };
        const ticket: RemoteTicket = { serverId: sid, updatedAt: new Date().toISOString(), createdAt: new Date().toISOString(), fields: { ...t.fields }, etag: null, opId: t.opId, deleted: false };
        return { state: 'found' as const, ticket };
      }),
    updateTicket: (sid: string, changes: Partial<SyncFields>) =>
      step(`update:${sid}:${Object.keys(changes).join(',')}`, () => {
        Object.assign(server.tickets.get(sid)!.fields, changes);
      }),
    addFollowup: (sid: string, opId: string, f: { body: string; status?: number }) =>
      step(`followup:${sid}:${f.body}${f.status !== undefined ? `@${f.status}` : ''}`, () => {
        server.tickets.get(sid)!.followups.push({ body: f.body, opId });
        return { serverId: `${sid}-${server.tickets.get(sid)!.followups.length}` };
      }),
    findFollowupByOp: async (sid: string, opId: string) => {
      const i = server.tickets.get(sid)?.followups.findIndex((f) => f.opId === opId) ?? -1;
      return i >= 0 ? `${sid}-${i + 1}` : null;
    },
    listFollowups: async () => [],
    listTickets: async () => ({ items: [], total: 0, hasMore: false }),
    listAllIds: async () => [...server.tickets.keys()],
    parseTicket: () => {
      throw new Error('unused');
    },
    close: async () => {},
  };
  return c;
}

let h: Harness;
afterEach(async () => {
  await h?.dispose();
});

async function setup(server: FakeServer, { parallelism = 4, clock }: { parallelism?: number; clock?: () => Date } = {}) {
  const conn = fakeConnector(server);
  h = await makeHarness({ connectorFactory: () => conn, engine: { parallelism, backoffBaseMs: 20, backoffMaxMs: 200 } }, clock);
  await h.sync.handlers['sync.configure']({ kind: 'rt', url: 'http://127.0.0.1:1', token: 'secret-token-value' }, { clientId: 't' });
  await h.sync.engine.idle();
  return conn;
}
const newServer = (): FakeServer => ({ tickets: new Map(), log: [], inFlight: 0, maxInFlight: 0, failNext: [] });

describe('sync engine', () => {
  it('every reply carries the status the operator left at that point, private notes too (GLPI reopens a waiting ticket on any follow-up)', async () => {
    const server = newServer();
    await setup(server);
    const c = logCall(h.core.db, { subject: 'R', status: 5 });
    addFollowup(h.core.db, c.ticketId, 'public', false);
    addFollowup(h.core.db, c.ticketId, 'privé', true);
    localUpdate(h.core.db, c.ticketId, { status: 4 });
    addFollowup(h.core.db, c.ticketId, 'après', false);
    await drainAll(h, 5_000);
    expect(server.log.filter((l) => l.startsWith('followup:')).map((l) => l.split(':').pop())).toEqual(['public@5', 'privé@5', 'après@4']);
  });

  it('a new server re-qualifies parked ops: transport, auth and wrong-server answers retried, validation refusals kept', async () => {
    const server = newServer();
    await setup(server);
    const park = (kind: string, status: number | null) => {
      const c = logCall(h.core.db, { subject: `${kind}-${status}` });
      h.core.db.prepare("UPDATE outbox SET state = 'parked', last_error = ? WHERE op_id = ?").run(JSON.stringify({ kind, status, message: 'x' }), c.createOp);
      return c.createOp;
    };
    const retried = [park('auth', 401), park('notFound', 404), park('rejected', 405), park('transient', null)];
    const kept = [park('rejected', 400), park('rejected', 422), park('rejected', 200)];
    const credentialsOnly = h.sync.engine.requalifyParked('credentials');
    expect(credentialsOnly).toBe(1);
    expect(h.sync.engine.requalifyParked('server')).toBe(3);
    const state = (op: string) => (h.core.db.prepare('SELECT state FROM outbox WHERE op_id = ?').get(op) as { state: string }).state;
    for (const op of retried) expect(state(op)).not.toBe('parked');
    for (const op of kept) expect(state(op)).toBe('parked');
  });

  it('a run that reached no server does not move "last success" nor clear the last error', async () => {
    // The engine's clock is ours: the run in backoff and the retry after it are both exercised.
    let t = Date.parse('2026-03-16T09:00:00.000Z');
    const server = newServer();
    await setup(server, { clock: () => new Date(t) });
    await h.sync.engine.sync();
    const before = h.sync.engine.status();
    expect(before.state).toBe('synced');
    server.failNext = [1, 2, 3].map(() => new SyncError('transient', 'ECONNREFUSED'));
    logCall(h.core.db, { subject: 'panne' });
    await h.sync.engine.sync({ pull: false });
    const down = h.sync.engine.status();
    expect(down.state).toBe('unreachable');
    expect(down.unreachableSince).toBeTruthy();
    const refusals = server.failNext.length;
    t += 1;
    await h.sync.engine.sync({ pull: false }); // in backoff: nothing sent
    expect(server.failNext).toHaveLength(refusals);
    expect(h.sync.engine.status()).toMatchObject({ lastSuccessAt: before.lastSuccessAt, lastError: 'ECONNREFUSED', state: 'unreachable' });
    t += 60_000; // past the longest backoff (200 ms): tried again and refused again
    await h.sync.engine.sync({ pull: false });
    expect(server.failNext.length).toBeLessThan(refusals);
    expect(h.sync.engine.status()).toMatchObject({ lastSuccessAt: before.lastSuccessAt, lastError: 'ECONNREFUSED', state: 'unreachable' });
  });

  it('drains FIFO per ticket, in parallel across tickets up to the limit; follow-ups wait for the server id', async () => {
    const server = newServer();
    await setup(server, { parallelism: 3 });
    for (let i = 0; i < 12; i++) logCall(h.core.db, { subject: `T${i}`, followups: [`a${i}`, `b${i}`, `c${i}`] });
    await drainAll(h, 10_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 48 });
    expect(server.maxInFlight).toBe(3);
    for (let i = 0; i < 12; i++) {
      const log = server.log.filter((l) => l.endsWith(`T${i}`) || new RegExp(`:[abc]${i}(@\\d)?$`).test(l));
      expect(log[0]).toBe(`create:T${i}`);
      expect(log.slice(1).map((l) => l.split(':').pop()!.replace(/@\d$/, ''))).toEqual([`a${i}`, `b${i}`, `c${i}`]);
    }
  });

  it('transient errors retry with exponential backoff and jitter; nothing is sent twice', async () => {
    // The engine's clock is ours: each delay is read exactly, and time moves only when we say.
    let t = Date.parse('2026-03-16T09:00:00.000Z');
    const server = newServer();
    await setup(server, { clock: () => new Date(t) });
    server.failNext = [new SyncError('transient', 'ECONNRESET'), new SyncError('transient', 'HTTP 503', 503), new SyncError('transient', 'too many', 429, 100)];
    const c = logCall(h.core.db, { subject: 'retry', followups: ['x'] });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await h.sync.engine.sync({ pull: false });
      const row = h.core.db.prepare('SELECT attempts, next_attempt_at FROM outbox WHERE op_id = ?').get(c.createOp) as { attempts: number; next_attempt_at: string };
      expect(row.attempts).toBe(i + 1);
      delays.push(Date.parse(row.next_attempt_at) - t);
      // Before its time the operation is not tried again…
      await h.sync.engine.sync({ pull: false });
      expect((h.core.db.prepare('SELECT attempts FROM outbox WHERE op_id = ?').get(c.createOp) as { attempts: number }).attempts).toBe(i + 1);
      // …and once it has come, it is.
      t = Date.parse(row.next_attempt_at);
    }
    // base 20 ms: attempt n waits 20·2^(n-1) × [0.5, 1]; a 429 waits at least its Retry-After.
    expect(delays[0]).toBeGreaterThanOrEqual(10);
    expect(delays[0]).toBeLessThanOrEqual(20);
    expect(delays[1]).toBeGreaterThanOrEqual(20);
    expect(delays[1]).toBeLessThanOrEqual(40);
    expect(delays[2]).toBeGreaterThanOrEqual(100);
    await h.sync.engine.sync({ pull: false });
    expect(server.tickets.size).toBe(1);
    expect([...server.tickets.values()][0]!.followups).toHaveLength(1);
  });

  it('after a lost answer the marker is searched before retrying: never a duplicate', async () => {
    const server = newServer();
    const conn = await setup(server);
    const origCreate = conn.createTicket;
    let lost = 2;
    conn.createTicket = async (opId, f) => {
      const r = await origCreate(opId, f);
      if (lost-- > 0) throw new SyncError('transient', 'socket hang up');
      return r;
    };
    logCall(h.core.db, { subject: 'perdu' });
    await drainAll(h, 5_000);
    expect(server.tickets.size).toBe(1);
  });

  it('auth: re-authenticates once then parks with the server message; rejections park; the ticket queue waits', async () => {
    const server = newServer();
    const conn = await setup(server);
    server.failNext = [new SyncError('auth', 'Unauthorized', 401), new SyncError('auth', 'Unauthorized', 401)];
    const a = logCall(h.core.db, { subject: 'auth', followups: ['après'] });
    await drainAll(h, 5_000);
    expect(conn.reauths).toBe(1);
    expect(outboxCounts(h.core.db)).toEqual({ parked: 1, pending: 1 });
    const st = await h.sync.handlers['sync.ticket']({ ticketId: a.ticketId }, { clientId: 't' });
    expect(st.parked[0]).toMatchObject({ serverMessage: 'Unauthorized', status: 401 });
    // New credentials re-queue auth-parked ops.
    await h.sync.handlers['sync.configure']({ kind: 'rt', url: 'http://127.0.0.1:1', token: 'another-token' }, { clientId: 't' });
    await drainAll(h, 5_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 2 });
    server.failNext = [new SyncError('rejected', "Queue 'Nope' does not exist", 400)];
    const b = logCall(h.core.db, { subject: 'refusé' });
    await drainAll(h, 5_000);
    expect((await h.sync.handlers['sync.ticket']({ ticketId: b.ticketId }, { clientId: 't' })).parked[0]!.serverMessage).toBe("Queue 'Nope' does not exist");
  });

  it('three-way merge: ours applied where the server kept the base, conflict where both changed, nothing overwritten', async () => {
    const server = newServer();
    await setup(server);
    const c = logCall(h.core.db, { subject: 'merge', status: 1, priority: 3 });
    await drainAll(h, 5_000);
    const sid = [...server.tickets.keys()][0]!;
    server.tickets.get(sid)!.fields.status = 4;
    server.tickets.get(sid)!.fields.priority = 3;
    localUpdate(h.core.db, c.ticketId, { status: 2, priority: 5, technician: 'alice' });
    addFollowup(h.core.db, c.ticketId, 'un suivi ne conflicte jamais');
    await drainAll(h, 5_000);
    expect(server.tickets.get(sid)!.fields).toMatchObject({ status: 4, priority: 5, technician: 'alice' });
    expect(server.tickets.get(sid)!.followups.map((f) => f.body)).toEqual(['un suivi ne conflicte jamais']);
    const st = await h.sync.handlers['sync.ticket']({ ticketId: c.ticketId }, { clientId: 't' });
    expect(st.conflicts.map((x) => [x.field, x.localValue, x.serverValue])).toEqual([['status', 2, 4]]);
  });

  it('an outbox row this version does not understand is parked with the reason; the rest drains', async () => {
    const server = newServer();
    await setup(server);
    const a = logCall(h.core.db, { subject: 'normal' });
    h.core.db
      .prepare("INSERT INTO outbox (op_id, ticket_id, kind, payload, created_at) VALUES ('0190aaaa-0000-7000-8000-00000000dead', ?, 'ticket.teleport', '{}', ?)")
      .run(a.ticketId, new Date().toISOString());
    const b = logCall(h.core.db, { subject: 'autre' });
    await drainAll(h, 5_000);
    expect(outboxCounts(h.core.db)).toEqual({ done: 2, parked: 1 });
    const st = await h.sync.handlers['sync.ticket']({ ticketId: a.ticketId }, { clientId: 't' });
    expect(st.parked[0]!.serverMessage).toMatch(/not understood.*ticket\.teleport/);
    void b;
  });

  it('secrets stay in the vault: not in sync_state, not in events', async () => {
    const server = newServer();
    await setup(server);
    const rows = JSON.stringify(h.core.db.prepare('SELECT * FROM sync_state').all());
    expect(rows).not.toContain('secret-token-value');
    expect(JSON.stringify(h.events)).not.toContain('secret-token-value');
  });

  it('validates the policy preset', () => {
    expect(syncPolicySchema.safeParse({ kind: 'glpi', url: 'https://glpi.ville.fr/apirest.php' }).success).toBe(true);
    expect(syncPolicySchema.safeParse({ kind: 'jira', url: 'https://x' }).success).toBe(false);
    expect(syncPolicySchema.safeParse({ kind: 'rt', url: 'ftp://x' }).success).toBe(false);
    expect(syncPolicySchema.safeParse({ kind: 'rt', url: 'https://x', token: 'no secrets in policy' }).success).toBe(false);
  });
});
