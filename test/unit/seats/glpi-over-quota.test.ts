/**
 * The rule every console applies after writing a GLPI licence seat (glpi-licences.ts
 * `overQuota`): seats rank by GLPI id, those past the capacity or past their organisation's
 * quota are over. Because every console ranks the same rows the same way, however many write
 * at once, the seats kept never exceed the capacity nor any quota.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { overQuota, type GlpiSeatPool } from '../../../src/features/seats/glpi-licences';

const pool = (capacity: number, quotas: Record<string, number>, seats: [id: number, licence: string][]): GlpiSeatPool => ({
  licenceId: 'P',
  name: 'VPN',
  capacity,
  isValid: true,
  shares: Object.entries(quotas).map(([organisation, quota]) => ({ organisation, licenceId: organisation, quota, entitiesId: 0, isValid: true, used: 0 })),
  seats: seats.map(([id, licenceId]) => ({ id: String(id), licenceId, userId: null })).sort((a, b) => Number(a.id) - Number(b.id)),
});

describe('GLPI seats over capacity or quota', () => {
  it('the earlier writes keep the seats; the later one is over, with the numbers to show', () => {
    const p = pool(2, {}, [[10, 'P'], [11, 'P'], [12, 'P']]);
    expect(overQuota(p, { id: '10', licenceId: 'P' })).toBeNull();
    expect(overQuota(p, { id: '11', licenceId: 'P' })).toBeNull();
    expect(overQuota(p, { id: '12', licenceId: 'P' })).toEqual({ used: 3, limit: 2, organisation: null });
  });

  it('a new seat (no id yet) is checked as if it came last', () => {
    expect(overQuota(pool(2, {}, [[10, 'P']]), { id: null, licenceId: 'P' })).toBeNull();
    expect(overQuota(pool(2, {}, [[10, 'P'], [11, 'P']]), { id: null, licenceId: 'P' })).toEqual({ used: 3, limit: 2, organisation: null });
    expect(overQuota(pool(5, { Ville: 1 }, [[10, 'Ville']]), { id: null, licenceId: 'Ville' })).toEqual({ used: 2, limit: 1, organisation: 'Ville' });
  });

  it('an organisation’s quota is its child licence’s number; -1 is unlimited', () => {
    const p = pool(10, { Ville: 1, Métropole: -1 }, [[1, 'Ville'], [2, 'Métropole'], [3, 'Ville'], [4, 'Métropole'], [5, 'Métropole']]);
    expect(overQuota(p, { id: '3', licenceId: 'Ville' })).toEqual({ used: 2, limit: 1, organisation: 'Ville' });
    expect(overQuota(p, { id: '5', licenceId: 'Métropole' })).toBeNull();
    expect(overQuota(pool(-1, {}, [[1, 'P'], [2, 'P']]), { id: '2', licenceId: 'P' })).toBeNull();
  });

  it('whatever the writes, the seats every console keeps fit the capacity and each quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.constantFrom('P', 'Ville', 'Métropole'), { maxLength: 14 }),
        (capacity, villeQuota, licences) => {
          const p = pool(capacity, { Ville: villeQuota, Métropole: 3 }, licences.map((l, i) => [i + 1, l]));
          const kept = p.seats.filter((s) => overQuota(p, s) === null);
          expect(kept.length).toBeLessThanOrEqual(capacity);
          expect(kept.filter((s) => s.licenceId === 'Ville').length).toBeLessThanOrEqual(villeQuota);
          expect(kept.filter((s) => s.licenceId === 'Métropole').length).toBeLessThanOrEqual(3);
          // The first seats written are the ones kept: nobody loses to a later writer.
          const firstOver = p.seats.findIndex((s) => overQuota(p, s) !== null && s.licenceId === 'P');
          if (firstOver >= 0) expect(p.seats.slice(firstOver + 1).filter((s) => s.licenceId === 'P').every((s) => overQuota(p, s) !== null)).toBe(true);
        },
      ),
    );
  });
});
