/**
 * A real OpenVPN 2.6 server with its management interface on 127.0.0.1 (free port, random
 * password) and real clients, each in its own network namespace, from the verified recipe
 * `openvpn-lab.sh` (copied from shared/recipes/openvpn; see its README for the pitfalls).
 * Needs root, /dev/net/tun and the `openvpn` package. Interface names are fixed by the
 * recipe, so one lab runs at a time on the machine; `down` stops its processes by PID.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../support/ports';

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, 'openvpn-lab.sh');

export interface OpenVpnLab {
  host: string;
  port: number;
  password: string;
  clients: string[];
  dir: string;
  /** `status 3` through the recipe's own bash client (independent of Relais's). */
  rawStatus(): Promise<string>;
  down(): Promise<void>;
}

/** Why the lab cannot run here, or null. */
export function openVpnUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  if (!fs.existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  if (!['/usr/sbin/openvpn', '/usr/bin/openvpn'].some((p) => fs.existsSync(p))) return 'openvpn is not installed (scripts/install-system-deps.sh)';
  return null;
}

export async function startOpenVpnLab(opts: { clients?: string[]; proto?: 'udp' | 'tcp' } = {}): Promise<OpenVpnLab> {
  const why = openVpnUnavailable();
  if (why) throw new Error(`OpenVPN lab unavailable: ${why}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-ovpn-'));
  const clients = opts.clients ?? ['agent-dupre', 'agent-martin'];
  const port = await freePort();
  const password = crypto.randomBytes(12).toString('base64url');
  const env = {
    ...process.env,
    OVPN_LAB_DIR: dir,
    OVPN_LAB_CLIENTS: clients.join(' '),
    OVPN_LAB_PROTO: opts.proto ?? 'udp',
    OVPN_LAB_MGMT_PORT: String(port),
    OVPN_LAB_MGMT_PASSWORD: password,
  };
  const sh = (...args: string[]) => run('bash', [SCRIPT, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  try {
    await sh('up', dir);
  } catch (err) {
    await sh('down', dir).catch(() => {});
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    password,
    clients,
    dir,
    rawStatus: async () => (await sh('mgmt', dir, '--', 'status 3')).stdout,
    async down() {
      await sh('down', dir).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
