/**
 * Parses the OpenVPN management interface's `status 3` reply (tab-separated; `status 2` is the
 * same with commas, and is accepted too) and `load-stats`. Columns are found by their names in
 * the `HEADER CLIENT_LIST` row, so a server that adds or reorders columns still parses; a reply
 * that is not a status block, or a status version we cannot read, is refused with a reason.
 */

export interface VpnClient {
  commonName: string;
  realAddress: string;
  virtualAddress: string;
  bytesReceived: number;
  bytesSent: number;
  /** ISO date, from `Connected Since (time_t)`. */
  connectedSince: string | null;
  username: string | null;
  clientId: string | null;
}

export interface VpnStatus {
  title: string;
  /** ISO time of the server's snapshot. */
  time: string | null;
  clients: VpnClient[];
}

export type StatusParseError = { kind: 'garbage'; sample: string } | { kind: 'unknown-version'; version: string } | { kind: 'missing-column'; column: string };

export class StatusFormatError extends Error {
  constructor(readonly problem: StatusParseError) {
    super(problem.kind);
  }
}

const REQUIRED = 'Common Name';

function toIso(timeT: string | undefined): string | null {
  if (!timeT || !/^\d+$/.test(timeT)) return null;
  return new Date(Number(timeT) * 1000).toISOString();
}
const num = (s: string | undefined) => {
  const n = Number(s);
  return Number.isFinite(n) ? n : 0;
};

/** Which status format a reply is in, from its first meaningful line. */
function detectSeparator(text: string): '\t' | ',' {
  const first = text.slice(0, 200).replace(/^\s+/, '');
  if (first.startsWith('TITLE\t')) return '\t';
  if (first.startsWith('TITLE,')) return ',';
  if (first.startsWith('OpenVPN CLIENT LIST')) throw new StatusFormatError({ kind: 'unknown-version', version: '1' });
  throw new StatusFormatError({ kind: 'garbage', sample: first.slice(0, 80).replace(/[^\x20-\x7e]/g, '?') });
}

/** Column positions in a CLIENT_LIST row (-1 when the server does not send that column). */
interface Columns {
  cn: number;
  real: number;
  virt: number;
  rx: number;
  tx: number;
  since: number;
  user: number;
  cid: number;
  /** wanted[i]: is row field i one of the above? */
  wanted: boolean[];
}

/**
 * The fields of one row between `start` and `stop`, cutting out only the wanted ones
 * (others stay undefined): a 5,000-client reply then allocates a third of the strings.
 */
function pickFields(text: string, start: number, stop: number, sep: string, wanted: readonly boolean[]): (string | undefined)[] {
  const out: (string | undefined)[] = new Array(wanted.length);
  let i = 0;
  let from = start;
  while (i < wanted.length && from <= stop) {
    let to = text.indexOf(sep, from);
    if (to < 0 || to > stop) to = stop;
    if (wanted[i]) out[i] = text.slice(from, to);
    i++;
    from = to + 1;
  }
  return out;
}

function columnsOf(headerFields: string[]): Columns {
  // Header field i+2 names row field i+1 (both start with their tag, the header with two).
  const at = (name: string) => {
    const i = headerFields.indexOf(name, 2);
    return i < 0 ? -1 : i - 1;
  };
  const cols = { cn: at(REQUIRED), real: at('Real Address'), virt: at('Virtual Address'), rx: at('Bytes Received'), tx: at('Bytes Sent'), since: at('Connected Since (time_t)'), user: at('Username'), cid: at('Client ID') };
  if (cols.cn < 0) throw new StatusFormatError({ kind: 'missing-column', column: REQUIRED });
  const idx = Object.values(cols);
  const wanted = Array.from({ length: Math.max(...idx) + 1 }, (_, i) => idx.includes(i));
  return { ...cols, wanted };
}

export function parseStatus(text: string): VpnStatus {
  const sep = detectSeparator(text);
  let title = '';
  let time: string | null = null;
  let cols: Columns | null = null;
  const clients: VpnClient[] = [];
  let ended = false;
  let start = 0;
  const field = (f: readonly (string | undefined)[], i: number) => (i < 0 ? undefined : f[i]);
  // A manual line loop over the reply: 5,000 clients parse without an array of every line.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    const first = text.charCodeAt(start);
    // Only CLIENT_LIST, HEADER, TITLE, TIME and END matter: skip ROUTING_TABLE/GLOBAL_STATS rows unread.
    if (first === 67 /* C */ && text.startsWith('CLIENT_LIST', start)) {
      if (!cols) throw new StatusFormatError({ kind: 'garbage', sample: 'CLIENT_LIST before its HEADER' });
      const f = pickFields(text, start, stop, sep, cols.wanted);
      const username = field(f, cols.user);
      clients.push({
        commonName: f[cols.cn] ?? '',
        realAddress: field(f, cols.real) ?? '',
        virtualAddress: field(f, cols.virt) ?? '',
        bytesReceived: num(field(f, cols.rx)),
        bytesSent: num(field(f, cols.tx)),
        connectedSince: toIso(field(f, cols.since)),
        username: username && username !== 'UNDEF' ? username : null,
        clientId: field(f, cols.cid) ?? null,
      });
    } else if (first === 72 /* H */ && text.startsWith(`HEADER${sep}CLIENT_LIST${sep}`, start)) {
      cols = columnsOf(text.slice(start, stop).split(sep));
    } else if (first === 84 /* T */) {
      const line = text.slice(start, stop);
      if (line.startsWith(`TITLE${sep}`)) title = line.slice(6);
      else if (line.startsWith(`TIME${sep}`)) time = toIso(line.split(sep)[2]);
    } else if (first === 69 /* E */ && stop - start === 3 && text.startsWith('END', start)) {
      ended = true;
      break;
    }
    start = end + 1;
  }
  if (!ended) throw new StatusFormatError({ kind: 'garbage', sample: 'no END line' });
  if (!cols) throw new StatusFormatError({ kind: 'missing-column', column: 'HEADER CLIENT_LIST' });
  return { title, time, clients };
}

export interface LoadStats {
  clients: number;
  bytesIn: number;
  bytesOut: number;
}

/** `SUCCESS: nclients=2,bytesin=4625,bytesout=4659` */
export function parseLoadStats(line: string): LoadStats {
  const m = /^SUCCESS:\s*nclients=(\d+),bytesin=(\d+),bytesout=(\d+)/.exec(line.trim());
  if (!m) throw new StatusFormatError({ kind: 'garbage', sample: line.slice(0, 80) });
  return { clients: Number(m[1]), bytesIn: Number(m[2]), bytesOut: Number(m[3]) };
}
