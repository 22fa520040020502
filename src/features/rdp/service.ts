import { localize } from '../../base/messages';
import { v7 as uuidv7 } from 'uuid';
import type { FeatureHost } from '../../platform/feature-host';
import type { TicketPort } from '../tickets/port';
import type { AuditPort } from '../security/port';
import { getSecretFor, loginSecretKinds, type Vault } from '../security/vault';
import { RelaisError } from '../../base/errors';
import type { AssetRemote, LaunchResult, RdpClientId, RdpEvents, RdpLaunchMethod, SessionRecord } from '../../domain/rdp';
import { buildRdpFile, encodeRdpFile, type RdpFileFields } from './rdp-file';
import {
  describePlan,
  findExecutable,
  freeRdpCanPin,
  macOpenPlan,
  methodUnsupported,
  msraPlan,
  mstscPlan,
  noClientError,
  parseFreeRdpVersion,
  qwinstaPlan,
  remminaPlan,
  shadowPlan,
  windowsSystem32,
  xfreerdpPlan,
  type FreeRdpVersion,
  type LaunchPlan,
} from './launchers';
import { probeCertificate } from './cert';
import { decodeQwinsta, parseQwinsta, shadowableSessions } from './qwinsta';
import { runCommand, runPlan, writeTempRdpFile, type ClientSignal, type RunningClient, type TempRdpFile } from './runner';
import { cleanHost } from './sanitize';
import {
  getAssetRemote,
  getSession,
  insertSession,
  listSessions,
  saveAssetRemote,
  searchAssets,
  trustFingerprint,
  trustedFingerprint,
  updateSession,
} from './store';
import path from 'node:path';
import fs from 'node:fs';

/** What the RDP feature reads from the vault: a stored login secret by id, checked by kind. */
export type SecretReader = Pick<Vault, 'get' | 'meta'>;

export type OutcomeProbe = (ctx: { host: string; port: number; user: string; since: number }) => Promise<'logged_in' | 'auth_failed' | null>;

/** The machine the console runs on; replaced in tests (Windows launchers, xrdp's log). */
export interface RdpEnvironment {
  platform: string;
  processEnv: NodeJS.ProcessEnv;
  runCommand: typeof runCommand;
  runPlan: typeof runPlan;
  probeCertificate: typeof probeCertificate;
  /** Extra evidence of the login outcome (tests: xrdp's log). */
  outcomeProbe: OutcomeProbe | null;
  /** Organisation policy: allow `/noConsentPrompt` for shadowing (off). */
  allowNoConsent: boolean;
}

export interface RdpDeps {
  tickets: TicketPort;
  vault: SecretReader;
  audit: AuditPort;
  env?: Partial<RdpEnvironment>;
}

const AUTH_FAILED = (name: string) => localize('RDP_SESSION_AUTH_FAILED', { name });
const CERT_REJECTED = (name: string) => localize('RDP_SESSION_CERT_REJECTED', { name });
const UNREACHABLE = (name: string) => localize('RDP_SESSION_UNREACHABLE', { name });
const NO_DISPLAY = localize('RDP_NO_DISPLAY');

/** A FreeRDP session closed this fast without a user session: credentials refused. */
const QUICK_CLOSE_MS = 15_000;

const METHOD_LABEL: Record<RdpLaunchMethod, { fr: string; en: string }> = {
  rdp: localize('RDP_METHOD_RDP'),
  msra: localize('RDP_METHOD_MSRA'),
  shadow: localize('RDP_METHOD_SHADOW'),
};

/**
 * The RDP feature: per-PC remote methods, launching mstsc/msra/shadowing/FreeRDP with
 * argument arrays, certificate trust, and the sessions on the ticket timeline and in the
 * audit log.
 */
export function createRdpService(core: FeatureHost<RdpEvents>, deps: RdpDeps) {
  const env: RdpEnvironment = {
    platform: process.platform,
    processEnv: process.env,
    runCommand,
    runPlan,
    probeCertificate,
    outcomeProbe: null,
    allowNoConsent: false,
    ...deps.env,
  };
  const running = new Map<string, RunningClient>();
  /** host:port whose certificate xfreerdp refused: read it again before the next launch. */
  const suspect = new Set<string>();
  const pendingEnds = new Set<Promise<unknown>>();
  let freerdp: { program: string; version: FreeRdpVersion } | null | undefined;

  core.onClose(async () => {
    for (const c of running.values()) c.kill();
    await Promise.allSettled([...pendingEnds]);
  });

  const audit = (action: string, target: string, ticketId: string | null, details: Record<string, unknown>) => {
    try {
      deps.audit.append({ action, target, ...(ticketId ? { ticketId } : {}), details });
    } catch (err) {
      console.error('[relais] rdp audit append failed:', (err as Error).message);
    }
  };
  const onTimeline = (ticketId: string | null, body: string, data: Record<string, unknown>) => {
    if (!ticketId) return;
    try {
      deps.tickets.appendTimeline(ticketId, { kind: 'rdp_session', body, data });
    } catch (err) {
      console.error('[relais] rdp timeline append failed:', (err as Error).message);
    }
  };

  async function detectFreeRdp(): Promise<{ program: string; version: FreeRdpVersion } | null> {
    if (freerdp !== undefined) return freerdp;
    for (const name of ['xfreerdp3', 'xfreerdp']) {
      const program = findExecutable(name, env.processEnv);
      if (!program) continue;
      let version: FreeRdpVersion | null = null;
      try {
        const out = await env.runCommand(program, ['/version'], { env: env.processEnv, timeoutMs: 5000 });
        version = parseFreeRdpVersion(out.stdout.toString('utf8') + out.stderr);
      } catch {}
      // FreeRDP 2 prints its version only with a display; the binary's name tells 3.
      freerdp = { program, version: version ?? (name === 'xfreerdp3' ? { major: 3, minor: 0, patch: 0, text: '3' } : { major: 2, minor: 0, patch: 0, text: '2' }) };
      return freerdp;
    }
    freerdp = null;
    return null;
  }

  function ticketAssetIds(ticketId: string): string[] {
    return deps.tickets.get(ticketId).assetIds;
  }

  function fieldsOf(remote: AssetRemote): RdpFileFields {
    const s = remote.settings;
    return {
      host: remote.target,
      port: s.port,
      user: s.user,
      domain: s.domain,
      fullScreen: s.fullScreen,
      width: s.width,
      height: s.height,
      multiMonitor: s.multiMonitor,
      clipboard: s.clipboard,
      redirectDrives: s.redirectDrives,
      redirectPrinters: s.redirectPrinters,
      gateway: s.gateway,
    };
  }

  async function secretFor(credentialId: string | null): Promise<string | null> {
    if (!credentialId) return null;
    return getSecretFor(deps.vault, credentialId, loginSecretKinds, localize('PURPOSE_RDP_CONNECTION'));
  }

  /** The plan for this platform and method, plus its temp file. May ask for certificate trust. */
  async function preparePlan(
    remote: AssetRemote,
    input: { method: RdpLaunchMethod; shadowSessionId?: number; control: boolean; credentialId?: string | null; trustFingerprint?: string },
  ): Promise<{ plan: LaunchPlan; temp: TempRdpFile | null; certKey?: string } | Extract<LaunchResult, { status: 'needs_trust' }>> {
    const { platform } = env;
    const host = cleanHost('host', remote.target);
    if (input.method === 'msra' || input.method === 'shadow') {
      if (platform !== 'win32') throw methodUnsupported(platform, input.method);
      if (input.method === 'msra') return { plan: msraPlan(host, env.processEnv), temp: null };
      if (input.shadowSessionId === undefined) {
        throw RelaisError.of('RDP_SHADOW_SESSION_REQUIRED');
      }
      return { plan: shadowPlan(host, input.shadowSessionId, { control: input.control, allowNoConsent: env.allowNoConsent }, env.processEnv), temp: null };
    }
    const fields = fieldsOf(remote);
    if (platform === 'win32') {
      const mstsc = path.win32.join(windowsSystem32(env.processEnv), 'mstsc.exe');
      if (env.runPlan === runPlan && !fs.existsSync(mstsc)) throw noClientError(platform, 'rdp');
      const temp = writeTempRdpFile(encodeRdpFile(buildRdpFile(fields)), remote.asset.name);
      return { plan: mstscPlan(temp.file, env.processEnv), temp };
    }
    if (platform === 'darwin') {
      const temp = writeTempRdpFile(encodeRdpFile(buildRdpFile(fields)), remote.asset.name);
      return { plan: macOpenPlan(temp.file), temp };
    }
    if (platform === 'linux') {
      const free = await detectFreeRdp();
      if (free) {
        const port = remote.settings.port;
        const key = `${host.toLowerCase()}:${port}`;
        let pinned = trustedFingerprint(core.db, host, port);
        // Known certificate: xfreerdp is pinned to it and refuses any other, no probe needed.
        // First use, a certificate xfreerdp refused, or an explicit approval: read it first.
        // FreeRDP before 2.8 cannot pin: then the certificate is read before every launch.
        if (!pinned || suspect.has(key) || input.trustFingerprint || !freeRdpCanPin(free.version)) {
          const seen = await env.probeCertificate(host, port);
          if (pinned !== seen) {
            if (input.trustFingerprint?.toLowerCase() !== seen) return { status: 'needs_trust', host, port, fingerprint: seen, previous: pinned };
            trustFingerprint(core.db, host, port, seen, core.currentUser(), core.now().toISOString());
            audit('rdp.certificate.trusted', key, null, { sha256: seen, previous: pinned });
          }
          suspect.delete(key);
          pinned = seen;
        }
        const password = await secretFor(input.credentialId !== undefined ? input.credentialId : remote.settings.credentialId);
        const plan = xfreerdpPlan(fields, { program: free.program, version: free.version, password, certFingerprint: pinned });
        return { plan, temp: null, certKey: key };
      }
      const remmina = findExecutable('remmina', env.processEnv);
      if (remmina) {
        const temp = writeTempRdpFile(encodeRdpFile(buildRdpFile(fields)), remote.asset.name);
        return { plan: remminaPlan(temp.file, remmina), temp };
      }
      throw noClientError(platform, 'rdp');
    }
    throw noClientError(platform, input.method);
  }

  function emit(record: SessionRecord) {
    core.events.emit('rdp.session', record);
  }

  async function launch(input: {
    assetId: string;
    ticketId: string | null;
    method: RdpLaunchMethod;
    shadowSessionId?: number;
    control: boolean;
    credentialId?: string | null;
    trustFingerprint?: string;
  }): Promise<LaunchResult> {
    const remote = getAssetRemote(core.db, input.assetId);
    if (input.ticketId) ticketAssetIds(input.ticketId); // throws NOT_FOUND
    if (!remote.methods.includes(input.method)) {
      throw RelaisError.of('RDP_METHOD_DISABLED', { METHOD_LABEL: METHOD_LABEL[input.method], name: remote.asset.name }, { method: input.method });
    }
    const prepared = await preparePlan(remote, input);
    if ('status' in prepared) return prepared;
    const { plan, temp, certKey } = prepared;

    const since = Date.now();
    let client: RunningClient;
    let signalHandler: ((s: ClientSignal) => void) | null = null;
    try {
      client = await env.runPlan(plan, { env: env.processEnv, temp, onSignal: (s) => signalHandler?.(s) });
    } catch (err) {
      temp?.cleanup();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw noClientError(env.platform, input.method);
      throw err;
    }
    const technician = core.currentUser();
    const record: SessionRecord = {
      id: uuidv7(),
      ticketId: input.ticketId,
      assetId: remote.asset.id,
      assetName: remote.asset.name,
      method: input.method,
      target: remote.target,
      technician,
      client: plan.client as RdpClientId,
      state: 'running',
      startedAt: core.now().toISOString(),
      endedAt: null,
      exitCode: null,
      message: null,
    };
    insertSession(core.db, record);
    running.set(record.id, client);
    const summary = { sessionId: record.id, method: input.method, pc: remote.asset.name, target: remote.target, technician, client: plan.client, ...(input.method === 'shadow' ? { shadowSessionId: input.shadowSessionId, control: input.control } : {}) };
    audit('rdp.launch', remote.target, input.ticketId, { ...summary, program: describePlan(plan).program });
    onTimeline(input.ticketId, `${METHOD_LABEL[input.method].fr} — ${remote.asset.name} : lancée par ${technician} (${plan.client})`, { ...summary, state: 'started', startedAt: record.startedAt });
    emit(record);

    const setState = (state: SessionRecord['state'], message: SessionRecord['message']) => {
      if (record.state === 'auth_failed' || record.endedAt) return;
      if (state === record.state) return;
      record.state = state;
      record.message = message;
      updateSession(core.db, record);
      emit({ ...record });
    };
    const onSignal = (s: ClientSignal) => {
      if (s === 'logged_in') {
        if (record.state === 'running') setState('logged_in', null);
      } else if (s === 'auth_failed') setState('auth_failed', AUTH_FAILED(remote.asset.name));
      else if (s === 'cert_rejected') {
        if (certKey) suspect.add(certKey);
        setState('failed', CERT_REJECTED(remote.asset.name));
      }
      else if (s === 'no_display') setState('failed', NO_DISPLAY);
      else setState('failed', UNREACHABLE(remote.asset.name));
    };
    signalHandler = onSignal;
    for (const s of client.signals) onSignal(s);
    if (env.outcomeProbe && input.method === 'rdp') {
      env
        .outcomeProbe({ host: remote.target, port: remote.settings.port, user: remote.settings.user, since })
        .then((o) => {
          if (o === 'auth_failed') setState('auth_failed', AUTH_FAILED(remote.asset.name));
          else if (o === 'logged_in' && record.state === 'running') setState('logged_in', null);
        })
        .catch(() => {});
    }
    const end = client.exited.then(({ code, signal }) => {
      for (const s of client.signals) onSignal(s);
      // xrdp-style servers log in inside the session and then just close the connection on
      // bad credentials: a FreeRDP client that never saw a user session and was closed within
      // seconds most likely had its credentials refused.
      if (plan.client === 'xfreerdp' && record.state === 'running' && Date.now() - since < QUICK_CLOSE_MS && !client.signal) {
        setState('auth_failed', AUTH_FAILED(remote.asset.name));
      }
      running.delete(record.id);
      record.endedAt = core.now().toISOString();
      record.exitCode = code ?? (signal ? -1 : null);
      if (record.state === 'running' || record.state === 'logged_in') record.state = 'ended';
      updateSession(core.db, record);
      emit({ ...record });
      const durationS = Math.max(0, Math.round((Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000));
      const outcome = { state: record.state, exitCode: record.exitCode, startedAt: record.startedAt, endedAt: record.endedAt, durationS };
      audit('rdp.end', remote.target, input.ticketId, { sessionId: record.id, ...outcome });
      const minutes = Math.floor(durationS / 60);
      const duration = minutes ? `${minutes} min ${durationS % 60} s` : `${durationS} s`;
      const what = record.state === 'auth_failed' ? 'identifiants refusés' : record.state === 'failed' ? 'échec de la connexion' : 'session terminée';
      onTimeline(
        input.ticketId,
        `${METHOD_LABEL[input.method].fr} — ${remote.asset.name} : ${what} (durée ${duration}${record.exitCode !== null ? `, code de sortie ${record.exitCode}` : ''})`,
        { ...summary, ...outcome, message: record.message },
      );
    });
    pendingEnds.add(end);
    void end.finally(() => pendingEnds.delete(end));
    return { status: 'started', session: { ...record } };
  }

  const service = {
    assetMethods: (assetId: string) => getAssetRemote(core.db, assetId),
    setAssetMethods: (input: Parameters<typeof saveAssetRemote>[1]) => {
      saveAssetRemote(core.db, input, core.currentUser(), core.now().toISOString());
      const out = getAssetRemote(core.db, input.assetId);
      audit('rdp.settings.changed', out.target, null, { assetId: input.assetId, methods: out.methods, defaultMethod: out.defaultMethod, credentialId: out.settings.credentialId });
      return out;
    },
    ticketTargets: (ticketId: string) => ({ assets: ticketAssetIds(ticketId).map((id) => getAssetRemote(core.db, id)) }),
    clients: async () => {
      const p = env.platform;
      const clients: { id: RdpClientId; available: boolean; program: string | null; version: string | null }[] = [];
      if (p === 'win32') {
        const sys = windowsSystem32(env.processEnv);
        for (const [id, exe] of [['mstsc', 'mstsc.exe'], ['msra', 'msra.exe']] as const) {
          const program = path.win32.join(sys, exe);
          clients.push({ id, available: fs.existsSync(program), program, version: null });
        }
      } else if (p === 'linux') {
        const free = await detectFreeRdp();
        clients.push({ id: 'xfreerdp', available: !!free, program: free?.program ?? null, version: free?.version.text ?? null });
        const remmina = findExecutable('remmina', env.processEnv);
        clients.push({ id: 'remmina', available: !!remmina, program: remmina, version: null });
      } else if (p === 'darwin') {
        clients.push({ id: 'macos-open', available: true, program: '/usr/bin/open', version: null });
      }
      const missing = clients.some((c) => c.available) ? null : noClientError(p, 'rdp').messages;
      return { platform: p, clients, missing };
    },
    shadowSessions: async (assetId: string) => {
      if (env.platform !== 'win32') throw methodUnsupported(env.platform, 'shadow');
      const remote = getAssetRemote(core.db, assetId);
      const q = qwinstaPlan(remote.target, env.processEnv);
      const out = await env.runCommand(q.program, q.args, { env: env.processEnv, timeoutMs: 15_000 });
      const sessions = parseQwinsta(decodeQwinsta(out.stdout));
      if (out.code !== 0 && sessions.length === 0) {
        throw RelaisError.of('RDP_QWINSTA_FAILED', { name: remote.asset.name });
      }
      return { sessions: shadowableSessions(sessions) };
    },
    launch,
    session: (sessionId: string) => getSession(core.db, sessionId),
    sessions: (filter: Parameters<typeof listSessions>[1]) => ({ sessions: listSessions(core.db, filter) }),
    assets: (query: string, limit: number) => ({ assets: searchAssets(core.db, query, limit) }),
  };

  return {
    ...service,
    /** For tests and the bench: the client of a running session. */
    runningClient: (sessionId: string) => running.get(sessionId) ?? null,
    /** Resolves once every launched client has exited and been recorded. */
    idle: () => Promise.allSettled([...pendingEnds]).then(() => undefined),
  };
}
