/**
 * A run's output as it arrives: decoded per stream, shown live (`tools.output`), kept up to
 * 1 MB, hashed exactly as shown, and written to the run's row at most twice a second so a
 * crash keeps what was shown. Archives are pulled out of stdout first when the tool sends one.
 */
import crypto from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { ArtifactExtractor } from './artifacts';

const MAX_STORED_OUTPUT = 1024 * 1024;
const FLUSH_EVERY_MS = 500;

export type OutputStream = 'stdout' | 'stderr' | 'system';

export class RunOutput {
  private readonly hash = crypto.createHash('sha256');
  bytes = 0;
  stored = '';
  truncated = false;
  /** The start of stderr, where the elevation marker is looked for. */
  stderrHead = '';
  private flushTimer: NodeJS.Timeout | null = null;
  private lastFlush = 0;
  private readonly decOut = new StringDecoder('utf8');
  private readonly decErr = new StringDecoder('utf8');
  readonly artifact: ArtifactExtractor | null;

  constructor(
    private readonly show: (stream: OutputStream, text: string) => void,
    private readonly persist: (stored: string, bytes: number) => void,
    withArtifact: boolean,
  ) {
    this.artifact = withArtifact ? new ArtifactExtractor((t) => this.record('stdout', t)) : null;
  }

  stdout(b: Buffer): void {
    const text = this.decOut.write(b);
    if (this.artifact) this.artifact.push(text);
    else this.record('stdout', text);
  }

  stderr(b: Buffer): void {
    this.record('stderr', this.decErr.write(b));
  }

  /** The decoders' tails; no later flush is scheduled. */
  end(): void {
    this.stopFlushing();
    if (this.artifact) this.artifact.push(this.decOut.end(), true);
    else this.record('stdout', this.decOut.end());
    this.record('stderr', this.decErr.end());
    this.stopFlushing();
  }

  stopFlushing(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  digest(): string {
    return this.hash.digest('hex');
  }

  record(stream: OutputStream, text: string): void {
    if (!text) return;
    const b = Buffer.from(text, 'utf8');
    this.hash.update(b);
    this.bytes += b.length;
    if (!this.truncated) {
      if (this.stored.length + text.length > MAX_STORED_OUTPUT) {
        this.stored += text.slice(0, MAX_STORED_OUTPUT - this.stored.length);
        this.truncated = true;
      } else this.stored += text;
    }
    if (stream === 'stderr' && this.stderrHead.length < 4096) this.stderrHead += text;
    this.show(stream, text);
    const since = Date.now() - this.lastFlush;
    if (since >= FLUSH_EVERY_MS) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_EVERY_MS - since);
  }

  private flush(): void {
    this.stopFlushing();
    this.lastFlush = Date.now();
    try {
      this.persist(this.stored, this.bytes);
    } catch {
      // The final update writes everything; a failed intermediate write loses nothing.
    }
  }
}
