/** GLPI's reservation rules as the GLPI test double applies them (Reservation::isReservationInputValid). */
import { describe, expect, it } from 'vitest';
import { reservationItemRefusal, reservationRefusal } from '../../services/glpi-fake-reservations';

const existing = [
  { id: 1, reservationitems_id: 7, begin: '2026-03-02 08:00:00', end: '2026-03-02 12:00:00' },
  { id: 2, reservationitems_id: 8, begin: '2026-03-02 08:00:00', end: '2026-03-02 18:00:00' },
];
const OVERLAP = 'The required item is already reserved for this timeframe';
const DATES = 'Error in entering dates. The starting date is later than the ending date';

describe('GLPI reservation overlap rule (test double)', () => {
  it('refuses a reservation overlapping another one of the same ReservationItem', () => {
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-02 11:00:00', end: '2026-03-02 14:00:00' })).toBe(OVERLAP);
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-02 07:00:00', end: '2026-03-02 08:00:01' })).toBe(OVERLAP);
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-02 09:00:00', end: '2026-03-02 10:00:00' })).toBe(OVERLAP); // inside
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-01 00:00:00', end: '2026-03-03 00:00:00' })).toBe(OVERLAP); // around
  });

  it('accepts back-to-back slots and other ReservationItems (reservationitems_id, not the asset id, is what counts)', () => {
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-02 12:00:00', end: '2026-03-02 14:00:00' })).toBeNull();
    expect(reservationRefusal(existing, { reservationitems_id: 7, begin: '2026-03-02 06:00:00', end: '2026-03-02 08:00:00' })).toBeNull();
    expect(reservationRefusal(existing, { reservationitems_id: 9, begin: '2026-03-02 09:00:00', end: '2026-03-02 10:00:00' })).toBeNull();
  });

  it('an update leaves the reservation itself out of the check', () => {
    expect(reservationRefusal(existing, { id: 1, reservationitems_id: 7, begin: '2026-03-02 08:00:00', end: '2026-03-02 13:00:00' })).toBeNull();
    expect(reservationRefusal(existing, { id: 3, reservationitems_id: 7, begin: '2026-03-02 08:00:00', end: '2026-03-02 13:00:00' })).toBe(OVERLAP);
  });

  it('requires begin before end, and both dates', () => {
    expect(reservationRefusal([], { reservationitems_id: 7, begin: '2026-03-02 12:00:00', end: '2026-03-02 12:00:00' })).toBe(DATES);
    expect(reservationRefusal([], { reservationitems_id: 7, begin: '2026-03-02 12:00:00', end: '2026-03-02 11:00:00' })).toBe(DATES);
    expect(reservationRefusal([], { reservationitems_id: 7, begin: '', end: '2026-03-02 11:00:00' })).toBe(DATES);
  });
});

describe('GLPI ReservationItem unicity (test double)', () => {
  it('an asset is made reservable once per itemtype and id', () => {
    const items = [{ id: 1, itemtype: 'Computer', items_id: 4, is_active: 1 }];
    expect(reservationItemRefusal(items, { itemtype: 'Computer', items_id: 4 })).toMatch(/already reservable/);
    expect(reservationItemRefusal(items, { itemtype: 'Peripheral', items_id: 4 })).toBeNull();
    expect(reservationItemRefusal(items, { itemtype: 'Computer', items_id: 5 })).toBeNull();
  });
});
