/**
 * Push against a real Request Tracker 5 (rt5-standalone, SQLite, 127.0.0.1, free port):
 * exactly-once delivery while the server goes down, through a fault-injecting proxy, and
 * across a revoked token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRt, type RtInstance } from '../../services/rt';
import { startFaultProxy, type Fault, type FaultProxy } from '../../services/fault-proxy';
import { allServerTickets, serverFollowups } from './rt-helpers';
import { poll } from '../../support/poll';
import { callOf, drainAll, logCall, makeHarness, outboxCounts, waitFor, type Harness, type LoggedCall } from '../../support/sync-harness';

let rt: RtInstance;
beforeAll(async () => {
  rt = await startRt();
});
afterAll(async () => {
  await rt?.dispose();
});

/** Each op UUID appears on exactly one server ticket, and every logged call is there. */
async function expectExactlyOnce(calls: LoggedCall[], h: Harness) {
  const server = await allServerTickets(rt);
  const byOp = new Map<string, number>();
  for (const t of server) if (t.opId) byOp.set(t.opId, (byOp.get(t.opId) ?? 0) + 1);
  for (const c of calls) expect(byOp.get(c.createOp), `op ${c.createOp}`).toBe(1);
  // And the local ticket is linked to that server ticket.
  for (const c of calls) {
    const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(c.ticketId) as { server_id: string | null }).server_id;
    expect(server.find((t) => t.id === sid)?.opId).toBe(c.createOp);
  }
  return server;
}

async function expectFollowupsInOrder(calls: LoggedCall[], h: Harness, bodies: (c: LoggedCall) => string[]) {
  for (const c of calls) {
    const sid = (h.core.db.prepare('SELECT server_id FROM tickets WHERE id = ?').get(c.ticketId) as { server_id: string }).server_id;
    const contents = await serverFollowups(rt, sid);
    const expected = bodies(c);
    expect(contents.map((x) => x.split('\n\n[relais-op:')[0])).toEqual(expected);
  }
}

describe('push to a real RT 5', () => {
  it('RT stopped while 200 offline calls drain, then restarted: every call exactly once, follow-ups in order', async () => {
    const h = await makeHarness({ timeoutMs: 5_000 });
    const call = callOf(h);
    try {
      const calls: LoggedCall[] = [];
      for (let i = 0; i < 200; i++)
        calls.push(logCall(h.core.db, { subject: `Appel ${i} — imprimante`, followups: i % 20 === 0 ? [`suivi ${i}.1`, `suivi ${i}.2`, `suivi ${i}.3`] : [`suivi ${i}.1`] }));
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      const draining = drainAll(h, 400_000);
      await waitFor(() => (outboxCounts(h.core.db).done ?? 0) >= 60, 200_000, '60 ops done');
      await rt.stop();
      // The engine notices on its next request to the stopped server.
      await waitFor(() => !h.sync.engine.status().online, 30_000, 'the engine to see RT offline');
      expect(h.sync.engine.status().pending).toBeGreaterThan(0);
      await rt.start();
      await draining;
      expect(outboxCounts(h.core.db)).toEqual({ done: 200 + 190 + 10 * 3 });
      await expectExactlyOnce(calls, h);
      await expectFollowupsInOrder(
        calls.filter((_, i) => i % 20 === 0 || i % 37 === 1),
        h,
        (c) => {
          const i = calls.indexOf(c);
          return i % 20 === 0 ? [`suivi ${i}.1`, `suivi ${i}.2`, `suivi ${i}.3`] : [`suivi ${i}.1`];
        },
      );
      // Back online once RT answers again (on a loaded machine the drain's last request may have
      // timed out, so ask RT once more rather than read a state left by that timeout).
      await poll(async () => (await h.sync.engine.sync(), h.sync.engine.status().online), (online) => online === true, { timeoutMs: 60_000, everyMs: 500, what: 'the engine to see RT online' });
    } finally {
      await h.dispose();
    }
  }, 600_000);

  describe('through a fault-injecting proxy', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await startFaultProxy({ host: '127.0.0.1', port: rt.port }, { delayMs: 4_000 });
    });
    afterAll(async () => {
      await proxy?.close();
    });

    it('drops, delays past the timeout and cuts answers after commit: still exactly once, nothing lost', async () => {
      const faults: Fault[] = ['drop', 'delay', 'cut'];
      // Deterministic mix: one connection in three is faulty, cycling through the faults.
      proxy.setPlan((n) => (n % 3 === 2 ? faults[Math.floor(n / 3) % 3]! : 'pass'));
      const h = await makeHarness({ timeoutMs: 2_000 });
      const call = callOf(h);
      try {
        const calls: LoggedCall[] = [];
        for (let i = 0; i < 30; i++) calls.push(logCall(h.core.db, { subject: `Proxy ${i}`, followups: [`p${i}.1`, `p${i}.2`] }));
        await call.configure({ kind: 'rt', url: proxy.url, token: rt.token });
        await drainAll(h, 400_000);
        expect(outboxCounts(h.core.db)).toEqual({ done: 30 * 3 });
        expect(proxy.counts.drop).toBeGreaterThan(3);
        expect(proxy.counts.delay).toBeGreaterThan(3);
        expect(proxy.counts.cut).toBeGreaterThan(3);
        proxy.setPlan(() => 'pass');
        await expectExactlyOnce(calls, h);
        await expectFollowupsInOrder(calls, h, (c) => {
          const i = calls.indexOf(c);
          return [`p${i}.1`, `p${i}.2`];
        });
      } finally {
        proxy.setPlan(() => 'pass');
        await h.dispose();
      }
    }, 500_000);
  });

  it('token revoked mid-drain: parked "à traiter" with the server message, nothing lost, through after new credentials', async () => {
    const h = await makeHarness({ timeoutMs: 5_000 });
    const call = callOf(h);
    try {
      const calls: LoggedCall[] = [];
      for (let i = 0; i < 30; i++) calls.push(logCall(h.core.db, { subject: `Jeton ${i}`, followups: [`j${i}`] }));
      await call.configure({ kind: 'rt', url: rt.url, token: rt.token });
      const draining = drainAll(h, 300_000);
      await waitFor(() => (outboxCounts(h.core.db).done ?? 0) >= 10, 120_000, '10 ops done');
      await rt.revokeTokens();
      await draining;
      const counts = outboxCounts(h.core.db);
      expect(counts.parked).toBeGreaterThan(0);
      // Nothing lost: every op is done, parked, or waiting behind a parked op of its ticket.
      expect((counts.done ?? 0) + counts.parked! + (counts.pending ?? 0)).toBe(60);
      const orphans = h.core.db
        .prepare("SELECT COUNT(*) AS n FROM outbox o WHERE state = 'pending' AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.ticket_id = o.ticket_id AND p.state = 'parked' AND p.seq < o.seq)")
        .get() as { n: number };
      expect(orphans.n).toBe(0);
      // Parked with RT's own message, shown on the ticket.
      const parkedTicket = (h.core.db.prepare("SELECT ticket_id FROM outbox WHERE state = 'parked' ORDER BY seq LIMIT 1").get() as { ticket_id: string }).ticket_id;
      const state = await call.ticket(parkedTicket);
      expect(state.parked[0]!.serverMessage).toBe('Unauthorized');
      expect(state.parked[0]!.status).toBe(401);
      const status = await call.status();
      expect(status.parked).toBe(counts.parked);
      // New credentials: the vault entry is replaced, parked ops go through.
      const fresh = await rt.newToken();
      await call.configure({ kind: 'rt', url: rt.url, token: fresh });
      await drainAll(h, 300_000);
      expect(outboxCounts(h.core.db)).toEqual({ done: 60 });
      await expectExactlyOnce(calls, h);
      // The token is in the vault, not in the sync settings.
      const cfg = h.core.db.prepare("SELECT value FROM sync_state WHERE key = 'config'").get() as { value: string };
      expect(cfg.value).not.toContain(fresh);
      expect(cfg.value).not.toContain(fresh.split('-').pop()!);
    } finally {
      await h.dispose();
    }
  }, 600_000);
});
