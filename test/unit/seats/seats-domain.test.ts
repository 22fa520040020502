import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkAssignment,
  expiringSeats,
  expiryFor,
  poolInputSchema,
  poolUsage,
  reclaimCandidates,
} from '../../../src/domain/seats';
import i18n from '../../../renderer/i18n';
import { liveText, overAllocationText, refusalText } from '../../../renderer/features/seats/wording';

// The domain gives the verdict (code + numbers); the console words it (renderer/i18n/*/seats.json).
const fr = i18n.getFixedT('fr');
const en = i18n.getFixedT('en');

const names = { ville: 'Ville', metropole: 'Métropole' };
const vpn = { capacity: 50, shares: [{ organisationId: 'ville', quota: 20, lendable: true }, { organisationId: 'metropole', quota: 30, lendable: true }] };
const seatsOf = (org: string, n: number, borrowedFrom: string | null = null) => Array.from({ length: n }, () => ({ organisationId: org, borrowedFrom }));

describe('quotas and capacity', () => {
  it("refuses past the Ville's quota and says how many Métropole seats could be lent", () => {
    const seats = [...seatsOf('ville', 20), ...seatsOf('metropole', 27)];
    const v = checkAssignment(vpn, seats, 'ville');
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(refusalText(v, names, fr)).toBe('quota Ville atteint : 20/20 ; 3 places Métropole prêtables');
    expect(refusalText(v, names, en)).toBe('Ville quota reached: 20/20; 3 Métropole seats can be lent');
    // Borrowing is explicit, and recorded against the lender.
    expect(checkAssignment(vpn, seats, 'ville', { allowBorrow: true })).toEqual({ ok: true, borrowedFrom: 'metropole' });
  });

  it('a borrowed seat uses the lender’s unused share, so the lender has one fewer to lend', () => {
    const seats = [...seatsOf('ville', 20), ...seatsOf('ville', 1, 'metropole'), ...seatsOf('metropole', 27)];
    const u = poolUsage(vpn, seats);
    expect(u.shares.find((s) => s.organisationId === 'metropole')).toMatchObject({ used: 27, lent: 1, free: 2 });
    const v = checkAssignment(vpn, seats, 'ville');
    expect(!v.ok && refusalText(v, names, fr)).toBe('quota Ville atteint : 21/20 ; 2 places Métropole prêtables');
    // The Métropole itself can still take its 2 own seats.
    expect(checkAssignment(vpn, seats, 'metropole')).toEqual({ ok: true, borrowedFrom: null });
  });

  it('a non-lendable share is never lent', () => {
    const pool = { capacity: 50, shares: [{ organisationId: 'ville', quota: 20, lendable: true }, { organisationId: 'metropole', quota: 30, lendable: false }] };
    const v = checkAssignment(pool, seatsOf('ville', 20), 'ville', { allowBorrow: true });
    expect(!v.ok && refusalText(v, names, fr)).toBe('quota Ville atteint : 20/20 ; aucune place prêtable');
  });

  it('capacity left outside the quotas is common to all', () => {
    const pool = { capacity: 12, shares: [{ organisationId: 'ville', quota: 5, lendable: false }, { organisationId: 'metropole', quota: 5, lendable: false }] };
    expect(checkAssignment(pool, seatsOf('ville', 5), 'ville')).toEqual({ ok: true, borrowedFrom: null });
    expect(checkAssignment(pool, seatsOf('ville', 7), 'ville').ok).toBe(false);
    expect(checkAssignment(pool, seatsOf('ville', 7), 'metropole').ok).toBe(true);
  });

  it('a pool without quotas is limited by its capacity only', () => {
    const pool = { capacity: 2, shares: [] };
    expect(checkAssignment(pool, seatsOf('ville', 1), 'ville').ok).toBe(true);
    const v = checkAssignment(pool, seatsOf('ville', 2), 'ville');
    expect(!v.ok && refusalText(v, names, fr)).toBe('capacité atteinte : 2/2 places occupées');
  });

  it('a shrunk pool is flagged, not rejected', () => {
    const u = poolUsage({ capacity: 10, shares: [] }, seatsOf('ville', 13));
    expect(u.overAllocated).toBe(3);
    expect(overAllocationText(u, fr)).toBe('sur-allocation : 3 places à reprendre');
    expect(overAllocationText({ overAllocated: 1 }, fr)).toBe('sur-allocation : 1 place à reprendre');
    expect(overAllocationText(u, en)).toBe('over-allocated: 3 seats to take back');
    expect(overAllocationText(poolUsage({ capacity: 13, shares: [] }, seatsOf('ville', 13)), fr)).toBeNull();
    expect(checkAssignment({ capacity: 10, shares: [] }, seatsOf('ville', 13), 'ville').ok).toBe(false);
  });

  it('never lets assignments go beyond capacity or a quota without borrowing (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.boolean(),
        fc.array(fc.tuple(fc.constantFrom('ville', 'metropole', 'autre'), fc.boolean()), { maxLength: 60 }),
        (capacity, qv, qm, lendable, attempts) => {
          if (qv + qm > capacity) return;
          const pool = { capacity, shares: [{ organisationId: 'ville', quota: qv, lendable }, { organisationId: 'metropole', quota: qm, lendable }] };
          const seats: { organisationId: string; borrowedFrom: string | null }[] = [];
          for (const [org, borrow] of attempts) {
            const v = checkAssignment(pool, seats, org, { allowBorrow: borrow });
            if (v.ok) seats.push({ organisationId: org, borrowedFrom: v.borrowedFrom });
          }
          const u = poolUsage(pool, seats);
          expect(u.used).toBeLessThanOrEqual(capacity);
          // Without borrowing, no organisation eats into another's guaranteed quota.
          if (!lendable) {
            const others = u.used - (u.shares[0]!.used + u.shares[1]!.used);
            const common = capacity - qv - qm;
            expect(u.shares[0]!.overQuota + u.shares[1]!.overQuota + others).toBeLessThanOrEqual(common);
          }
          for (const s of u.shares) expect(s.free).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it('validates pool input: quotas may not exceed the capacity, an organisation appears once', () => {
    expect(poolInputSchema.safeParse({ name: 'VPN', kind: 'vpn', capacity: 10, shares: [{ organisationId: 'ville', quota: 11, lendable: true }] }).success).toBe(false);
    expect(
      poolInputSchema.safeParse({ name: 'VPN', kind: 'vpn', capacity: 10, shares: [{ organisationId: 'ville', quota: 1, lendable: true }, { organisationId: 'ville', quota: 1, lendable: true }] }).success,
    ).toBe(false);
    const ok = poolInputSchema.parse({ name: 'VPN', kind: 'vpn', capacity: 10 });
    expect(ok).toMatchObject({ validityDays: 90, idleDays: 30, shares: [], live: { kind: 'none' } });
  });
});

describe('validity, expiry and reclaim', () => {
  const now = new Date('2026-03-12T10:00:00Z');
  it('a seat expires N days after it starts; renewing never shortens it', () => {
    expect(expiryFor(30, now)).toBe('2026-04-11T10:00:00.000Z');
    expect(expiryFor(30, now, '2026-06-01T00:00:00.000Z')).toBe('2026-06-01T00:00:00.000Z');
    expect(expiryFor(30, now, '2026-03-13T00:00:00.000Z')).toBe('2026-04-11T10:00:00.000Z');
  });

  it('lists seats expiring within a week, soonest first', () => {
    const seats = [
      { id: 'a', status: 'active' as const, expiresAt: '2026-03-18T00:00:00Z' },
      { id: 'b', status: 'active' as const, expiresAt: '2026-03-13T00:00:00Z' },
      { id: 'c', status: 'active' as const, expiresAt: '2026-04-30T00:00:00Z' },
      { id: 'd', status: 'revoked' as const, expiresAt: '2026-03-13T00:00:00Z' },
    ];
    expect(expiringSeats(seats, now).map((s) => s.id)).toEqual(['b', 'a']);
  });

  it('proposes seats idle N days for reclaim, with the last connection, never someone connected now', () => {
    const seats = [
      { id: 'idle', status: 'active' as const, startedAt: '2026-01-01T00:00:00Z', holderLogin: 'agent-a' },
      { id: 'never', status: 'active' as const, startedAt: '2026-01-15T00:00:00Z', holderLogin: 'agent-b' },
      { id: 'recent', status: 'active' as const, startedAt: '2026-01-01T00:00:00Z', holderLogin: 'agent-c' },
      { id: 'online', status: 'active' as const, startedAt: '2026-01-01T00:00:00Z', holderLogin: 'agent-d' },
      { id: 'new', status: 'active' as const, startedAt: '2026-03-10T00:00:00Z', holderLogin: 'agent-e' },
    ];
    const lastSeen = new Map([
      ['agent-a', '2026-02-01T10:00:00Z'],
      ['agent-c', '2026-03-11T10:00:00Z'],
    ]);
    const out = reclaimCandidates(seats, lastSeen, new Set(['agent-d']), 30, now);
    expect(out.map((c) => [c.seat.id, c.lastSeenAt, c.idleDays])).toEqual([
      ['never', null, 56],
      ['idle', '2026-02-01T10:00:00Z', 39],
    ]);
  });

  it('words the live count', () => {
    expect(liveText(37, 50, fr)).toBe('connectés maintenant : 37 / 50');
    expect(liveText(37, 50, en)).toBe('connected now: 37 / 50');
  });
});
