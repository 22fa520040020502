/**
 * SFTP over pooled connections: one SFTP channel per connection, opened on first use;
 * transfers from a terminal session report progress as events and can be cancelled; the
 * configuration tools push files through `upload`.
 */
import { v7 as uuidv7 } from 'uuid';
import type { SFTPWrapper } from 'ssh2';
import { RelaisError, type LocalizedText } from '../../base/errors';
import type { SshEvents } from '../../domain/ssh';
import type { AuditLog } from '../security/audit';
import type { Route } from './connection';
import { sshErrors } from './errors';
import type { Conn, ConnectionPool } from './pool';
import { sftpDownload, sftpUpload, TransferCancelled } from './transfer';

export interface SftpDeps {
  pool: ConnectionPool;
  audit: AuditLog;
  emit<E extends keyof SshEvents>(name: E, payload: SshEvents[E]): void;
}

const failure = (err: unknown) => sshErrors.transferFailed(String((err as Error).message ?? err).slice(0, 160));

export class SftpTransfers {
  private readonly transfers = new Map<string, AbortController>();

  constructor(private readonly deps: SftpDeps) {}

  private sftpFor(conn: Conn): Promise<SFTPWrapper> {
    if (!conn.sftp) {
      conn.sftp = new Promise<SFTPWrapper>((resolve, reject) => conn.rc.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
      conn.sftp.catch(() => (conn.sftp = null));
    }
    return conn.sftp;
  }

  /** Pushes a file over SFTP (temp name + rename) on a pooled, trusted connection. */
  async upload(route: Route, localPath: string, remotePath: string, opts: { onProgress?(p: { bytes: number; total: number }): void; signal?: AbortSignal } = {}): Promise<void> {
    const conn = await this.deps.pool.trusted(route);
    try {
      await this.deps.pool.using(conn, async () => {
        const sftp = await this.sftpFor(conn);
        await sftpUpload(sftp, localPath, remotePath, opts.onProgress ?? (() => {}), opts.signal ?? new AbortController().signal);
      });
    } catch (err) {
      if (err instanceof TransferCancelled || err instanceof RelaisError) throw err;
      throw failure(err);
    }
  }

  /** Starts a transfer for a terminal session; progress and the outcome arrive as `ssh.transfer` events. */
  async start(direction: 'upload' | 'download', session: { route: Route; target: string; ticketId: string | null }, localPath: string, remotePath: string): Promise<SshEvents['ssh.transfer']> {
    const { pool } = this.deps;
    const { conn } = await pool.get(session.route);
    const sftp = await this.sftpFor(conn);
    const transferId = uuidv7();
    const ac = new AbortController();
    this.transfers.set(transferId, ac);
    const started = Date.now();
    let last = 0;
    const base = { transferId, direction, localPath, remotePath };
    const emit = (bytes: number, total: number, state: 'running' | 'done' | 'cancelled' | 'failed', error?: LocalizedText) => {
      const secs = (Date.now() - started) / 1000;
      const payload = { ...base, bytes, total, bytesPerSec: secs > 0 ? Math.round(bytes / secs) : 0, state, ...(error ? { error } : {}) };
      this.deps.emit('ssh.transfer', payload);
      return payload;
    };
    let progress = { bytes: 0, total: 0 };
    const onProgress = (pr: { bytes: number; total: number }) => {
      progress = pr;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        emit(pr.bytes, pr.total, 'running');
      }
    };
    pool.retain(conn);
    const initial = emit(0, 0, 'running');
    const run = direction === 'upload' ? sftpUpload(sftp, localPath, remotePath, onProgress, ac.signal) : sftpDownload(sftp, remotePath, localPath, onProgress, ac.signal);
    run
      .then(
        () => {
          emit(progress.total, progress.total, 'done');
          this.deps.audit.append({ action: `ssh.${direction}`, target: session.target, ticketId: session.ticketId ?? undefined, details: { localPath, remotePath, bytes: progress.total } });
        },
        (err) => {
          if (err instanceof TransferCancelled) emit(progress.bytes, progress.total, 'cancelled');
          else emit(progress.bytes, progress.total, 'failed', failure(err).messages);
        },
      )
      .finally(() => {
        this.transfers.delete(transferId);
        pool.release(conn);
      });
    return initial;
  }

  cancel(transferId: string): boolean {
    const ac = this.transfers.get(transferId);
    if (!ac) throw sshErrors.transferNotFound(transferId);
    ac.abort();
    return true;
  }

  cancelAll(): void {
    for (const ac of this.transfers.values()) ac.abort();
  }
}
