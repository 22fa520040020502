/**
 * The drain of loan_outbox against a small in-test LoanRemote (a double of the loans
 * feature's own port; the real RT/GLPI adapters have their own tests): order, remote ids,
 * conflicts, retries and parking, and ops waiting for their ticket's server id.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RelaisError } from '../../../src/base/errors';
import type { LoanRemote, LoanRemoteOp, LoanRemoteResult } from '../../../src/features/loans/remote-types';
import { makeLoansHarness, type LoansHarness } from './harness';

let h: LoansHarness;
afterEach(async () => {
  await h?.close();
});

/** Records every op; `answer` decides what the "server" says. */
function recordingRemote(answer: (op: LoanRemoteOp, n: number) => LoanRemoteResult | Error = (op) => ({ status: 'done', remoteId: op.kind === 'item' ? `asset-${op.item.tag}` : undefined })) {
  const ops: LoanRemoteOp[] = [];
  let enabled = true;
  const remote: LoanRemote = {
    kind: 'rt',
    async apply(op) {
      ops.push(structuredClone(op));
      const r = answer(op, ops.length);
      if (r instanceof Error) throw r;
      return r;
    },
  };
  return { ops, remote: () => (enabled ? remote : null), disable: () => (enabled = false) };
}
const due = (h: LoansHarness) => new Date(h.clock.now.getTime() + 7 * 86_400_000).toISOString();
const setServerId = (h: LoansHarness, ticketId: string, serverId: string) => h.service.core.db.prepare('UPDATE tickets SET server_id = ? WHERE id = ?').run(serverId, ticketId);

describe('loan_outbox drain', () => {
  it('pushes ops in order, stores remote ids on items, and holds a check-out until its ticket has a server id', async () => {
    const r = recordingRemote();
    h = await makeLoansHarness({ remote: r.remote });
    const lefevre = await h.personId('Lefèvre');
    const ticket = await h.logLoanCall(lefevre, 'portable');
    const req = await h.call('loans.createRequest', { ticketId: ticket.id, lines: [{ type: 'portable', quantity: 1 }], reason: 'x' });
    await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001'], dueAt: due(h) });
    await h.call('loans.checkin', { tag: 'PC-001', condition: 'a_controler', missingKit: ['souris'] });

    const first = await h.call('loans.sync', {});
    expect(first).toMatchObject({ done: 3, waiting: 1, conflicts: 0, parked: 0, stoppedBy: null });
    expect(r.ops.map((o) => `${o.kind}:${o.item.tag}`)).toEqual(['item:PC-001', 'item:PC-002', 'item:CAS-01']);
    expect((await h.call('loans.items', {})).items.map((i) => [i.tag, i.remoteId])).toEqual([
      ['CAS-01', 'asset-CAS-01'],
      ['PC-001', 'asset-PC-001'],
      ['PC-002', 'asset-PC-002'],
    ]);
    expect(first.outbox.waitingForTicket).toBe(2);

    setServerId(h, ticket.id, '4242');
    const second = await h.call('loans.sync', {});
    expect(second).toMatchObject({ done: 2, waiting: 0 });
    const [checkout, checkin] = r.ops.slice(3);
    expect(checkout).toMatchObject({ kind: 'checkout', ticketRemoteId: '4242', agent: { name: 'François Lefèvre', login: 'francois.lefevre', email: 'francois.lefevre@ville.test' } });
    expect(checkout!.item).toMatchObject({ tag: 'PC-001', serial: 'SN-A1', remoteId: 'asset-PC-001', state: 'prete' });
    expect(checkin).toMatchObject({ kind: 'checkin', condition: 'a_controler', missingKit: ['souris'], item: { state: 'retour_a_controler', remoteId: 'asset-PC-001' } });
    expect((await h.call('loans.sync', {})).done).toBe(0);
    expect(r.ops).toHaveLength(5);
  });

  it('a conflict marks the loan for the operator; the item is not lent twice and the request waits again once resolved', async () => {
    const r = recordingRemote((op) => (op.kind === 'checkout' ? { status: 'conflict', heldBy: 'dupont', message: { fr: 'Déjà prêté à dupont sur RT', en: 'Already lent to dupont on RT' } } : { status: 'done' }));
    h = await makeLoansHarness({ remote: r.remote });
    const req = await h.call('loans.createRequest', { agent: { name: 'Agent A' }, lines: [{ type: 'portable', quantity: 1 }], reason: 'x' });
    const out = await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001'], dueAt: due(h) });
    expect((await h.call('loans.sync', {})).conflicts).toBe(1);
    const ov = await h.call('loans.overview', {});
    expect(ov.conflicts.map((l) => [l.tag, l.conflict])).toEqual([['PC-001', { heldBy: 'dupont', message: { fr: 'Déjà prêté à dupont sur RT', en: 'Already lent to dupont on RT' } }]]);
    const again = await h.fail('loans.checkout', { agent: { name: 'Agent C' }, tags: ['PC-001'], dueAt: due(h) });
    expect(again.code).toBe('LOAN_ALREADY_LENT');
    const resolved = await h.call('loans.resolveConflict', { loanId: out.loans[0]!.id, reason: 'prêté par une autre console' });
    expect(resolved.status).toBe('cancelled');
    expect((await h.call('loans.item', { tag: 'PC-001' })).item.state).toBe('disponible');
    const wl = await h.call('loans.waitlist', {});
    expect(wl.entries.map((e) => [e.request.id, e.request.lines[0]!.served])).toEqual([[req.id, 0]]);
  });

  it('retries a transport failure with backoff, keeps the order, and parks an op the server refuses', async () => {
    let down = true;
    const r = recordingRemote((op) => {
      if (down) return new RelaisError('SYNC_UNREACHABLE', { fr: 'Serveur injoignable', en: 'Server unreachable' });
      if (op.kind === 'item' && op.item.tag === 'CAS-01') return new RelaisError('LOAN_REMOTE_INVALID', { fr: 'Catalogue « Permanence » absent', en: 'No "Permanence" catalog' }, { retryable: false });
      return { status: 'done' };
    });
    h = await makeLoansHarness({ remote: r.remote });
    const first = await h.call('loans.sync', {});
    expect(first).toMatchObject({ done: 0, parked: 0, stoppedBy: { code: 'SYNC_UNREACHABLE' } });
    expect(r.ops).toHaveLength(1);
    // Within the backoff delay nothing is tried.
    const waiting = await h.call('loans.sync', {});
    expect(waiting.done + waiting.parked).toBe(0);
    expect(r.ops).toHaveLength(1);
    down = false;
    h.clock.now = new Date(h.clock.now.getTime() + 60_000);
    const second = await h.call('loans.sync', {});
    expect(second).toMatchObject({ done: 2, parked: 1 });
    expect(r.ops.map((o) => o.item.tag)).toEqual(['PC-001', 'PC-001', 'PC-002', 'CAS-01']);
    expect(second.outbox.parked).toEqual([{ seq: expect.any(Number), kind: 'item', tag: 'CAS-01', message: 'Catalogue « Permanence » absent' }]);
    expect((await h.call('loans.retryParked', {})).requeued).toBe(1);
  });

  it('standalone (no server): nothing is pushed and the outbox keeps every change', async () => {
    const r = recordingRemote();
    r.disable();
    h = await makeLoansHarness({ remote: r.remote });
    const s = await h.call('loans.sync', {});
    expect(s).toMatchObject({ done: 0, outbox: { pending: 3 } });
    expect(r.ops).toHaveLength(0);
  });
});
