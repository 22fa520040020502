import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { overrideEntry, proposeAllocation, rankWaitlist, type WaitlistEntry } from '../../../src/domain/waitlist';
import i18n from '../../../renderer/i18n';
import { criterionText, rankText } from '../../../renderer/features/seats/wording';

// The domain ranks and names the criterion; the console words why (renderer/i18n/*/seats.json).
const explainEntry = (e: WaitlistEntry, lang: 'fr' | 'en', timeZone: string) => rankText(e, i18n.getFixedT(lang), lang, timeZone);

const entry = (id: string, tier: 1 | 2 | 3 | null, priority: number, requestedAt: string): WaitlistEntry => ({ id, tier, priority, requestedAt });

describe('waiting list ranking', () => {
  it('puts a tier 1 request ahead of an older tier 3 one, and explains each place', () => {
    const ranked = rankWaitlist([
      entry('old-tier3', 3, 3, '2026-03-10T08:00:00Z'),
      entry('new-tier1', 1, 3, '2026-03-12T08:14:00Z'),
    ]);
    expect(ranked.map((r) => r.entry.id)).toEqual(['new-tier1', 'old-tier3']);
    expect(ranked.map((r) => r.decidedBy)).toEqual(['head', 'tier']);
    expect(explainEntry(ranked[0]!.entry, 'fr', 'Europe/Paris')).toBe('Service vital (niveau 1), demande du 12/03 09:14');
    expect(explainEntry(ranked[1]!.entry, 'en', 'Europe/Paris')).toBe('Standard service (tier 3), requested 10/03, 09:00');
  });

  it('ranks by priority inside a tier, then by age, and names the criterion', () => {
    const ranked = rankWaitlist([
      entry('a', 2, 3, '2026-03-01T08:00:00Z'),
      entry('b', 2, 5, '2026-03-05T08:00:00Z'),
      entry('c', 2, 3, '2026-02-01T08:00:00Z'),
      entry('d', null, 6, '2026-01-01T08:00:00Z'),
    ]);
    expect(ranked.map((r) => r.entry.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(ranked.map((r) => r.decidedBy)).toEqual(['head', 'priority', 'age', 'tier']);
    expect(explainEntry(ranked[0]!.entry, 'fr', 'UTC')).toBe('Service important (niveau 2), priorité très haute, demande du 05/03 08:00');
    expect(explainEntry(ranked[3]!.entry, 'fr', 'UTC')).toContain('Niveau de service inconnu');
    expect(criterionText('age', i18n.getFixedT('fr'))).toBe('départagée par l’ancienneté');
    expect(criterionText('age', i18n.getFixedT('en'))).toBe('placed by age');
  });

  it('an override goes to the head with its reason and author, and requires a reason', () => {
    const list = [entry('t1', 1, 5, '2026-03-01T08:00:00Z'), entry('t3', 3, 2, '2026-03-02T08:00:00Z')];
    const moved = overrideEntry(list[1]!, { reason: 'Astreinte eau potable cette nuit', by: 'Claire (hotline)', at: '2026-03-02T09:00:00Z' });
    const ranked = rankWaitlist([list[0]!, moved]);
    expect(ranked[0]!.entry.id).toBe('t3');
    expect(ranked[1]!.decidedBy).toBe('override');
    expect(explainEntry(ranked[0]!.entry, 'fr', 'UTC')).toMatch(/^Placée en tête par Claire \(hotline\) : Astreinte eau potable cette nuit, Service standard/);
    expect(() => overrideEntry(list[0]!, { reason: '', by: 'x', at: '2026-03-02T09:00:00Z' })).toThrow();
  });

  it('never loses or duplicates a request, and is ordered tier → priority → age (property)', () => {
    const arb = fc.array(
      fc.record({
        id: fc.uuid(),
        tier: fc.constantFrom(1 as const, 2 as const, 3 as const, null),
        priority: fc.integer({ min: 1, max: 6 }),
        requestedAt: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }).map((n) => new Date(n).toISOString()),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(arb, (entries) => {
        const ranked = rankWaitlist(entries);
        expect(new Set(ranked.map((r) => r.entry.id)).size).toBe(new Set(entries.map((e) => e.id)).size);
        expect(ranked.length).toBe(entries.length);
        for (let i = 1; i < ranked.length; i++) {
          const a = ranked[i - 1]!.entry;
          const b = ranked[i]!.entry;
          const ta = a.tier ?? 4;
          const tb = b.tier ?? 4;
          expect(ta <= tb).toBe(true);
          if (ta === tb) expect(a.priority >= b.priority).toBe(true);
          if (ta === tb && a.priority === b.priority) expect(Date.parse(a.requestedAt) <= Date.parse(b.requestedAt)).toBe(true);
        }
      }),
    );
  });

  it('ranks 10,000 requests quickly', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => entry(`r${i}`, ((i % 3) + 1) as 1 | 2 | 3, (i % 6) + 1, new Date(1_700_000_000_000 + i * 7919).toISOString()));
    const t0 = performance.now();
    rankWaitlist(many);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('allocation proposals', () => {
  it('proposes the head, or the first request the resource can serve, saying why the others were passed over', () => {
    const ranked = rankWaitlist([entry('ville-t1', 1, 3, '2026-03-01T08:00:00Z'), entry('metro-t2', 2, 3, '2026-03-01T07:00:00Z')]);
    const head = proposeAllocation(ranked, () => ({ ok: true }));
    expect(head.proposed?.entry.id).toBe('ville-t1');
    expect(head.passedOver).toEqual([]);

    const quota = proposeAllocation(ranked, (e) => (e.id.startsWith('ville') ? { ok: false, code: 'QUOTA_FULL', params: { used: 20, quota: 20 } } : { ok: true }));
    expect(quota.proposed?.entry.id).toBe('metro-t2');
    expect(quota.passedOver.map((p) => [p.ranked.entry.id, p.refusal.code])).toEqual([['ville-t1', 'QUOTA_FULL']]);

    expect(proposeAllocation(ranked, () => ({ ok: false, code: 'POOL_FULL' })).proposed).toBeNull();
    expect(proposeAllocation([], () => ({ ok: true })).proposed).toBeNull();
  });
});
