/**
 * Seats through the contract on a real SQLite file: the waiting list decides who gets the
 * freed seat, quotas and capacity hold, a shrunk pool is flagged, expiry and reclaim, and
 * every change is in the hash-chained audit log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { makeSeatsHarness, VPN_POOL, type SeatsHarness } from './harness';
import { rtSeatErrors } from '../../../src/features/seats/rt-assets';
import { createSeatsService, type RtSeatClient } from '../../../src/features/seats/service';

let h: SeatsHarness;
afterEach(async () => {
  await h?.close();
});

const holder = (login: string, organisationId: string) => ({ name: login, login, organisationId, reason: 'télétravail' });
async function fill(h: SeatsHarness, poolId: string, org: string, n: number, prefix = org) {
  for (let i = 0; i < n; i++) await h.call('seats.assign', { poolId, holder: holder(`${prefix}-${i}`, org) });
}

describe('seats service', () => {
  it('a tier 1 request takes the freed seat ahead of an older tier 3 request; the order is enforced unless overridden', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, capacity: 2, shares: [] });
    await fill(h, pool.id, 'ville', 2);
    const old = await h.call('seats.request', { poolId: pool.id, requesterName: 'Agent Culture', requesterLogin: 'culture-1', serviceId: 'svc-culture', reason: 'télétravail' });
    h.clock.now = new Date('2026-03-12T08:14:00Z');
    const vital = await h.call('seats.request', { poolId: pool.id, requesterName: 'Agent État civil', requesterLogin: 'etatcivil-1', serviceId: 'svc-etat-civil', reason: 'astreinte' });
    // Tier and organisation come from the service (organisation tables).
    expect(old).toMatchObject({ tier: 3, organisationId: 'ville' });
    expect(vital).toMatchObject({ tier: 1, organisationId: 'ville' });

    let o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.waitlist.map((w: any) => [w.request.requesterLogin, w.decidedBy])).toEqual([['etatcivil-1', 'head'], ['culture-1', 'tier']]);
    expect(o.proposal.requestId).toBeNull(); // no seat is free yet
    expect(o.proposal.passedOver.map((p: any) => p.refusal.code)).toEqual(['POOL_FULL', 'POOL_FULL']);

    // Free a seat: the head is proposed.
    await h.call('seats.revoke', { seatId: o.seats[0].id, reason: 'départ' });
    o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.proposal.requestId).toBe(vital.id);
    const notNext = await h.fail('seats.assign', { poolId: pool.id, requestId: old.id });
    expect(notNext.code).toBe('SEAT_NOT_NEXT');
    expect(notNext.message.fr).toContain('Agent État civil');
    const seat = await h.call('seats.assign', { poolId: pool.id, requestId: vital.id });
    expect(seat).toMatchObject({ holderLogin: 'etatcivil-1', tier: 1, status: 'active', expiresAt: new Date(Date.parse('2026-03-12T08:14:00Z') + 90 * 86_400_000).toISOString() });
    o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.waitlist.map((w: any) => w.request.requesterLogin)).toEqual(['culture-1']);
    expect(o.usage).toMatchObject({ used: 2, free: 0 });
    // Full: refused with the capacity in the message.
    const full = await h.fail('seats.assign', { poolId: pool.id, requestId: old.id });
    expect(full.code).toBe('SEAT_POOL_FULL');
    expect(full.message.fr).toContain('capacité atteinte : 2/2');
  });

  it("refuses past the Ville's quota with the lendable count, and borrows only when asked", async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', VPN_POOL);
    await fill(h, pool.id, 'ville', 20);
    await fill(h, pool.id, 'metropole', 27);
    const o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.verdicts.find((v: any) => v.organisationId === 'ville').verdict).toMatchObject({ ok: false, code: 'QUOTA_FULL' });
    const refused = await h.fail('seats.assign', { poolId: pool.id, holder: holder('ville-20', 'ville') });
    expect(refused.code).toBe('SEAT_QUOTA_FULL');
    expect(refused.message.fr).toBe('Attribution refusée : quota Ville atteint : 20/20 ; 3 places Métropole prêtables. Vous pouvez emprunter une place prêtable.');
    const borrowed = await h.call('seats.assign', { poolId: pool.id, holder: holder('ville-20', 'ville'), allowBorrow: true });
    expect(borrowed.borrowedFrom).toBe('metropole');
    // The Métropole keeps its own remaining 2 seats.
    await fill(h, pool.id, 'metropole', 2, 'metro-extra');
    const none = await h.fail('seats.assign', { poolId: pool.id, holder: holder('metro-x', 'metropole'), allowBorrow: true });
    expect(none.code).toBe('SEAT_POOL_FULL');
  });

  it('accepts a pool shrunk below its seats and flags the over-allocation', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, capacity: 10, shares: [] });
    await fill(h, pool.id, 'ville', 10);
    const updated = await h.call('seats.updatePool', { id: pool.id, expectedRevision: pool.revision, pool: { ...VPN_POOL, capacity: 7, shares: [] } });
    expect(updated.capacity).toBe(7);
    const o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.usage.overAllocated).toBe(3);
    // Another console editing from the old revision is told to reload.
    const stale = await h.fail('seats.updatePool', { id: pool.id, expectedRevision: pool.revision, pool: { ...VPN_POOL, capacity: 20, shares: [] } });
    expect(stale.code).toBe('SEAT_POOL_CHANGED');
  });

  it('expires seats after the validity, renews, transfers within quota, and lists idle seats for reclaim', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, validityDays: 30, idleDays: 10 });
    const a = await h.call('seats.assign', { poolId: pool.id, holder: holder('agent-a', 'ville') });
    const b = await h.call('seats.assign', { poolId: pool.id, holder: holder('agent-b', 'ville') });
    h.clock.now = new Date('2026-04-05T08:00:00Z'); // 24 days later
    let o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.expiring).toEqual([a.id, b.id]);
    expect(o.reclaim.map((r: any) => [r.seatId, r.idleDays, r.lastSeenAt])).toEqual([[a.id, 24, null], [b.id, 24, null]]);
    const renewed = await h.call('seats.renew', { seatId: a.id });
    expect(renewed.expiresAt).toBe('2026-05-05T08:00:00.000Z');
    const moved = await h.call('seats.transfer', { seatId: a.id, to: { name: 'Agent C', login: 'agent-c', organisationId: 'metropole', reason: 'remplacement' } });
    expect(moved).toMatchObject({ holderLogin: 'agent-c', organisationId: 'metropole' });
    h.clock.now = new Date('2026-04-12T08:00:00Z'); // b is now 31 days old
    o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.seats.map((s: any) => s.holderLogin)).toEqual(['agent-c']);
    expect((await h.fail('seats.renew', { seatId: b.id })).code).toBe('SEAT_NOT_ACTIVE');
    expect((await h.call('seats.ofHolder', { login: 'agent-c' })).seats).toHaveLength(1);
  });

  it('records an override with its reason, and writes every change to the verified audit chain', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, capacity: 1, shares: [] });
    const r1 = await h.call('seats.request', { poolId: pool.id, requesterName: 'Eau', requesterLogin: 'eau-1', serviceId: 'svc-eau', reason: 'astreinte' });
    const r3 = await h.call('seats.request', { poolId: pool.id, requesterName: 'Culture', requesterLogin: 'culture-1', serviceId: 'svc-culture', reason: 'télétravail' });
    await h.call('seats.overrideRequest', { requestId: r3.id, reason: 'Plan de continuité : régie culture' });
    const o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.waitlist[0].request).toMatchObject({ id: r3.id, override: { reason: 'Plan de continuité : régie culture' } });
    const seat = await h.call('seats.assign', { poolId: pool.id, requestId: r3.id });
    await h.call('seats.revoke', { seatId: seat.id, reason: 'fin de mission' });
    await h.call('seats.cancelRequest', { requestId: r1.id, reason: 'plus nécessaire' });

    const audit = await h.call('security.auditList', { limit: 50 });
    expect(audit.rows.map((r: any) => r.action).reverse()).toEqual([
      'seat.pool.created',
      'seat.requested',
      'seat.requested',
      'seat.request.overridden',
      'seat.assigned',
      'seat.revoked',
      'seat.request.cancelled',
    ]);
    expect(audit.rows.find((r: any) => r.action === 'seat.revoked').details).toMatchObject({ reason: 'fin de mission', holder: 'culture-1' });
    expect((await h.call('security.auditVerify')).ok).toBe(true);
  });

  it('validates input at the contract: a login with a space, a quota above capacity, both request and holder', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', VPN_POOL);
    expect((await h.fail('seats.assign', { poolId: pool.id, holder: { ...holder('x', 'ville'), login: 'agent x' } })).code).toBe('INVALID_INPUT');
    expect((await h.fail('seats.createPool', { ...VPN_POOL, capacity: 10 })).message.fr).toContain('exceed the capacity');
    expect((await h.fail('seats.assign', { poolId: pool.id, requestId: 'r', holder: holder('x', 'ville') })).code).toBe('INVALID_INPUT');
    expect((await h.fail('seats.overview', { poolId: 'nope' })).code).toBe('SEAT_POOL_NOT_FOUND');
  });

  it('two consoles on the same store: the second one to assign the last seat is refused', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, capacity: 1, shares: [] });
    // A second console (its own service, its own database connection) on the same data folder.
    const other = makeSeatsHarness(h.dir);
    try {
      const [first, second] = await Promise.all([
        h.service.dispatch('seats.assign', { poolId: pool.id, holder: holder('agent-1', 'ville') }, { clientId: 'a' }),
        other.service.dispatch('seats.assign', { poolId: pool.id, holder: holder('agent-2', 'ville') }, { clientId: 'b' }),
      ]);
      expect([first.ok, second.ok].sort()).toEqual([false, true]);
      const loser = (first.ok ? second : first) as { ok: false; error: { code: string; message: { fr: string } } };
      expect(loser.error.code).toBe('SEAT_POOL_FULL');
      expect(loser.error.message.fr).toContain('capacité atteinte : 1/1');
      expect((await other.call('seats.overview', { poolId: pool.id })).usage.used).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('reads RD Gateway live use from a run of the gateway tool, and refuses any other run', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, name: 'Passerelle RDS', kind: 'rd-gateway', capacity: 10, shares: [], live: { kind: 'rd-gateway', host: 'rdg01.ville.local' } });
    await h.call('seats.assign', { poolId: pool.id, holder: { name: 'J. Dupré', login: 'jdupre', organisationId: 'ville', reason: 'télétravail' } });
    // Windows cannot run here: the run is recorded as the tools feature records a finished run.
    const output = fs.readFileSync(path.join(import.meta.dirname, '../../unit/seats/fixtures/rdg-fr.txt'), 'utf8');
    const insertRun = (id: string, toolId: string, status: string) =>
      h.service.core.db
        .prepare("INSERT INTO tool_runs (id, tool_id, tool_label, target, params, status, started_at, technician, output) VALUES (?, ?, '{}', '{}', '{}', ?, '2026-03-12T08:00:00Z', 'test', ?)")
        .run(id, toolId, status, output);
    insertRun('run-ok', 'win-rdgateway-connections', 'succeeded');
    insertRun('run-other', 'win-system-info', 'succeeded');
    insertRun('run-failed', 'win-rdgateway-connections', 'failed');
    const live = await h.call('seats.readGatewayRun', { poolId: pool.id, runId: 'run-ok' });
    expect(live).toMatchObject({ source: 'rd-gateway', error: null });
    expect(live.connected.map((c: any) => c.login)).toEqual(['jdupre', 'pmartin', 'cgarcia']);
    const o = await h.call('seats.overview', { poolId: pool.id });
    expect(o.live.connected).toHaveLength(3);
    expect(o.reclaim).toEqual([]); // jdupre is connected now
    expect((await h.fail('seats.readGatewayRun', { poolId: pool.id, runId: 'run-other' })).code).toBe('SEAT_NOT_GATEWAY_RUN');
    expect((await h.fail('seats.readGatewayRun', { poolId: pool.id, runId: 'run-failed' })).code).toBe('SEAT_NOT_GATEWAY_RUN');
  });

  it('a seat RT has no asset left for (lost race) is parked for a person and audited; the rest still goes', async () => {
    h = makeSeatsHarness();
    const pool = await h.call('seats.createPool', { ...VPN_POOL, capacity: 5, shares: [] });
    await h.call('seats.assign', { poolId: pool.id, holder: holder('agent-a', 'ville') });
    await h.call('seats.assign', { poolId: pool.id, holder: holder('agent-b', 'ville') });
    // RT as another console left it: one free asset only (the real RT behaviour is in rt-assets.test.ts).
    const held = new Map<string, string>();
    const rt: RtSeatClient = {
      ensure: async () => [],
      list: async () => [...held].map(([login]) => ({ id: login, name: `VPN #${login}`, heldBy: login, organisation: null, etag: null, lastUpdatedMs: null, serverNowMs: null })),
      assign: async (poolName, login) => {
        if (held.size >= 1) throw rtSeatErrors.noneFree(poolName);
        held.set(login, poolName);
        return { id: login, name: 'VPN #1', heldBy: login, organisation: null, etag: null, lastUpdatedMs: null, serverNowMs: null };
      },
      release: async (_pool, login) => held.delete(login),
    };
    // The service on the same store, with an audit log we can read back.
    const audited: { action: string; details?: Record<string, unknown> }[] = [];
    const seats = createSeatsService({ db: h.service.core.db, now: () => h.clock.now, actor: () => 'test', audit: { append: (e) => void audited.push(e) }, vault: { get: async () => '' } });
    const pushed = await seats.pushToRt(rt, () => 5);
    expect(pushed).toMatchObject({ pushed: 1, pending: 0, stoppedBy: null });
    const out = seats.outbox();
    expect(out.attention).toHaveLength(1);
    expect(out.attention[0]).toMatchObject({ op: 'assign', login: 'agent-b' });
    expect(out.attention[0]!.message).toContain('une autre console vient de prendre la dernière');
    expect(audited.map((a) => [a.action, a.details?.holder])).toEqual([['seat.sync.race', 'agent-b']]);
    // Pushed again: the parked change is not retried blindly, nothing is duplicated.
    expect(await seats.pushToRt(rt, () => 5)).toMatchObject({ pushed: 0, pending: 0 });
    expect([...held.keys()]).toEqual(['agent-a']);
  });
});
