/**
 * Parses `qwinsta /server:<host>` (a.k.a. `query session`) output from English and French
 * Windows. Columns are fixed-width: SESSIONNAME / NOM DE SESSION, USERNAME / NOM
 * D'UTILISATEUR, ID (right-aligned), STATE / ÉTAT, TYPE, DEVICE / PÉRIPHÉRIQUE. The first
 * character of each row is `>` on the caller's own session, a space otherwise. The user
 * name is blank for services and listeners; a disconnected session has no session name.
 */
import type { ShadowSession } from '../../domain/rdp';

function normalizeState(word: string): ShadowSession['state'] {
  const w = word
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  if (/^(active|actif|activ)/.test(w)) return 'active';
  if (/^(disc|deco|d.co|deconn)/.test(w)) return 'disconnected';
  if (/^(listen|ecout|.cout)/.test(w)) return 'listen';
  if (/^(conn)/.test(w)) return 'connected';
  if (/^(down|arret|arr.t)/.test(w)) return 'down';
  return 'other';
}

/** Decodes qwinsta's bytes: UTF-8 when valid, otherwise the OEM code page 850 (French consoles). */
export function decodeQwinsta(buf: Buffer): string {
  const utf8 = buf.toString('utf8');
  if (!utf8.includes('\ufffd')) return utf8;
  // CP850 upper half, enough for the French column headers and states.
  const cp850 =
    'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u00ad±‗¾¶§÷¸°¨·¹³²■\u00a0';
  let out = '';
  for (const byte of buf) out += byte < 0x80 ? String.fromCharCode(byte) : cp850[byte - 0x80];
  return out;
}

export function parseQwinsta(output: string): ShadowSession[] {
  const lines = output.replace(/\r/g, '').split('\n');
  const headerIndex = lines.findIndex((l) => /\bID\b/.test(l) && /(SESSION|UTILISATEUR|USERNAME)/i.test(l));
  if (headerIndex < 0) return [];
  const header = lines[headerIndex]!;
  const userMatch = /(USERNAME|NOM D.UTILISATEUR)/i.exec(header);
  const userCol = userMatch ? userMatch.index : 19;
  const sessions: ShadowSession[] = [];
  for (const line of lines.slice(headerIndex + 1)) {
    if (!line.trim()) continue;
    const current = line.startsWith('>');
    const body = ` ${line.slice(1)}`;
    // ID, then STATE, then optional TYPE and DEVICE, at the end of the row.
    const m = /\s(\d{1,5})\s+(\S+)(?:\s+\S+){0,2}\s*$/.exec(body);
    if (!m) continue;
    const idStart = m.index;
    const before = body.slice(0, idStart + 1);
    let name = before.slice(1, userCol).trim();
    let user = before.slice(userCol).trim();
    if (before.length <= userCol) {
      // Row shorter than the user column: a single token is a session name.
      name = before.trim();
      user = '';
    } else if (name && !user && name.includes(' ')) {
      // Long session name overflowing into the user column.
      const parts = name.split(/\s+/);
      user = parts.pop() ?? '';
      name = parts.join(' ');
    }
    sessions.push({ id: Number(m[1]), name, user, state: normalizeState(m[2]!), current });
  }
  return sessions;
}

/** Sessions a technician can shadow: a user is logged on, active first, then by id. */
export function shadowableSessions(sessions: ShadowSession[]): ShadowSession[] {
  return sessions
    .filter((s) => s.user !== '' && (s.state === 'active' || s.state === 'disconnected' || s.state === 'connected'))
    .sort((a, b) => (a.state === 'active' ? 0 : 1) - (b.state === 'active' ? 0 : 1) || a.id - b.id);
}
