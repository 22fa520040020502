/**
 * SFTP transfers with progress, speed and cancel. The file is written under a temporary
 * name next to its destination and renamed at the end, so a cancelled or failed transfer
 * never leaves a partial file under the final name. Writes are pipelined (many requests in
 * flight), like OpenSSH's sftp client.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';

const CHUNK = 32 * 1024;
const IN_FLIGHT = 64;

export interface TransferProgress {
  bytes: number;
  total: number;
}

export class TransferCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

const p = <T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

const tempName = (finalPath: string, sep: typeof path.posix | typeof path) =>
  sep.join(sep.dirname(finalPath), `.${sep.basename(finalPath)}.relais-${crypto.randomBytes(4).toString('hex')}.part`);

async function remoteRename(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  try {
    await p<void>((cb) => sftp.ext_openssh_rename(from, to, (err) => cb(err, undefined)));
    return;
  } catch {
    // Server without posix-rename: plain SFTP rename refuses to overwrite.
  }
  try {
    await p<void>((cb) => sftp.unlink(to, (err) => cb(err, undefined)));
  } catch {}
  await p<void>((cb) => sftp.rename(from, to, (err) => cb(err, undefined)));
}

/**
 * Moves `total` bytes in CHUNK-sized requests with up to IN_FLIGHT outstanding, like
 * OpenSSH's sftp client. `chunk(pos, len, done)` starts one request; `done(err, bytes)`
 * reports it. Resolves when all are done; throws TransferCancelled or the first failure.
 */
async function pipelined(
  total: number,
  signal: AbortSignal,
  onProgress: (p: TransferProgress) => void,
  chunk: (pos: number, len: number, done: (err: Error | null | undefined, bytes: number) => void) => void,
): Promise<void> {
  let next = 0;
  let moved = 0;
  let failure: Error | null = null;
  await new Promise<void>((resolve) => {
    let inflight = 0;
    const pump = () => {
      while (!failure && !signal.aborted && inflight < IN_FLIGHT && next < total) {
        const pos = next;
        const len = Math.min(CHUNK, total - pos);
        next += len;
        inflight++;
        chunk(pos, len, (err, bytes) => {
          inflight--;
          if (err) failure ??= err;
          else {
            moved += bytes;
            onProgress({ bytes: moved, total });
          }
          pump();
        });
      }
      if (inflight === 0 && (next >= total || failure || signal.aborted)) resolve();
    };
    pump();
  });
  if (signal.aborted) throw new TransferCancelled();
  if (failure) throw failure;
}

export async function sftpUpload(
  sftp: SFTPWrapper,
  localPath: string,
  remotePath: string,
  onProgress: (p: TransferProgress) => void,
  signal: AbortSignal,
): Promise<void> {
  const total = fs.statSync(localPath).size;
  const fd = fs.openSync(localPath, 'r');
  const tmp = tempName(remotePath, path.posix);
  let handle: Buffer | null = null;
  try {
    handle = await p<Buffer>((cb) => sftp.open(tmp, 'w', 0o644, cb));
    const h = handle;
    await pipelined(total, signal, onProgress, (pos, len, done) => {
      const buf = Buffer.allocUnsafe(len);
      const read = fs.readSync(fd, buf, 0, len, pos);
      sftp.write(h, buf, 0, read, pos, (err) => done(err, read));
    });
    await p<void>((cb) => sftp.close(handle!, (err) => cb(err, undefined)));
    handle = null;
    await remoteRename(sftp, tmp, remotePath);
    onProgress({ bytes: total, total });
  } catch (err) {
    if (handle) await p<void>((cb) => sftp.close(handle!, (e) => cb(e, undefined))).catch(() => {});
    await p<void>((cb) => sftp.unlink(tmp, (e) => cb(e, undefined))).catch(() => {});
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

export async function sftpDownload(
  sftp: SFTPWrapper,
  remotePath: string,
  localPath: string,
  onProgress: (p: TransferProgress) => void,
  signal: AbortSignal,
): Promise<void> {
  const total = (await p<{ size: number }>((cb) => sftp.stat(remotePath, cb))).size;
  const tmp = tempName(localPath, path);
  const fd = fs.openSync(tmp, 'w', 0o600);
  let handle: Buffer | null = null;
  try {
    handle = await p<Buffer>((cb) => sftp.open(remotePath, 'r', cb));
    const h = handle;
    await pipelined(total, signal, onProgress, (pos, len, done) => {
      const buf = Buffer.allocUnsafe(len);
      sftp.read(h, buf, 0, len, pos, (err, bytesRead) => {
        if (err) return done(err, 0);
        if (bytesRead < len) return done(new Error('short read (file changed during transfer)'), 0);
        fs.writeSync(fd, buf, 0, bytesRead, pos);
        done(null, bytesRead);
      });
    });
    await p<void>((cb) => sftp.close(handle!, (err) => cb(err, undefined)));
    handle = null;
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, localPath);
    onProgress({ bytes: total, total });
  } catch (err) {
    if (handle) await p<void>((cb) => sftp.close(handle!, (e) => cb(e, undefined))).catch(() => {});
    try {
      fs.closeSync(fd);
    } catch {}
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
