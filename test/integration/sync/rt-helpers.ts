/** Direct REST2 reads of the real RT server, independent of the connector under test. */
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
