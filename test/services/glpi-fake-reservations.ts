/**
 * GLPI 10's reservation rules, for the GLPI test double (glpi-fake.ts). From GLPI's
 * `Reservation::prepareInputForAdd` / `prepareInputForUpdate` → `isReservationInputValid()`:
 * - `test_valid_date()`: begin and end present and begin < end, else "Error in entering
 *   dates. The starting date is later than the ending date";
 * - `is_reserved()`: another reservation of the same `reservationitems_id` (the
 *   ReservationItem's id, not the asset's) with `end > begin AND begin < end` exists — on
 *   update the reservation itself is left out — else "The required item is already reserved
 *   for this timeframe". Back-to-back (end == next begin) is not an overlap.
 * Either refusal makes `add()`/`update()` fail, and the API answers 400 with
 * `["ERROR_GLPI_ADD", message]` (or ERROR_GLPI_UPDATE). GLPI observed: an overlapping POST is
 * refused with 400, back-to-back accepted (GLPI-OBSERVED.md).
 * Not a rule of the API: `ReservationItem.is_active = 0` only hides the item in GLPI's
 * reservation UI ("Device temporarily unavailable"); `prepareInputForAdd` does not look at it,
 * so the double accepts such a reservation too, as GLPI does. Clients must check it themselves.
 */

/** A stored Reservation row (the double keeps rows as loose records). */
export type FakeReservation = Record<string, unknown> & { id: number };

/** GLPI's dates are `YYYY-MM-DD hh:mm:ss` in one zone: they compare as strings. */
export function reservationRefusal(
  existing: readonly FakeReservation[],
  wanted: { reservationitems_id: number; begin: string; end: string; id?: number },
): string | null {
  if (!wanted.begin || !wanted.end || !(wanted.begin < wanted.end)) return 'Error in entering dates. The starting date is later than the ending date';
  const clash = existing.some(
    (r) => r.id !== wanted.id && Number(r.reservationitems_id) === wanted.reservationitems_id && String(r.end) > wanted.begin && String(r.begin) < wanted.end,
  );
  return clash ? 'The required item is already reserved for this timeframe' : null;
}

/**
 * `glpi_reservationitems` has a unique key on (itemtype, items_id): an asset is made
 * reservable once. A second `POST /ReservationItem` for it fails in the database and the API
 * answers 400 ERROR_GLPI_ADD.
 */
export function reservationItemRefusal(existing: readonly Record<string, unknown>[], wanted: Record<string, unknown>): string | null {
  const dup = existing.some((r) => r.itemtype === wanted.itemtype && Number(r.items_id) === Number(wanted.items_id));
  return dup ? 'Duplicate entry for key itemtype/items_id: this item is already reservable' : null;
}
