/**
 * The SSH client service, assembled from its parts: the connection pool (`pool.ts`, one
 * authenticated connection per route), host-key prompts (`prompts.ts`), terminals with flow
 * control and reconnection (`terminals.ts`), command execution for the configuration tools
 * (`exec.ts`) and SFTP transfers (`sftp.ts`).
 */
import type { SshEvents } from '../../domain/ssh';
import type { SshSession } from '../../domain/ssh';
import type { AuditLog } from '../security/audit';
import type { Vault } from '../security/vault';
import type { TrustStore } from './hostkeys';
import type { ProfileRepo } from './profiles';
import { ConnectionPool } from './pool';
import { HostKeyPrompts, probeHostKey, type OpenResult } from './prompts';
import { RouteResolver, type ConnectionProfileInput, type ExecTarget } from './routes';
import { Terminals } from './terminals';
import { execOn, type ExecOptions, type ExecResult } from './exec';
import { SftpTransfers } from './sftp';
import type { UnknownHostKey } from './connection';

export { HIGH_WATER, LOW_WATER, stripAnsi } from './terminals';
export type { ConnectionProfileInput, ExecTarget, ExecOptions, ExecResult, OpenResult };

export interface SshServiceDeps {
  trust: TrustStore;
  vault: Vault;
  audit: AuditLog;
  profiles: ProfileRepo;
  emit<E extends keyof SshEvents>(name: E, payload: SshEvents[E]): void;
  now(): Date;
  timeline(ticketId: string, entry: { kind: string; body: string; data?: unknown }): { id: string } | null;
}

export class SshService {
  private readonly routes: RouteResolver;
  private readonly pool: ConnectionPool;
  private readonly prompts: HostKeyPrompts;
  private readonly terminals: Terminals;
  private readonly sftp: SftpTransfers;

  constructor(deps: SshServiceDeps) {
    this.routes = new RouteResolver(deps.profiles);
    this.pool = new ConnectionPool({ trust: deps.trust, vault: deps.vault, audit: deps.audit, onGone: (conn) => this.terminals.connectionGone(conn) });
    this.prompts = new HostKeyPrompts(deps);
    this.terminals = new Terminals({ pool: this.pool, audit: deps.audit, emit: deps.emit, now: deps.now, timeline: deps.timeline });
    this.sftp = new SftpTransfers({ pool: this.pool, audit: deps.audit, emit: deps.emit });
  }

  // ---- terminals -----------------------------------------------------------------------

  open(input: { profileId: string; ticketId: string | null; password?: string; cols: number; rows: number }): Promise<OpenResult> {
    const { profile, route } = this.routes.forProfileId(input.profileId, input.password);
    return this.prompts.withPrompt((allowOnce) => this.terminals.openShell(route, allowOnce, { profileId: profile.id, ticketId: input.ticketId, cols: input.cols, rows: input.rows }));
  }

  reconnect(sessionId: string, password?: string): Promise<OpenResult> {
    return this.terminals.reconnect(sessionId, password, (attempt) => this.prompts.withPrompt(attempt));
  }

  answerHostKey(promptId: string, decision: 'trust-remember' | 'trust-once' | 'cancel', actor: string): Promise<OpenResult> {
    return this.prompts.answer(promptId, decision, actor);
  }

  write(sessionId: string, data: string): boolean {
    return this.terminals.write(sessionId, data);
  }

  resize(sessionId: string, cols: number, rows: number): boolean {
    return this.terminals.resize(sessionId, cols, rows);
  }

  ack(sessionId: string, bytes: number): boolean {
    return this.terminals.ack(sessionId, bytes);
  }

  /** Bytes sent to the UI and not yet acknowledged (flow control). */
  backlog(sessionId: string): { unacked: number; paused: boolean } {
    return this.terminals.backlog(sessionId);
  }

  close(sessionId: string): boolean {
    return this.terminals.close(sessionId);
  }

  list(): SshSession[] {
    return this.terminals.list();
  }

  attachTranscript(sessionId: string): { followupId: string } {
    return this.terminals.attachTranscript(sessionId);
  }

  // ---- commands and files (configuration tools) ----------------------------------------

  async exec(target: ExecTarget, command: string, opts: ExecOptions): Promise<ExecResult> {
    const conn = await this.pool.trusted(this.routes.forTarget(target));
    return this.pool.using(conn, () => execOn(conn, command, opts));
  }

  /** Pushes a file over SFTP (temp name + rename) on a pooled, trusted connection. */
  upload(target: ExecTarget, localPath: string, remotePath: string, opts: { onProgress?(p: { bytes: number; total: number }): void; signal?: AbortSignal } = {}): Promise<void> {
    return this.sftp.upload(this.routes.forTarget(target), localPath, remotePath, opts);
  }

  transfer(direction: 'upload' | 'download', sessionId: string, localPath: string, remotePath: string): Promise<SshEvents['ssh.transfer']> {
    const s = this.terminals.get(sessionId);
    return this.sftp.start(direction, { route: s.route, target: s.target, ticketId: s.ticketId }, localPath, remotePath);
  }

  cancelTransfer(transferId: string): boolean {
    return this.sftp.cancel(transferId);
  }

  // ---- host keys and connections -------------------------------------------------------

  /** Fetches the key a host presents now, without authenticating. */
  probeHostKey(host: string, port: number): Promise<UnknownHostKey['info']> {
    return probeHostKey(host, port);
  }

  /**
   * Closes every pooled connection that reaches host:port (its key changed, was replaced or
   * removed); open terminals on them are marked dropped (reconnecting checks the key again).
   */
  closeConnectionsTo(host: string, port: number): number {
    return this.pool.closeConnectionsTo(host, port);
  }

  /** Drops pooled connections that no terminal or transfer uses (benchmarks, tests). */
  dropIdle(): void {
    this.pool.dropIdle();
  }

  async shutdown(): Promise<void> {
    this.sftp.cancelAll();
    this.terminals.closeAll();
    this.pool.shutdown();
  }
}
