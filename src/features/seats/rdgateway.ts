/**
 * Reads the output of the `win-rdgateway-connections` tool (assets/tools/): the RD Gateway's
 * current connections from `Win32_TSGatewayConnection` (namespace root\CIMv2\TerminalServices),
 * one compressed JSON object per line between `RELAIS-RDG-BEGIN` and `RELAIS-RDG-END <count>`.
 * Windows cannot run here: this is tested on outputs in the shape that script prints.
 */
import { z } from 'zod';
import { RelaisError } from '../../base/errors';
import { localize, type Param } from '../../base/messages';

export interface GatewayConnection {
  /** As the gateway reports it: `DOMAINE\\utilisateur`. */
  userName: string;
  /** The part after the domain, lower-cased: what a seat's login is compared with. */
  login: string;
  clientAddress: string | null;
  resource: string | null;
  connectedSince: string | null;
  idleSeconds: number | null;
}

const rowSchema = z.object({
  UserName: z.string().min(1),
  ClientAddress: z.string().nullable().optional(),
  ConnectedResource: z.string().nullable().optional(),
  ConnectedTime: z.string().nullable().optional(),
  IdleSeconds: z.number().int().nullable().optional(),
});

const problem = (what: Param, sample: string) =>
  RelaisError.of('RDGATEWAY_BAD_OUTPUT', { what, sample: sample.slice(0, 120) }, { sample: sample.slice(0, 120) });

export function loginOf(userName: string): string {
  const bare = userName.includes('\\') ? userName.slice(userName.lastIndexOf('\\') + 1) : userName.split('@')[0]!;
  return bare.toLowerCase();
}

export function parseGatewayConnections(output: string): GatewayConnection[] {
  const lines = output.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim());
  const begin = lines.indexOf('RELAIS-RDG-BEGIN');
  if (begin < 0) {
    const first = lines.find((l) => l !== '') ?? '';
    throw problem({ msg: 'RDGATEWAY_WHAT_NO_LIST' }, first);
  }
  const endAt = lines.findIndex((l, i) => i > begin && l.startsWith('RELAIS-RDG-END'));
  if (endAt < 0) throw problem({ msg: 'RDGATEWAY_WHAT_TRUNCATED' }, lines.slice(-1)[0] ?? '');
  const expected = Number(lines[endAt]!.slice('RELAIS-RDG-END'.length).trim());
  const out: GatewayConnection[] = [];
  for (const line of lines.slice(begin + 1, endAt)) {
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw problem({ msg: 'RDGATEWAY_WHAT_NOT_JSON' }, line);
    }
    const r = rowSchema.safeParse(json);
    if (!r.success) throw problem({ msg: 'RDGATEWAY_WHAT_NO_USER' }, line);
    const since = r.data.ConnectedTime ? new Date(r.data.ConnectedTime) : null;
    out.push({
      userName: r.data.UserName,
      login: loginOf(r.data.UserName),
      clientAddress: r.data.ClientAddress ?? null,
      resource: r.data.ConnectedResource ?? null,
      connectedSince: since && !Number.isNaN(since.getTime()) ? since.toISOString() : null,
      idleSeconds: r.data.IdleSeconds ?? null,
    });
  }
  if (Number.isInteger(expected) && expected !== out.length) throw problem(localize('RDGATEWAY_WHAT_COUNT', { read: out.length, expected: String(expected) }), lines[endAt]!);
  return out;
}
