/**
 * Opens an authenticated ssh2 connection along a route (zero or more jump hosts, then the
 * target). For every hop the host key is checked in ssh2's `hostVerifier`, during key
 * exchange: nothing is authenticated (no credential leaves) until the key is accepted.
 */
import net from 'node:net';
import ssh2, { Client, type AnyAuthMethod, type AuthHandlerMiddleware } from 'ssh2';

// ssh2 is CommonJS: `utils` is reachable through the default export under native ESM.
const { utils } = ssh2;
import { RelaisError } from '../../base/errors';
import type { SshAuth } from '../../domain/ssh';
import { hostKeyInfo, type HostKeyInfo, type TrustStore } from './hostkeys';
import { sshErrors } from './errors';
import { MAX_KEY_FILE_BYTES, readBoundedFile, refusalCause } from './bounded-read';

export interface Endpoint {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  keyFile?: string | null;
  credentialId?: string | null;
  /** One-time password or passphrase typed by the technician: used once, never stored. */
  password?: string;
}

export interface Route {
  hops: Endpoint[];
  target: Endpoint;
}

export const endpointLabel = (e: Endpoint) => `${e.username}@${e.host}${e.port === 22 ? '' : `:${e.port}`}`;
export const routeKey = (r: Route) =>
  JSON.stringify([...r.hops, r.target].map((e) => [e.host.toLowerCase(), e.port, e.username, e.auth, e.keyFile ?? null, e.credentialId ?? null]));

/** Thrown when a hop presents a key nobody has trusted yet: the UI asks the technician. */
export class UnknownHostKey extends Error {
  constructor(
    readonly hop: number,
    readonly host: string,
    readonly port: number,
    readonly info: HostKeyInfo,
  ) {
    super(`unknown host key for ${host}:${port}`);
  }
}

export interface ConnectDeps {
  trust: TrustStore;
  /** host:port:fingerprint accepted for this connection only ("trust once"). */
  allowOnce: Set<string>;
  secret(credentialId: string, usedFor: string): Promise<string>;
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
}

export const onceKey = (host: string, port: number, fingerprint: string) => `${host.toLowerCase()}:${port}:${fingerprint}`;

/**
 * Checks what can be checked without any secret, before connecting. Returns the private key
 * file's bytes (auth "key"), read once, asynchronously and bounded (see bounded-read.ts).
 */
async function precheck(ep: Endpoint): Promise<Buffer | null> {
  const target = endpointLabel(ep);
  if (ep.auth === 'key') {
    if (!ep.keyFile) throw sshErrors.keyUnreadable('(aucun fichier / no file)', 'no key file in the profile');
    let raw: Buffer;
    try {
      raw = await readBoundedFile(ep.keyFile, MAX_KEY_FILE_BYTES);
    } catch (err) {
      throw sshErrors.keyUnreadable(ep.keyFile, refusalCause(err));
    }
    const parsed = utils.parseKey(raw);
    if (parsed instanceof Error) {
      if (/passphrase/i.test(parsed.message)) {
        if (ep.password === undefined && !ep.credentialId) throw sshErrors.passphraseNeeded(ep.keyFile);
      } else throw sshErrors.keyUnreadable(ep.keyFile, parsed.message.slice(0, 120));
    }
    return raw;
  } else if (ep.auth === 'agent') {
    if (!process.env.SSH_AUTH_SOCK && process.platform !== 'win32') throw sshErrors.agentMissing();
  } else if (ep.password === undefined && !ep.credentialId) throw sshErrors.passwordNeeded(target);
  return null;
}

/**
 * The authentication method, built only when ssh2 asks for it, i.e. after the host key was
 * accepted: secrets are read from the vault (and audited as used) only then.
 */
async function authMethod(ep: Endpoint, deps: ConnectDeps, keyRaw: Buffer | null): Promise<AnyAuthMethod> {
  const target = endpointLabel(ep);
  const secret = async () => ep.password ?? (ep.credentialId ? await deps.secret(ep.credentialId, target) : undefined);
  switch (ep.auth) {
    case 'key': {
      const raw = keyRaw!;
      const passphrase = utils.parseKey(raw) instanceof Error ? await secret() : undefined;
      const parsed = utils.parseKey(raw, passphrase);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (!key || key instanceof Error) throw sshErrors.keyUnreadable(ep.keyFile!, 'wrong passphrase or unsupported format');
      return { type: 'publickey', username: ep.username, key };
    }
    case 'agent':
      return { type: 'agent', username: ep.username, agent: process.env.SSH_AUTH_SOCK ?? 'pageant' };
    case 'password': {
      const password = await secret();
      if (!password) throw sshErrors.passwordNeeded(target);
      return { type: 'password', username: ep.username, password };
    }
    case 'keyboard-interactive': {
      const password = await secret();
      if (!password) throw sshErrors.passwordNeeded(target);
      return { type: 'keyboard-interactive', username: ep.username, prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map(() => password)) };
    }
  }
}

function connectOne(ep: Endpoint, hop: number, deps: ConnectDeps, sock?: NodeJS.ReadableStream & NodeJS.WritableStream): Promise<Client> {
  return precheck(ep).then((keyRaw) => connectChecked(ep, hop, deps, keyRaw, sock));
}

function connectChecked(ep: Endpoint, hop: number, deps: ConnectDeps, keyRaw: Buffer | null, sock?: NodeJS.ReadableStream & NodeJS.WritableStream): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let rejection: Error | null = null;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(err);
    };
    let authTried = false;
    const authHandler: AuthHandlerMiddleware = (_left, _partial, next) => {
      if (authTried) return next(false as never);
      authTried = true;
      authMethod(ep, deps, keyRaw).then(next, (err: Error) => {
        rejection = err;
        next(false as never);
      });
    };
    client.once('ready', () => {
      settled = true;
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string }) => {
      if (rejection) return fail(rejection);
      if (err.level === 'client-authentication') return fail(sshErrors.authFailed(endpointLabel(ep), ep.auth));
      fail(sshErrors.connectFailed(endpointLabel(ep), (err as NodeJS.ErrnoException).code ?? String(err.message).slice(0, 120)));
    });
    client.once('close', () => fail(rejection ?? sshErrors.connectFailed(endpointLabel(ep), 'connection closed')));
    // Interactive traffic: no Nagle delay (small pty/env requests otherwise wait for
    // delayed ACKs, ~40 ms each), as OpenSSH does with TCP_NODELAY.
    const tcp = sock ? null : net.connect({ host: ep.host, port: ep.port });
    tcp?.setNoDelay(true);
    client.connect({
      host: ep.host,
      port: ep.port,
      username: ep.username,
      sock: (sock ?? tcp) as never,
      readyTimeout: deps.readyTimeoutMs ?? 20_000,
      keepaliveInterval: deps.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: 3,
      authHandler,
      hostVerifier: (key: Buffer) => {
        const info = hostKeyInfo(key);
        const verdict = deps.trust.check(ep.host, ep.port, key);
        if (verdict.status === 'trusted') return true;
        if (verdict.status === 'changed') rejection = sshErrors.hostKeyChanged(ep.host, ep.port, verdict.known, info);
        else if (deps.allowOnce.has(onceKey(ep.host, ep.port, info.fingerprint))) return true;
        else rejection = new UnknownHostKey(hop, ep.host, ep.port, info);
        return false;
      },
    });
  });
}

export interface RouteConnection {
  /** The target's client (channels are opened on it). */
  client: Client;
  /** Every client along the route, first hop first. */
  clients: Client[];
  end(): void;
}

export async function connectRoute(route: Route, deps: ConnectDeps): Promise<RouteConnection> {
  const eps = [...route.hops, route.target];
  const clients: Client[] = [];
  const endAll = () => {
    for (const c of [...clients].reverse()) c.end();
  };
  try {
    let sock: (NodeJS.ReadableStream & NodeJS.WritableStream) | undefined;
    for (let i = 0; i < eps.length; i++) {
      const ep = eps[i]!;
      const client = await connectOne(ep, i, deps, sock);
      clients.push(client);
      const next = eps[i + 1];
      if (next) {
        sock = await new Promise((resolve, reject) =>
          client.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) =>
            err ? reject(sshErrors.connectFailed(endpointLabel(next), `via ${endpointLabel(ep)}: ${err.message}`)) : resolve(stream),
          ),
        );
      }
    }
  } catch (err) {
    endAll();
    if (err instanceof RelaisError || err instanceof UnknownHostKey) throw err;
    throw sshErrors.connectFailed(endpointLabel(route.target), String((err as Error).message).slice(0, 120));
  }
  return { client: clients[clients.length - 1]!, clients, end: endAll };
}
