import { describe, expect, it } from 'vitest';
import { canTransition, checkItemRecords, dayBounds, LOAN_ITEM_STATES, LOAN_TRANSITIONS, overlaps, stateAfterReturn } from '../../../src/domain/loans';

describe('loans domain', () => {
  it('validates state transitions: lending and returning only through the desk, nothing out of réformé', () => {
    expect(canTransition('disponible', 'prete')).toBe(true);
    expect(canTransition('retour_a_controler', 'prete')).toBe(false);
    expect(canTransition('en_reparation', 'reserve')).toBe(false);
    expect(LOAN_ITEM_STATES.filter((s) => canTransition('reforme', s))).toEqual([]);
    // every state can be reached from somewhere, and no state lists itself
    for (const s of LOAN_ITEM_STATES) expect(LOAN_TRANSITIONS[s]).not.toContain(s);
    expect(new Set(Object.values(LOAN_TRANSITIONS).flat())).toEqual(new Set(LOAN_ITEM_STATES));
  });

  it('puts a return short of complete and OK aside for checking', () => {
    expect(stateAfterReturn('ok', [])).toBe('disponible');
    expect(stateAfterReturn('ok', ['chargeur'])).toBe('retour_a_controler');
    expect(stateAfterReturn('a_controler', [])).toBe('retour_a_controler');
    expect(stateAfterReturn('endommage', [])).toBe('en_reparation');
  });

  it('reads a CSV with French headers and type labels, and reports each bad line', () => {
    const r = checkItemRecords(
      [
        ['Étiquette', 'Type', 'Numéro de série', 'Modèle', 'Kit'],
        ['PC-9', 'Portable', 'S1', 'T14', 'chargeur + souris'],
        ['DOCK-1', "Station d'accueil", '', '', ''],
        ['pc-9', 'casque', '', '', ''],
        ['ÉCRAN 1', 'écran', '', '', ''],
        ['K-1', 'grille-pain', '', '', ''],
      ],
      new Set(['dock-1']),
    );
    expect(r.items.map((i) => [i.tag, i.type, i.serial, i.kit])).toEqual([['PC-9', 'portable', 'S1', ['chargeur', 'souris']]]);
    expect(r.errors.map((e) => [e.line, e.message.en])).toEqual([
      [3, 'tag DOCK-1 already in stock'],
      [4, 'duplicate tag pc-9 (already on line 2)'],
      [5, 'invalid tag "ÉCRAN 1"'],
      [6, expect.stringMatching(/^invalid type "grille-pain" \(portable, casque/)],
    ]);
  });

  it('compares slots as half-open intervals and finds the Paris day of an instant', () => {
    expect(overlaps({ beginAt: '2026-03-12T13:00:00Z', endAt: '2026-03-12T14:00:00Z' }, { beginAt: '2026-03-12T14:00:00Z', endAt: '2026-03-12T15:00:00Z' })).toBe(false);
    expect(overlaps({ beginAt: '2026-03-12T13:00:00Z', endAt: '2026-03-12T14:00:00Z' }, { beginAt: '2026-03-12T13:59:00Z', endAt: '2026-03-12T15:00:00Z' })).toBe(true);
    // 23:30 UTC on 12 March is already 13 March in Paris (UTC+1).
    const { start, end } = dayBounds(new Date('2026-03-12T23:30:00Z'));
    expect([start.toISOString(), end.toISOString()]).toEqual(['2026-03-12T23:00:00.000Z', '2026-03-13T23:00:00.000Z']);
    const summer = dayBounds(new Date('2026-07-01T10:00:00Z'));
    expect(summer.start.toISOString()).toBe('2026-06-30T22:00:00.000Z');
  });
});
