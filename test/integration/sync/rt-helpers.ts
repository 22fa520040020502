/** Direct REST2 reads of the real RT server, independent of the connector under test. */
import { expect } from 'vitest';
import type { Db } from '../../../src/features/schema/database';
import type { RtInstance } from '../../services/rt';

export async function rtFetch(rt: RtInstance, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${rt.url}/REST/2.0${path}`, {
    ...init,
    headers: { Authorization: `token ${rt.token}`, 'Content-Type': 'application/json', ...(init.headers as Record<string, string>) },
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: res.status, body, headers: res.headers };
}

export interface ServerTicket {
  id: string;
  subject: string;
  status: string;
  opId: string | null;
}

/** Every ticket on the server with its RelaisOpId custom field. */
export async function allServerTickets(rt: RtInstance): Promise<ServerTicket[]> {
  const out: ServerTicket[] = [];
  for (let page = 1; ; page++) {
    const q = new URLSearchParams({ query: 'id > 0', per_page: '100', page: String(page), fields: 'Subject,Status,CustomFields', orderby: 'id' });
    const r = await rtFetch(rt, `/tickets?${q}`);
    if (r.status !== 200) throw new Error(`RT search failed: ${r.status} ${JSON.stringify(r.body)}`);
    for (const it of r.body.items) {
      const cf = (it.CustomFields ?? []).find((c: { name: string }) => c.name === 'RelaisOpId');
      out.push({ id: String(it.id), subject: it.Subject, status: it.Status, opId: cf?.values?.[0] ?? null });
    }
    if (r.body.items.length < 100) break;
  }
  return out;
}

/** The text contents of a ticket's comments and replies, oldest first. */
export async function serverFollowups(rt: RtInstance, ticketId: string): Promise<string[]> {
  const out: { tx: number; content: string }[] = [];
  for (let page = 1; ; page++) {
    const q = new URLSearchParams({ per_page: '100', page: String(page), fields: 'Content,TransactionId' });
    const r = await rtFetch(rt, `/ticket/${ticketId}/attachments?${q}`);
    for (const a of r.body.items) out.push({ tx: Number(typeof a.TransactionId === 'object' ? a.TransactionId.id : a.TransactionId), content: a.Content ?? '' });
    if (r.body.items.length < 100) break;
  }
  // The first attachment is the creation's content (the description).
  return out.sort((a, b) => a.tx - b.tx).slice(1).map((a) => a.content);
}

export async function createServerTicket(rt: RtInstance, body: Record<string, unknown>): Promise<string> {
  const r = await rtFetch(rt, '/ticket', { method: 'POST', body: JSON.stringify({ Queue: 'Hotline', ContentType: 'text/plain', ...body }) });
  if (r.status !== 201) throw new Error(`RT create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return String(r.body.id);
}

/** RT's transactions that carry text (creation, replies, comments), oldest first, marker stripped. */
export async function rtThread(rt: RtInstance, id: string): Promise<{ tx: string; type: string; content: string }[]> {
  const types = new Map<string, string>();
  const h = await rtFetch(rt, `/ticket/${id}/history?per_page=100&fields=Type`);
  for (const t of h.body.items) types.set(String(t.id), t.Type);
  const a = await rtFetch(rt, `/ticket/${id}/attachments?per_page=100&fields=Content,TransactionId,ContentType`);
  const out: { tx: string; type: string; content: string }[] = [];
  for (const at of a.body.items) {
    const tx = String(typeof at.TransactionId === 'object' ? at.TransactionId.id : at.TransactionId);
    const type = types.get(tx) ?? '?';
    if (!['Create', 'Correspond', 'Comment'].includes(type) || !(at.ContentType ?? '').startsWith('text/plain')) continue;
    if (out.some((o) => o.tx === tx)) continue;
    out.push({ tx, type, content: String(at.Content ?? '').split('\n\n[relais-op:')[0]! });
  }
  return out.sort((x, y) => Number(x.tx) - Number(y.tx));
}

/**
 * One server object per timeline entry: RT's creation holds the call (the description), and
 * every other entry (mirrors of field changes aside) is exactly one reply or comment, in order.
 */
export async function expectThreadMatchesTimeline(rt: RtInstance, db: Db, ticketId: string): Promise<void> {
  const t = db.prepare('SELECT server_id, description FROM tickets WHERE id = ?').get(ticketId) as { server_id: string; description: string };
  const what = `ticket ${t.server_id}`;
  const thread = await rtThread(rt, t.server_id);
  const entries = (db.prepare('SELECT kind, body, server_id, private FROM followups WHERE ticket_id = ? ORDER BY created_at, rowid').all(ticketId) as { kind: string; body: string; server_id: string | null; private: number }[]).filter(
    (e) => !['status', 'assign', 'created'].includes(e.kind),
  );
  expect(thread[0], what).toMatchObject({ type: 'Create', content: t.description });
  expect(thread.filter((x) => x.content.trim() === t.description).length, `${what}: description once`).toBe(1);
  for (const e of entries) expect(e.server_id, `${what}: ${e.kind} entry linked`).toBeTruthy();
  expect(entries.filter((e) => e.server_id!.startsWith('create:')).every((e) => e.body === t.description), what).toBe(true);
  expect(
    thread.slice(1).map((x) => [x.tx, x.type, x.content]),
    what,
  ).toEqual(entries.filter((e) => !e.server_id!.startsWith('create:')).map((e) => [e.server_id, e.private ? 'Comment' : 'Correspond', e.body]));
}
