/**
 * The pure three-way merge (`src/features/sync/merge.ts`), field by field and for the
 * timeline, with no store and no server: what is sent, what is kept, what becomes a conflict.
 */
import { describe, expect, it } from 'vitest';
import { threeWayMerge, unionTimeline } from '../../../src/features/sync/merge';
import type { SyncField, SyncFields } from '../../../src/domain/sync-fields';

type Case = {
  name: string;
  field: SyncField;
  base: unknown;
  /** undefined: the technician did not touch the field. */
  local?: unknown;
  server: unknown;
  merged: unknown;
  sent: boolean;
  conflict: boolean;
};

/** Each case for one field; the other side's value in the cell says what changed where. */
const cases: Case[] = [];
const values: Partial<Record<SyncField, [unknown, unknown, unknown]>> = {
  // base, one change, another change
  status: [2, 4, 5],
  technician: ['a.martin', 'b.durand', 'c.petit'],
  team: ['Hotline', 'Interventions', 'SIG'],
  category: ['Matériel > Imprimante', 'Réseau > Wi-Fi', 'Logiciel'],
  priority: [3, 4, 5],
  subject: ['Imprimante HS', 'Imprimante bloquée', 'Imprimante en panne'],
};
for (const [field, [base, mine, theirs]] of Object.entries(values) as [SyncField, [unknown, unknown, unknown]][]) {
  cases.push(
    { name: 'untouched on both sides', field, base, server: base, merged: base, sent: false, conflict: false },
    { name: 'changed locally only', field, base, local: mine, server: base, merged: mine, sent: true, conflict: false },
    { name: 'changed on the server only', field, base, server: theirs, merged: theirs, sent: false, conflict: false },
    { name: 'changed on both sides to the same value', field, base, local: mine, server: mine, merged: mine, sent: false, conflict: false },
    { name: 'changed on both sides differently', field, base, local: mine, server: theirs, merged: mine, sent: false, conflict: true },
  );
}

describe('three-way merge, per field', () => {
  it.each(cases)('$field: $name', ({ field, base, local, server, merged, sent, conflict }) => {
    const r = threeWayMerge({
      base: { [field]: base } as Partial<SyncFields>,
      local: (local === undefined ? {} : { [field]: local }) as Partial<SyncFields>,
      server: { [field]: server } as Partial<SyncFields>,
    });
    expect(r.merged[field]).toEqual(merged);
    expect(field in r.send).toBe(sent);
    if (sent) expect(r.send[field]).toEqual(local);
    expect(r.conflicts).toEqual(conflict ? [{ field, base, ours: local, theirs: server }] : []);
  });

  it('merges several fields at once, each on its own', () => {
    const r = threeWayMerge({
      base: { status: 2, technician: 'a.martin', team: 'Hotline', priority: 3 },
      local: { status: 4, technician: 'b.durand' },
      server: { status: 2, technician: 'c.petit', team: 'SIG', priority: 3 },
    });
    expect(r.send).toEqual({ status: 4 });
    expect(r.conflicts).toEqual([{ field: 'technician', base: 'a.martin', ours: 'b.durand', theirs: 'c.petit' }]);
    expect(r.merged).toEqual({ status: 4, technician: 'b.durand', team: 'SIG', priority: 3 });
  });

  it('status under conflict: the technician keeps their status until they choose, nothing is sent for it', () => {
    const r = threeWayMerge({ base: { status: 2 }, local: { status: 5, solution: 'Toner remplacé' }, server: { status: 6, solution: null } });
    expect(r.merged.status).toBe(5);
    expect(r.send).toEqual({ solution: 'Toner remplacé' });
    expect(r.conflicts).toEqual([{ field: 'status', base: 2, ours: 5, theirs: 6 }]);
  });

  it('a field the server does not expose is sent (nothing to merge against)', () => {
    const r = threeWayMerge({ base: { urgency: 3 }, local: { urgency: 4 }, server: { status: 2 } });
    expect(r.send).toEqual({ urgency: 4 });
    expect(r.conflicts).toEqual([]);
  });

  it('no base for a field: the local change is sent over whatever the server has', () => {
    const r = threeWayMerge({ base: {}, local: { team: 'SIG' }, server: { team: 'Hotline' } });
    expect(r.send).toEqual({ team: 'SIG' });
    expect(r.conflicts).toEqual([]);
  });

  it("values the server treats as the same (RT: 2 and 3 are both open) are not a server change; the exact local value is still sent", () => {
    const normalize = (f: SyncField, v: unknown) => (f === 'status' && v === 3 ? 2 : v);
    const unchanged = threeWayMerge({ base: { status: 3 }, local: { status: 4 }, server: { status: 2 }, normalize });
    expect(unchanged.send).toEqual({ status: 4 });
    expect(unchanged.conflicts).toEqual([]);
    const same = threeWayMerge({ base: { status: 2 }, local: { status: 3 }, server: { status: 2 }, normalize });
    expect(same.send).toEqual({ status: 3 });
  });

  it('null and absent values are the same value', () => {
    const r = threeWayMerge({ base: { technician: null }, local: { technician: null }, server: { technician: undefined as unknown as null } });
    expect(r.send).toEqual({});
    expect(r.conflicts).toEqual([]);
  });
});

describe('timeline union', () => {
  const local = (known: string[], ops: Partial<Record<string, string>>) => ({
    hasServerId: (sid: string) => known.includes(sid),
    entryOfOp: (op: string) => ops[op] ?? null,
  });
  const entry = (serverId: string, opId: string | null = null) => ({ serverId, opId, body: `suivi ${serverId}` });

  it.each([
    { name: 'only on the server: added', server: [entry('s1')], known: [], ops: {}, add: ['s1'], link: [] },
    { name: 'already on both: nothing', server: [entry('s1')], known: ['s1'], ops: {}, add: [], link: [] },
    { name: 'sent by Relais, its id lost: linked to the local entry, not added again', server: [entry('s2', 'op-2')], known: [], ops: { 'op-2': 'local-2' }, add: [], link: [{ localId: 'local-2', serverId: 's2' }] },
    { name: 'marker of an operation this console does not know: added', server: [entry('s3', 'op-x')], known: [], ops: {}, add: ['s3'], link: [] },
    { name: 'the same server entry listed twice: counted once', server: [entry('s4'), entry('s4')], known: [], ops: {}, add: ['s4'], link: [] },
    {
      name: 'a mix keeps the server order',
      server: [entry('s1'), entry('s2', 'op-2'), entry('s3'), entry('s5')],
      known: ['s3'],
      ops: { 'op-2': 'local-2' },
      add: ['s1', 's5'],
      link: [{ localId: 'local-2', serverId: 's2' }],
    },
  ])('$name', ({ server, known, ops, add, link }) => {
    const r = unionTimeline(server, local(known, ops));
    expect(r.add.map((e) => e.serverId)).toEqual(add);
    expect(r.link).toEqual(link);
  });
});
