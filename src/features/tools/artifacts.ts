/**
 * Archives a tool run brings back: sent on stdout between RELAIS ARTIFACT markers, pulled
 * out of the output, refused when too large, repeated or badly named (the remote side is
 * not trusted), and stored under the run's own folder.
 */
import path from 'node:path';
import type { LocalizedText } from '../../base/errors';
import { localize } from '../../base/messages';

const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;
/** A run brings back one archive; more is the remote side misbehaving. */
const MAX_ARTIFACTS = 1;
// Any name is captured, then checked by safeArtifactName: a hostile server chooses it.
const ARTIFACT_BEGIN = /^-----BEGIN RELAIS ARTIFACT (.*)-----\r?$/;
const ARTIFACT_END = /^-----END RELAIS ARTIFACT-----\r?$/;

/** A file name the remote side may choose for its archive: plain, no dot first, no separator. */
export function safeArtifactName(name: string): boolean {
  return /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/.test(name) && !name.includes('..');
}

/** Where a run's archive goes; throws if the name would leave the run's own folder. */
export function artifactPath(dataDir: string, runId: string, name: string): string {
  const dir = path.resolve(dataDir, 'artifacts', runId);
  const file = path.resolve(dir, name);
  if (!safeArtifactName(name) || path.dirname(file) !== dir) throw new Error(`refused archive name ${JSON.stringify(name)}`);
  return file;
}

/**
 * Pulls an archive sent between RELAIS ARTIFACT markers out of stdout; every other line
 * goes to the output as usual (line-buffered so a marker is never split).
 */
export class ArtifactExtractor {
  private buf = '';
  private midLine = false;
  private inside: { name: string; parts: string[]; size: number } | null = null;
  private count = 0;
  result: { name: string; data: Buffer } | null = null;
  /** Set when the remote side sent an archive the console refuses; the run then fails with it. */
  error: LocalizedText | null = null;

  constructor(
    private readonly emit: (text: string) => void,
    private readonly maxBytes = MAX_ARTIFACT_BYTES,
  ) {}

  push(text: string, end = false): void {
    this.buf += text;
    let nl: number;
    let out = '';
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      out += this.midLine ? line + '\n' : this.line(line);
      this.midLine = false;
    }
    if (this.buf && (end || (!this.inside && (this.midLine || !this.buf.startsWith('-'))))) {
      // A partial line that cannot be a marker is shown at once (live output).
      out += this.inside ? '' : this.buf;
      this.midLine = !end;
      this.buf = '';
    }
    if (out) this.emit(out);
  }

  private line(line: string): string {
    if (this.inside) {
      if (ARTIFACT_END.test(line)) {
        const { name, parts } = this.inside;
        this.inside = null;
        if (this.error) return '';
        const data = Buffer.from(parts.join(''), 'base64');
        this.result = { name, data };
        return `[archive reçue / archive received : ${name}, ${data.length} octets]\n`;
      }
      const clean = line.trim();
      this.inside.size += clean.length;
      if (this.error) return '';
      if (this.inside.size > Math.ceil(this.maxBytes / 3) * 4) {
        const mb = Math.round((this.maxBytes / 1024 / 1024) * 10) / 10;
        this.refuse(localize('TOOL_ARTIFACT_TOO_LARGE', { mb }));
        this.inside.parts = [];
      } else this.inside.parts.push(clean);
      return '';
    }
    const m = ARTIFACT_BEGIN.exec(line);
    if (m) {
      const name = m[1]!;
      this.inside = { name, parts: [], size: 0 };
      if (++this.count > MAX_ARTIFACTS)
        this.refuse(localize('TOOL_ARTIFACT_TOO_MANY'));
      else if (!safeArtifactName(name))
        this.refuse(localize('TOOL_ARTIFACT_BAD_NAME', { name: JSON.stringify(name.slice(0, 100)) }));
      return '';
    }
    return line + '\n';
  }

  private refuse(reason: LocalizedText): void {
    this.error ??= reason;
    this.result = null;
  }
}
