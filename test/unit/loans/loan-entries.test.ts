import { describe, expect, it } from 'vitest';
import { loanEntry, loanEntryText } from '../../../src/domain/loan-entries';

describe('loan entries on the timeline: facts, worded in either language', () => {
  const checkout = {
    loanIds: ['l1', 'l2'],
    agentName: 'François Lefèvre',
    items: [
      { type: 'portable' as const, tag: 'PC-001', serial: '5CG1234' },
      { type: 'casque' as const, tag: 'CA-3', serial: null },
    ],
    dueAt: '2031-03-20T16:00:00.000Z',
  };

  it('a check-out: the French sentence the ITSM server receives, the English one the console shows', () => {
    const e = loanEntry('loan_checkout', checkout);
    expect(e.body).toBe('Prêt à François Lefèvre : Portable PC-001 (n° de série 5CG1234), Casque CA-3. Retour prévu le 20/03/2031.');
    expect(e.data).toEqual(checkout);
    expect(loanEntryText('loan_checkout', e.data, 'en')).toBe('Loan to François Lefèvre: Laptop PC-001 (serial number 5CG1234), Headset CA-3. Due back on 20/03/2031.');
    expect(loanEntryText('loan_checkout', { ...checkout, overrideReason: 'astreinte' }, 'en')).toBe(
      'Loan to François Lefèvre: Laptop PC-001 (serial number 5CG1234), Headset CA-3. Due back on 20/03/2031. Out of turn: astreinte',
    );
  });

  it('the due day is the Paris calendar day', () => {
    // 23:30 UTC on 19 March is already the 20th in Paris.
    expect(loanEntryText('loan_checkout', { ...checkout, dueAt: '2031-03-19T23:30:00.000Z' }, 'fr')).toContain('Retour prévu le 20/03/2031.');
  });

  it('every kind reads in both languages', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['loan_request', { requestId: 'r', lines: [{ type: 'portable', quantity: 1 }, { type: 'cle_4g', quantity: 2 }] }, 'Demande de prêt : 1 × Portable, 2 × Clé 4G', 'Loan request: 1 × Laptop, 2 × 4G dongle'],
      ['loan_override', { requestId: 'r', reason: 'Astreinte eau' }, 'Demande de prêt placée en tête de liste : Astreinte eau', 'Loan request moved to the head of the list: Astreinte eau'],
      ['loan_request_cancelled', { requestId: 'r', reason: 'Plus utile' }, 'Demande de prêt annulée : Plus utile', 'Loan request cancelled: Plus utile'],
      [
        'loan_checkin',
        { loanId: 'l', tag: 'PC-001', agentName: 'Émile Zola', condition: 'a_controler', missingKit: ['chargeur', 'sacoche'], note: 'écran rayé' },
        'Retour de PC-001 (Émile Zola) : À contrôler ; manque : chargeur, sacoche ; écran rayé.',
        'Return of PC-001 (Émile Zola): To check; missing: chargeur, sacoche; écran rayé.',
      ],
      ['loan_reminder', { loanId: 'l', tag: 'PC-001', agentName: 'Émile Zola', note: 'Appel' }, 'Relance pour le retour de PC-001 (Émile Zola) : Appel', 'Reminder to return PC-001 (Émile Zola): Appel'],
      ['loan_conflict_resolved', { loanId: 'l', tag: 'PC-001', reason: 'Déjà prêté' }, 'Prêt de PC-001 annulé après conflit : Déjà prêté', 'Loan of PC-001 cancelled after a conflict: Déjà prêté'],
      ['loan_receipt', { receiptId: 'x', fileName: 'bon-42.pdf', sha256: 'abcdef0123456789ff' }, 'Bon de prêt joint : bon-42.pdf (SHA-256 abcdef012345…)', 'Loan receipt attached: bon-42.pdf (SHA-256 abcdef012345…)'],
      ['loan_conflict', { loanId: 'l', tag: 'PC-001', heldBy: 'x', message: { fr: 'déjà prêté dans RT', en: 'already lent in RT' } }, 'Conflit sur PC-001 : déjà prêté dans RT', 'Conflict on PC-001: already lent in RT'],
    ];
    for (const [kind, data, fr, en] of cases) {
      expect(loanEntryText(kind, data, 'fr'), kind).toBe(fr);
      expect(loanEntryText(kind, data, 'en'), kind).toBe(en);
    }
  });

  it('an entry written before its facts were stored is not worded (the console shows its French body)', () => {
    expect(loanEntryText('loan_checkout', { loanIds: ['l1'] }, 'en')).toBeNull();
    expect(loanEntryText('loan_checkin', { loanId: 'l', condition: 'ok', missingKit: [] }, 'en')).toBeNull();
    expect(loanEntryText('loan_reminder', { loanId: 'l' }, 'en')).toBeNull();
    expect(loanEntryText('loan_checkout', null, 'en')).toBeNull();
    expect(loanEntryText('tool_run', checkout, 'en')).toBeNull();
    expect(loanEntryText('toString', {}, 'en')).toBeNull();
  });
});
