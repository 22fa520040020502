import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Service } from '../../../src/api/service';
import { makeTempDir } from '../../support/temp-dir';

let service: Service | null = null;
const temp = makeTempDir();
afterEach(async () => {
  await service?.close();
  service = null;
  temp.cleanup();
});
const caller = { clientId: 't' };
const ok = async (name: string, input: unknown) => {
  const r = await service!.dispatch(name, input, caller);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value as Record<string, unknown>;
};

describe('call drafts in the store', () => {
  it('keeps drafts across a restart, keeps the first pick-up time, and deletes a draft with the ticket it became', async () => {
    service = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
    const form = { subject: 'Écran noir', description: '', requester: { kind: 'free', name: 'Jean Inconnu', phone: '' } };
    await ok('drafts.save', { id: 'a', startedAt: '2026-01-05T09:00:00.000Z', form });
    // A late save from the form with another pick-up time never restarts the timer.
    await ok('drafts.save', { id: 'a', startedAt: '2026-01-05T09:05:00.000Z', form: { ...form, description: 'depuis ce matin' } });
    await ok('drafts.save', { id: 'b', startedAt: null, form: {} });
    await service.close();

    service = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
    const { drafts } = (await ok('drafts.list', {})) as { drafts: { id: string; startedAt: string | null; form: { description: string } }[] };
    expect(drafts.map((d) => d.id).sort()).toEqual(['a', 'b']);
    const a = drafts.find((d) => d.id === 'a')!;
    expect(a.startedAt).toBe('2026-01-05T09:00:00.000Z');
    expect(a.form.description).toBe('depuis ce matin');

    // An invalid call leaves the draft in place (nothing half-written).
    const bad = await service.dispatch('drafts.logCall', { draftId: 'a', call: { requesterName: 'Jean', description: 'x', outcome: 'route', teamId: 'nope' } }, caller);
    expect(bad.ok).toBe(false);
    expect(((await ok('drafts.list', {})).drafts as unknown[]).length).toBe(2);

    const ticket = await ok('drafts.logCall', { draftId: 'a', call: { requesterName: 'Jean Inconnu', description: 'Écran noir', durationSec: 125 } });
    expect(ticket.number).toBeGreaterThan(0);
    expect(((await ok('drafts.list', {})).drafts as { id: string }[]).map((d) => d.id)).toEqual(['b']);
    expect(((await ok('drafts.discard', { id: 'b' })) as { discarded: boolean }).discarded).toBe(true);
    expect(((await ok('drafts.list', {})).drafts as unknown[]).length).toBe(0);
  });

  it('a call solved on the phone records the solution given, never the problem text', async () => {
    service = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
    const t = await ok('tickets.logCall', { requesterName: 'Jean', description: "L'imprimante bourre", outcome: 'solved_on_phone' });
    expect(t.solution).not.toContain('imprimante');
    const t2 = await ok('tickets.logCall', { requesterName: 'Jean', description: "L'imprimante bourre", outcome: 'solved_on_phone', solution: 'Bourrage retiré.' });
    expect(t2.solution).toBe('Bourrage retiré.');
  });
});
