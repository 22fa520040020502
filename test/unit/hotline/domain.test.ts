import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_PRIORITY_MATRIX,
  DEFAULT_SLA,
  OPEN_STATUSES,
  STATUS_KEYS,
  computePriority,
  deriveSubject,
  foldText,
  logCallInputSchema,
  slaBreached,
  slaDueDates,
} from '../../../src/domain/tickets';
import { MARK_END, MARK_START, splitHighlights } from '../../../src/domain/queue';

describe('ITIL priority matrix', () => {
  it("gives GLPI's default priorities", () => {
    expect(computePriority(1, 1)).toBe(1);
    expect(computePriority(3, 3)).toBe(3);
    expect(computePriority(5, 5)).toBe(5);
    expect(computePriority(5, 1)).toBe(2);
    expect(computePriority(4, 4)).toBe(4);
  });
  it('uses a configured matrix, where Majeure (6) is a priority only', () => {
    const matrix = DEFAULT_PRIORITY_MATRIX.map((row) => [...row]);
    matrix[4]![4] = 6;
    expect(computePriority(5, 5, matrix)).toBe(6);
  });
  it('never decreases when urgency or impact rises', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (u, i, d) => {
        expect(computePriority(Math.min(5, u + d), i)).toBeGreaterThanOrEqual(computePriority(u, i));
        expect(computePriority(u, Math.min(5, i + d))).toBeGreaterThanOrEqual(computePriority(u, i));
      }),
    );
  });
});

describe('SLA', () => {
  const created = new Date('2026-03-02T08:00:00Z');
  it('computes due dates from the targets of the priority', () => {
    const due = slaDueDates(created, 4, DEFAULT_SLA);
    expect(due.ttoDue).toBe('2026-03-02T09:00:00.000Z');
    expect(due.ttrDue).toBe('2026-03-03T08:00:00.000Z');
  });
  it('flags a ticket late when not taken in charge, or not resolved, by its due date', () => {
    const due = slaDueDates(created, 4);
    const base = { ...due, takenAt: null, resolvedAt: null };
    expect(slaBreached(base, new Date('2026-03-02T08:30:00Z'))).toBe(false);
    expect(slaBreached(base, new Date('2026-03-02T09:01:00Z'))).toBe(true);
    const taken = { ...base, takenAt: '2026-03-02T08:10:00.000Z' };
    expect(slaBreached(taken, new Date('2026-03-02T12:00:00Z'))).toBe(false);
    expect(slaBreached(taken, new Date('2026-03-03T08:01:00Z'))).toBe(true);
    // Resolved in time stays on time forever; resolved late stays late.
    expect(slaBreached({ ...taken, resolvedAt: '2026-03-02T15:00:00.000Z' }, new Date('2027-01-01T00:00:00Z'))).toBe(false);
    expect(slaBreached({ ...taken, resolvedAt: '2026-03-04T15:00:00.000Z' }, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('statuses and call input', () => {
  it("numbers statuses as GLPI does and counts 1–4 as open", () => {
    expect(STATUS_KEYS).toEqual({ 1: 'new', 2: 'assigned', 3: 'planned', 4: 'waiting', 5: 'solved', 6: 'closed' });
    expect(OPEN_STATUSES).toEqual([1, 2, 3, 4]);
  });
  it('defaults the channel to the phone and validates ranges and lengths', () => {
    const ok = logCallInputSchema.parse({ requesterName: 'Jean', description: 'Écran noir' });
    expect(ok.channel).toBe('phone');
    expect(ok.urgency).toBe(3);
    expect(logCallInputSchema.safeParse({ requesterName: 'Jean', description: 'x', urgency: 6 }).success).toBe(false);
    expect(logCallInputSchema.safeParse({ requesterName: 'Jean', description: 'x', channel: 'fax' }).success).toBe(false);
    expect(logCallInputSchema.safeParse({ requesterName: 'Jean', description: 'x'.repeat(20_001) }).success).toBe(false);
    expect(logCallInputSchema.safeParse({ description: 'no requester' }).success).toBe(false);
    expect(logCallInputSchema.safeParse({ requesterName: 'Jean', description: 'x', outcome: 'route' }).success).toBe(false);
    expect(logCallInputSchema.safeParse({ requesterName: 'Jean', description: 'x', unknownKey: 1 }).success).toBe(false);
  });
  it('derives a subject from the first line of the description', () => {
    expect(deriveSubject('', 'Imprimante bloquée\nDepuis ce matin')).toBe('Imprimante bloquée');
    expect(deriveSubject(' Objet ', 'desc')).toBe('Objet');
    expect(deriveSubject('', 'x'.repeat(100))).toHaveLength(80);
  });
  it('folds accents and case for look-ups', () => {
    expect(foldText('Hélène DUPRÉ')).toBe('helene dupre');
  });
  it('splits highlight markers into marked and plain parts', () => {
    expect(splitHighlights(`Hélène ${MARK_START}Dupré${MARK_END} !`)).toEqual([
      { text: 'Hélène ', match: false },
      { text: 'Dupré', match: true },
      { text: ' !', match: false },
    ]);
  });
});
