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

export function parseStatus(text: string): VpnStatus {
  const sep = detectSeparator(text);
  let title = '';
  let time: string | null = null;
  let columns: Map<string, number> | null = null;
  const clients: VpnClient[] = [];
  let ended = false;
  let start = 0;
  // A manual line loop: 5,000 clients parse in a few ms without an intermediate array of lines.
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === 'END') {
      ended = true;
      break;
    }
    const tag = line.slice(0, line.indexOf(sep));
    if (tag === 'CLIENT_LIST') {
      if (!columns) throw new StatusFormatError({ kind: 'garbage', sample: 'CLIENT_LIST before its HEADER' });
      const f = line.split(sep);
      // f[0] is the tag; column i of the header is f[i + 1].
      const get = (name: string) => {
        const i = columns!.get(name);
        return i === undefined ? undefined : f[i + 1];
      };
      const username = get('Username');
      clients.push({
        commonName: get(REQUIRED) ?? '',
        realAddress: get('Real Address') ?? '',
        virtualAddress: get('Virtual Address') ?? '',
        bytesReceived: num(get('Bytes Received')),
        bytesSent: num(get('Bytes Sent')),
        connectedSince: toIso(get('Connected Since (time_t)')),
        username: username && username !== 'UNDEF' ? username : null,
        clientId: get('Client ID') ?? null,
      });
    } else if (tag === 'HEADER') {
      const f = line.split(sep);
      if (f[1] === 'CLIENT_LIST') {
        columns = new Map(f.slice(2).map((name, i) => [name, i]));
        if (!columns.has(REQUIRED)) throw new StatusFormatError({ kind: 'missing-column', column: REQUIRED });
      }
    } else if (tag === 'TITLE') {
      title = line.slice(6);
    } else if (tag === 'TIME') {
      time = toIso(line.split(sep)[2]);
    }
  }
  if (!ended) throw new StatusFormatError({ kind: 'garbage', sample: 'no END line' });
  if (!columns) throw new StatusFormatError({ kind: 'missing-column', column: 'HEADER CLIENT_LIST' });
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
