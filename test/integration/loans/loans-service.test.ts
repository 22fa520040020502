import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from '../../../src/api/service';
import { makeLoansHarness, type LoansHarness } from './harness';

let h: LoansHarness;
afterEach(async () => {
  await h?.close();
});

const due = (h: LoansHarness, days = 7) => new Date(h.clock.now.getTime() + days * 86_400_000).toISOString();
/** What must not move when a refusal happens: item states, loans, outbox rows, history rows. */
const snapshot = (h: LoansHarness) => {
  const db = h.service.core.db;
  return {
    items: db.prepare('SELECT tag, state FROM loan_items ORDER BY tag').all(),
    loans: db.prepare('SELECT count(*) FROM loans').pluck().get(),
    outbox: db.prepare('SELECT count(*) FROM loan_outbox').pluck().get(),
    events: db.prepare('SELECT count(*) FROM loan_item_events').pluck().get(),
    lines: db.prepare('SELECT request_id, type, served FROM loan_request_lines ORDER BY request_id, type').all(),
  };
};

describe('la permanence: stock, waiting list, check-out and return', () => {
  it('imports the stock from CSV; a file with a duplicate tag is refused line by line and nothing is imported', async () => {
    h = await makeLoansHarness();
    const items = (await h.call('loans.items', {})).items;
    expect(items.map((i) => [i.tag, i.type, i.serial, i.state, i.kit])).toEqual([
      ['CAS-01', 'casque', null, 'disponible', []],
      ['PC-001', 'portable', 'SN-A1', 'disponible', ['chargeur', 'sacoche', 'souris']],
      ['PC-002', 'portable', 'SN-A2', 'disponible', ['chargeur', 'sacoche']],
    ]);
    const before = snapshot(h);
    const e = await h.fail('loans.importItems', { csv: 'tag;type\nWEB-1;webcam\nWEB-2;webcam\nweb-1;webcam\nPC-001;portable\nX;grille-pain\n' });
    expect(e.code).toBe('LOAN_IMPORT_INVALID');
    expect(e.message.fr).toContain('ligne 4 — étiquette web-1 en double (déjà ligne 2)');
    expect(e.message.fr).toContain('ligne 5 — étiquette PC-001 déjà dans le stock');
    expect(e.message.en).toContain('line 4 — duplicate tag web-1');
    expect(e.message.fr).toContain("rien n'a été importé");
    expect(snapshot(h)).toEqual(before);
  });

  it('ranks a tier 1 call before an older tier 3 request, says why, and proposes matching items to the head', async () => {
    h = await makeLoansHarness();
    const zola = await h.personId('Zola');
    const lefevre = await h.personId('Lefèvre');
    const direct = await h.call('loans.createRequest', { agent: { name: 'Émile Zola', personId: zola }, lines: [{ type: 'portable', quantity: 1 }], reason: 'télétravail' });
    expect(direct.tier).toBe(3);
    h.clock.now = new Date('2026-03-12T09:00:00Z');
    const ticket = await h.logLoanCall(lefevre, 'Besoin d’un portable et d’un casque pour la permanence état civil');
    const req = await h.call('loans.createRequest', { ticketId: ticket.id, lines: [{ type: 'portable', quantity: 1 }, { type: 'casque', quantity: 1 }], reason: 'continuité état civil' });
    expect(req.agent.name).toBe('François Lefèvre');
    expect(req.tier).toBe(1);
    expect(req.serviceName).toBe('État civil');

    const wl = await h.call('loans.waitlist', {});
    expect(wl.entries.map((e) => [e.request.agent.name, e.position, e.decidedBy])).toEqual([
      ['François Lefèvre', 1, 'head'],
      ['Émile Zola', 2, 'tier'],
    ]);
    // The facts the console words "Service vital (niveau 1)…" from (renderer/features/seats/wording.ts).
    expect(wl.entries.map((e) => e.request.tier)).toEqual([1, 3]);
    expect(wl.proposal).toEqual({ requestId: req.id, items: [{ type: 'portable', tags: ['PC-001'] }, { type: 'casque', tags: ['CAS-01'] }] });

    // Serving the tier 3 request first needs a reason, recorded in the history.
    const before = snapshot(h);
    const e = await h.fail('loans.checkout', { requestId: direct.id, tags: ['PC-002'], dueAt: due(h) });
    expect(e.code).toBe('LOAN_NOT_NEXT');
    expect(e.message.fr).toContain('François Lefèvre');
    expect(snapshot(h)).toEqual(before);
    await h.call('loans.checkout', { requestId: direct.id, tags: ['PC-002'], dueAt: due(h), overrideReason: 'remplacement urgent du poste volé' });
    const hist = (await h.call('loans.item', { tag: 'pc-002' })).history;
    expect(hist.at(-1)).toMatchObject({ action: 'checkout', fromState: 'disponible', toState: 'prete', agentName: 'Émile Zola', reason: 'hors tour : remplacement urgent du poste volé' });
  });

  it('checks out with a receipt attached to the ticket, serves part of a request, then records a return with a missing charger', async () => {
    h = await makeLoansHarness();
    const lefevre = await h.personId('Lefèvre');
    const ticket = await h.logLoanCall(lefevre, 'portable + casque');
    const req = await h.call('loans.createRequest', { ticketId: ticket.id, lines: [{ type: 'portable', quantity: 1 }, { type: 'casque', quantity: 1 }], reason: 'télétravail' });
    const out = await h.call('loans.checkout', { requestId: req.id, tags: [' pc-001 '], dueAt: due(h, 14), condition: 'Bon état, rayure capot' });
    expect(out.loans.map((l) => [l.tag, l.serial, l.agentName, l.status, l.kit])).toEqual([['PC-001', 'SN-A1', 'François Lefèvre', 'active', ['chargeur', 'sacoche', 'souris']]]);
    expect(Buffer.from(out.receipt.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(out.receipt.attachedTo).toBe(ticket.number);

    // Partly served: the headset line still waits, the request stays on the list.
    const again = await h.call('loans.waitlist', {});
    expect(again.entries[0]!.request.lines).toEqual([
      { type: 'portable', quantity: 1, served: 1 },
      { type: 'casque', quantity: 1, served: 0 },
    ]);
    expect(again.proposal).toEqual({ requestId: req.id, items: [{ type: 'casque', tags: ['CAS-01'] }] });

    const detail = await h.call('tickets.get', { id: ticket.id });
    const kinds = detail.timeline.map((f) => f.kind);
    expect(kinds).toEqual(expect.arrayContaining(['loan_request', 'loan_checkout', 'loan_receipt']));
    expect(detail.timeline.find((f) => f.kind === 'loan_receipt')!.body).toContain('Bon de prêt joint');
    const printed = await h.call('loans.receipt', { receiptId: out.receipt.receiptId });
    expect(printed.base64).toBe(out.receipt.base64);

    h.clock.now = new Date('2026-03-20T10:00:00Z');
    const back = await h.call('loans.checkin', { tag: 'PC-001', condition: 'ok', missingKit: ['Chargeur'] });
    expect(back).toMatchObject({ status: 'returned', conditionIn: 'ok', missingKit: ['chargeur'], returnedAt: '2026-03-20T10:00:00.000Z' });
    const item = await h.call('loans.item', { tag: 'PC-001' });
    expect(item.item.state).toBe('retour_a_controler');
    expect(item.history.map((e) => [e.action, e.fromState, e.toState])).toEqual([
      ['created', null, 'disponible'],
      ['checkout', 'disponible', 'prete'],
      ['checkin', 'prete', 'retour_a_controler'],
    ]);
    expect(item.history.at(-1)!.reason).toBe('OK ; manque : chargeur');
    const agentHistory = (await h.call('loans.history', { agentName: 'François Lefèvre' })).events;
    expect(agentHistory.map((e) => e.action)).toEqual(['checkout', 'checkin']);
    expect((await h.call('tickets.get', { id: ticket.id })).timeline.some((f) => f.kind === 'loan_checkin' && f.body.includes('manque : chargeur'))).toBe(true);
  });

  it('refuses bad input with a clear reason and changes nothing', async () => {
    h = await makeLoansHarness();
    const lefevre = await h.personId('Lefèvre');
    const req = await h.call('loans.createRequest', { agent: { name: 'François Lefèvre', personId: lefevre }, lines: [{ type: 'portable', quantity: 2 }], reason: 'x' });
    await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001'], dueAt: due(h) });
    const before = snapshot(h);
    const cases: [string, unknown, string, RegExp][] = [
      ['loans.checkout', { requestId: req.id, tags: ['PC-404'], dueAt: due(h) }, 'LOAN_UNKNOWN_TAG', /Étiquette inconnue : « PC-404 »/],
      ['loans.checkout', { requestId: req.id, tags: ['PC-001'], dueAt: due(h) }, 'LOAN_ALREADY_LENT', /PC-001 est déjà prêté à François Lefèvre/],
      ['loans.checkout', { requestId: req.id, tags: ['PC-002'], dueAt: new Date(h.clock.now.getTime() - 60_000).toISOString() }, 'LOAN_DUE_PAST', /déjà passée/],
      ['loans.checkout', { requestId: req.id, tags: ['PC-002', 'pc-002'], dueAt: due(h) }, 'LOAN_DUPLICATE_TAG', /scanné deux fois/],
      ['loans.checkout', { requestId: req.id, tags: ['CAS-01'], dueAt: due(h) }, 'LOAN_TYPE_NOT_REQUESTED', /ne correspond à aucune ligne/],
      ['loans.checkin', { tag: 'PC-002', condition: 'ok' }, 'LOAN_NOT_LENT', /PC-002 n'est pas prêté/],
      ['loans.createRequest', { agent: { name: 'Émile Zola' }, lines: [{ type: 'portable', quantity: 3 }], reason: 'x' }, 'LOAN_QUANTITY_ABOVE_STOCK', /3 × Portable demandé\(s\), mais le stock n'en compte que 2/],
      ['loans.createRequest', { agent: { name: 'Émile Zola' }, lines: [{ type: 'webcam', quantity: 1 }], reason: 'x' }, 'LOAN_QUANTITY_ABOVE_STOCK', /que 0/],
      ['loans.changeState', { tag: 'PC-001', to: 'en_reparation', reason: 'écran' }, 'LOAN_ALREADY_LENT', /déjà prêté/],
      ['loans.changeState', { tag: 'PC-002', to: 'prete', reason: 'raccourci' }, 'LOAN_BAD_TRANSITION', /ne peut pas passer de « Disponible » à « Prêté »/],
    ];
    for (const [name, input, code, fr] of cases) {
      const e = await h.fail(name as never, input);
      expect(e.code, name).toBe(code);
      expect(e.message.fr).toMatch(fr);
      expect(e.message.en.length).toBeGreaterThan(10);
      expect(snapshot(h)).toEqual(before);
    }
    const requests = h.service.core.db.prepare('SELECT count(*) FROM loan_requests').pluck().get();
    expect(requests).toBe(1);
  });

  it('keeps pickup reservations from overlapping; the reserved item goes to its request only', async () => {
    h = await makeLoansHarness();
    const a = await h.call('loans.createRequest', { agent: { name: 'Agent A' }, lines: [{ type: 'casque', quantity: 1 }], reason: 'x' });
    const b = await h.call('loans.createRequest', { agent: { name: 'Agent B' }, lines: [{ type: 'casque', quantity: 1 }], reason: 'x' });
    const r = await h.call('loans.reserve', { tag: 'CAS-01', requestId: a.id, beginAt: '2026-03-12T13:00:00Z', endAt: '2026-03-12T14:00:00Z' });
    expect(r.agentName).toBe('Agent A');
    const e = await h.fail('loans.reserve', { tag: 'CAS-01', requestId: b.id, beginAt: '2026-03-12T13:30:00Z', endAt: '2026-03-12T15:00:00Z' });
    expect(e.code).toBe('LOAN_RESERVATION_OVERLAP');
    expect(e.message.fr).toContain('Agent A');
    // The trigger refuses an overlap even when the check is bypassed.
    expect(() =>
      h.service.core.db
        .prepare("INSERT INTO loan_reservations (id, item_id, agent_name, begin_at, end_at, created_at, created_by) SELECT 'x', item_id, 'B', '2026-03-12T13:59:00Z', '2026-03-12T16:00:00Z', '', '' FROM loan_reservations")
        .run(),
    ).toThrow(/overlaps/);
    await h.call('loans.reserve', { tag: 'CAS-01', requestId: b.id, beginAt: '2026-03-12T14:00:00Z', endAt: '2026-03-12T15:00:00Z' });
    const ov = await h.call('loans.overview', {});
    expect(ov.pickups.map((p) => [p.tag, p.agentName])).toEqual([
      ['CAS-01', 'Agent A'],
      ['CAS-01', 'Agent B'],
    ]);
    // Lending to A for a week would swallow B's slot: refused unless the operator says why.
    const refused = await h.fail('loans.checkout', { requestId: a.id, tags: ['CAS-01'], dueAt: due(h) });
    expect(refused.code).toBe('LOAN_RESERVED_FOR_OTHER');
    expect(refused.message.fr).toContain('Agent B');
    const out = await h.call('loans.checkout', { requestId: a.id, tags: ['CAS-01'], dueAt: due(h), overrideReason: 'B prendra le casque suivant' });
    expect(out.loans[0]!.agentName).toBe('Agent A');
    const res = h.service.core.db.prepare('SELECT agent_name, status FROM loan_reservations ORDER BY begin_at').all();
    expect(res).toEqual([
      { agent_name: 'Agent A', status: 'picked_up' },
      { agent_name: 'Agent B', status: 'cancelled' },
    ]);
    expect(h.service.core.db.prepare("SELECT count(*) FROM loan_outbox WHERE kind = 'cancelReservation'").pluck().get()).toBe(1);
  });

  it('lists overdue loans with their reminder log, and the head override with its reason', async () => {
    h = await makeLoansHarness();
    const a = await h.call('loans.createRequest', { agent: { name: 'Agent A' }, lines: [{ type: 'portable', quantity: 1 }], reason: 'x' });
    const b = await h.call('loans.createRequest', { agent: { name: 'Agent B' }, lines: [{ type: 'portable', quantity: 1 }], reason: 'x' });
    const o = await h.call('loans.overrideRequest', { requestId: b.id, reason: 'élu en déplacement' });
    expect(o.override).toMatchObject({ reason: 'élu en déplacement' });
    const wl = await h.call('loans.waitlist', {});
    expect(wl.entries.map((e) => [e.request.agent.name, e.decidedBy])).toEqual([
      ['Agent B', 'head'],
      ['Agent A', 'override'],
    ]);
    expect(wl.entries[0]!.request.override).toMatchObject({ reason: 'élu en déplacement' });
    const out = await h.call('loans.checkout', { requestId: b.id, tags: ['PC-001'], dueAt: due(h, 2) });
    expect((await h.call('loans.overview', {})).overdue).toEqual([]);
    h.clock.now = new Date(h.clock.now.getTime() + 3 * 86_400_000);
    await h.call('loans.remind', { loanId: out.loans[0]!.id, note: 'message laissé sur le répondeur' });
    const ov = await h.call('loans.overview', {});
    expect(ov.overdue.map((l) => [l.tag, l.agentName, l.reminders.map((r) => r.note)])).toEqual([['PC-001', 'Agent B', ['message laissé sur le répondeur']]]);
    void a;
  });

  it('sees requests and loans made by another console on the same store (the cached list follows the file)', async () => {
    h = await makeLoansHarness();
    expect((await h.call('loans.waitlist', {})).total).toBe(0);
    const other = createService({ dataDir: path.dirname(h.service.core.db.name), host: 'web', policyFile: null, loansAutoSync: false, clock: () => h.clock.now });
    try {
      const r = await other.dispatch('loans.createRequest', { agent: { name: 'Agent de l’autre console' }, lines: [{ type: 'casque', quantity: 1 }], reason: 'x' }, { clientId: 'o' });
      expect(r.ok, JSON.stringify(r)).toBe(true);
      const wl = await h.call('loans.waitlist', {});
      expect(wl.entries.map((e) => e.request.agent.name)).toEqual(['Agent de l’autre console']);
      expect(wl.proposal?.items).toEqual([{ type: 'casque', tags: ['CAS-01'] }]);
      const lent = await other.dispatch('loans.checkout', { requestId: wl.entries[0]!.request.id, tags: ['CAS-01'], dueAt: due(h) }, { clientId: 'o' });
      expect(lent.ok, JSON.stringify(lent)).toBe(true);
      expect((await h.call('loans.waitlist', {})).total).toBe(0);
      const e = await h.fail('loans.checkout', { agent: { name: 'Ici' }, tags: ['CAS-01'], dueAt: due(h) });
      expect(e.code).toBe('LOAN_ALREADY_LENT');
    } finally {
      await other.close();
    }
  });
});
