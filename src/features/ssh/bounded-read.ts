/**
 * Reading files a profile or an imported ssh config names. The path comes from text a
 * user pasted or a config someone else wrote: `IdentityFile /dev/zero` or a FIFO must not
 * exhaust memory or block the host's only thread. Only regular files, at most `maxBytes`,
 * opened non-blocking (a FIFO cannot stall the open) and measured on the opened handle.
 */
import fs from 'node:fs';

export const MAX_KEY_FILE_BYTES = 64 * 1024;
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;

export class FileRefused extends Error {
  constructor(readonly reason: 'not-a-file' | 'too-large') {
    super(reason === 'not-a-file' ? 'not a regular file' : 'file too large');
  }
}

// O_NONBLOCK does not exist on Windows, where opening a named pipe this way is not a risk.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** Reads a regular file of at most `maxBytes` without blocking the event loop. */
export async function readBoundedFile(file: string, maxBytes: number): Promise<Buffer> {
  if (!(await fs.promises.stat(file)).isFile()) throw new FileRefused('not-a-file');
  const handle = await fs.promises.open(file, OPEN_FLAGS);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new FileRefused('not-a-file');
    if (st.size > maxBytes) throw new FileRefused('too-large');
    // Read one byte past the limit: a file growing after the stat is still caught.
    const buf = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new FileRefused('too-large');
    }
    return buf.subarray(0, total);
  } finally {
    await handle.close();
  }
}

/** The same, synchronous, for small configuration files read while parsing (Include). */
export function readBoundedFileSync(file: string, maxBytes: number): Buffer {
  if (!fs.statSync(file).isFile()) throw new FileRefused('not-a-file');
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FileRefused('not-a-file');
    if (st.size > maxBytes) throw new FileRefused('too-large');
    const buf = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, total, buf.length - total, total);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new FileRefused('too-large');
    }
    return buf.subarray(0, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** The reason in words for an error message (fr, en). */
export function refusalCause(err: unknown): string {
  if (err instanceof FileRefused) return err.reason === 'too-large' ? 'fichier trop grand / file too large' : "ce n'est pas un fichier ordinaire / not a regular file";
  return (err as NodeJS.ErrnoException)?.code ?? 'read error';
}
