/**
 * Tool runs: validates the request, builds the command (command.ts), starts it on the right
 * runner, streams its output to the UI as `tools.output` events, enforces the timeout,
 * handles cancel, and records status, exit code, duration and the sha256 of the output in
 * SQLite; the result goes on the ticket's timeline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { FeatureHost } from '../../platform/feature-host';
import type { ToolEvents } from '../../domain/tools';

type Core = FeatureHost<ToolEvents>;
import { RelaisError, commonErrors, type LocalizedText } from '../../base/errors';
import { localize } from '../../base/messages';
import type { ParamValues, RunStatus, ToolOs, ToolRun, ToolTarget } from '../../domain/tools';
import { prepareCommand, ELEVATION_MARKER } from './command';
import type { LoadedTool } from './catalog';
import { toParamValues, validateParams } from './params';
import { artifactPath } from './artifacts';
import { RunOutput } from './run-output';
import { killLeftovers, localElevation, localRunner, sshRunner, type ExitInfo, type ProcessHandle, type Runner, type SshExec } from './runner';
import type { TicketBridge } from './ticket-bridge';

export { ArtifactExtractor, artifactPath, safeArtifactName } from './artifacts';

const INTERRUPTED: LocalizedText = localize('TOOL_RUN_INTERRUPTED');

export function localOs(platform: NodeJS.Platform = process.platform): ToolOs | null {
  return platform === 'win32' ? 'windows' : platform === 'linux' ? 'linux' : null;
}

export interface StartRequest {
  tool: LoadedTool;
  params: ParamValues;
  target: ToolTarget;
  ticketId?: string | null;
  checklistRunId?: string | null;
  elevationConfirmed: boolean;
  timeoutSeconds?: number;
  /** Checklist steps put their own entry on the timeline. */
  skipTimeline?: boolean;
}

export interface ToolRunServiceOptions {
  core: Core;
  bridge: TicketBridge;
  sshExec?: SshExec | null;
  /** The hash-chained audit log (security feature): every run's start and end are written there. */
  audit?: (entry: { action: string; target?: string; ticketId?: string; details?: Record<string, unknown> }) => void;
  /** How the timeline names a target (e.g. the SSH profile's name and host). */
  describeTarget?: (t: ToolTarget) => string;
  /** Test seams. */
  localRunner?: Runner;
  elevationCheck?: () => 'root' | 'sudo' | 'script' | 'unavailable';
  platform?: NodeJS.Platform;
}

interface Active {
  handle: ProcessHandle;
  cancelReason: 'cancelled' | 'timeout' | 'shutdown' | null;
  finished: Promise<ToolRun>;
}

type Row = Record<string, any>;

export function rowToRun(r: Row): ToolRun {
  return {
    id: r.id,
    toolId: r.tool_id,
    toolLabel: JSON.parse(r.tool_label),
    ticketId: r.ticket_id ?? null,
    checklistRunId: r.checklist_run_id ?? null,
    target: JSON.parse(r.target),
    params: JSON.parse(r.params),
    status: r.status,
    exitCode: r.exit_code ?? null,
    signal: r.signal ?? null,
    startedAt: r.started_at,
    finishedAt: r.finished_at ?? null,
    durationMs: r.duration_ms ?? null,
    outputDigest: r.output_digest ?? null,
    outputBytes: r.output_bytes,
    technician: r.technician,
    elevated: !!r.elevated,
    error: r.error ? JSON.parse(r.error) : null,
    artifact: r.artifact_name ? { name: r.artifact_name, bytes: r.artifact_bytes } : null,
  };
}

const STATUS_TEXT: Record<RunStatus, LocalizedText> = {
  running: localize('RUN_STATUS_RUNNING'),
  succeeded: localize('RUN_STATUS_SUCCEEDED'),
  failed: localize('RUN_STATUS_FAILED'),
  cancelled: localize('RUN_STATUS_CANCELLED'),
  timeout: localize('RUN_STATUS_TIMEOUT'),
  interrupted: localize('RUN_STATUS_INTERRUPTED'),
  error: localize('RUN_STATUS_ERROR'),
};
export const statusText = (s: RunStatus) => STATUS_TEXT[s];

export function targetText(t: ToolTarget): string {
  return t.kind === 'local' ? 'ce poste' : `SSH ${t.profileId}`;
}

/** The timeline line of a run (French, the ticket's language), e.g. "… — réussi (code 0) en 1,2 s — ce poste". */
export function runSummary(run: ToolRun, describe: (t: ToolTarget) => string = targetText): string {
  const secs = run.durationMs === null ? '' : ` en ${(run.durationMs / 1000).toFixed(1).replace('.', ',')} s`;
  const code = run.exitCode === null ? '' : ` (code ${run.exitCode})`;
  return `${run.toolLabel.fr} — ${STATUS_TEXT[run.status].fr}${code}${secs} — ${describe(run.target)}`;
}

export class ToolRunService {
  private readonly core: Core;
  private readonly active = new Map<string, Active>();
  private readonly finishListeners = new Set<(run: ToolRun) => void>();
  private readonly local: Runner;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly opts: ToolRunServiceOptions) {
    this.core = opts.core;
    this.local = opts.localRunner ?? localRunner();
    this.platform = opts.platform ?? process.platform;
    // Runs left 'running' by a crash or a killed process were interrupted: end what they
    // left running on this PC, and keep the output they had produced.
    const left = this.core.db.prepare(`SELECT id, target, output FROM tool_runs WHERE status = 'running'`).all() as Row[];
    killLeftovers(left.filter((r) => JSON.parse(r.target).kind === 'local').map((r) => r.id));
    const mark = this.core.db.prepare(`UPDATE tool_runs SET status = 'interrupted', finished_at = COALESCE(finished_at, ?), output_digest = ?, error = ? WHERE id = ?`);
    for (const r of left)
      mark.run(this.core.now().toISOString(), crypto.createHash('sha256').update(r.output, 'utf8').digest('hex'), JSON.stringify(INTERRUPTED), r.id);
    this.core.onClose(() => this.shutdown());
  }

  readonly describeTarget = (t: ToolTarget): string => {
    try {
      return this.opts.describeTarget?.(t) ?? targetText(t);
    } catch {
      return targetText(t);
    }
  };

  private audit(action: string, run: ToolRun, details: Record<string, unknown>): void {
    try {
      this.opts.audit?.({ action, target: this.describeTarget(run.target), ticketId: run.ticketId ?? undefined, details: { runId: run.id, toolId: run.toolId, ...details } });
    } catch (err) {
      console.error('[relais] audit entry not written:', (err as Error).message);
    }
  }

  onFinished(fn: (run: ToolRun) => void): () => void {
    this.finishListeners.add(fn);
    return () => this.finishListeners.delete(fn);
  }

  get(id: string): { run: ToolRun; output: string; truncated: boolean } {
    const r = this.core.db.prepare('SELECT * FROM tool_runs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw commonErrors.notFound('NOUN_RUN', id);
    return { run: rowToRun(r), output: r.output, truncated: !!r.output_truncated };
  }

  list(filter: { ticketId?: string; limit: number }): ToolRun[] {
    const rows = filter.ticketId
      ? this.core.db.prepare('SELECT * FROM tool_runs WHERE ticket_id = ? ORDER BY started_at DESC, id DESC LIMIT ?').all(filter.ticketId, filter.limit)
      : this.core.db.prepare('SELECT * FROM tool_runs ORDER BY started_at DESC, id DESC LIMIT ?').all(filter.limit);
    return (rows as Row[]).map(rowToRun);
  }

  artifact(id: string): { name: string; file: string } {
    const r = this.core.db.prepare('SELECT artifact_name, artifact_file FROM tool_runs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw commonErrors.notFound('NOUN_RUN', id);
    if (!r.artifact_file || !fs.existsSync(r.artifact_file))
      throw RelaisError.of('TOOL_NO_ARTIFACT');
    return { name: r.artifact_name, file: r.artifact_file };
  }

  /** Waits for a run to finish (tests, checklists). */
  wait(id: string): Promise<ToolRun> {
    const a = this.active.get(id);
    return a ? a.finished : Promise.resolve(this.get(id).run);
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  async cancel(id: string): Promise<boolean> {
    const a = this.active.get(id);
    if (!a) return false;
    a.cancelReason ??= 'cancelled';
    await a.handle.kill();
    await a.finished;
    return true;
  }

  private async shutdown(): Promise<void> {
    await Promise.all(
      [...this.active.values()].map(async (a) => {
        a.cancelReason ??= 'shutdown';
        await a.handle.kill().catch(() => {});
        await a.finished.catch(() => {});
      }),
    );
  }

  /** Validates and starts a run; resolves once it has started (status 'running'). */
  async start(req: StartRequest): Promise<ToolRun> {
    const validated = validateParams(req.tool, req.params);
    const { runner, isRoot } = this.chooseRunner(req);
    if (req.ticketId) await this.opts.bridge.header(req.ticketId); // must exist
    const { tool, target } = req;
    const cmd = prepareCommand(tool, validated, { elevate: tool.elevation, isRoot, where: target.kind === 'local' ? 'local' : 'remote' });
    const startedRun = this.insertRun(req, toParamValues(validated));
    const id = startedRun.id;
    const timeoutMs = (req.timeoutSeconds ?? tool.timeoutSeconds ?? Math.max(30, tool.expectedSeconds * 4)) * 1000;

    const output = new RunOutput(
      (stream, text) => this.core.events.emit('tools.output', { runId: id, stream, text }),
      (stored, bytes) => this.core.db.prepare(`UPDATE tool_runs SET output = ?, output_bytes = ? WHERE id = ? AND status = 'running'`).run(stored, bytes, id),
      tool.returnsArtifact,
    );
    const handle = runner.start(cmd, { onStdout: (b) => output.stdout(b), onStderr: (b) => output.stderr(b) }, id);
    const active: Active = { handle, cancelReason: null, finished: null as unknown as Promise<ToolRun> };
    const timer = setTimeout(() => {
      active.cancelReason ??= 'timeout';
      void handle.kill();
    }, timeoutMs);
    // Whatever goes wrong while finishing (disk full, a hostile artifact...), the run ends
    // 'failed' with the reason: never left 'running', never an unhandled rejection.
    active.finished = handle.done
      .then((exit) => {
        clearTimeout(timer);
        output.end();
        const outcome = runOutcome(exit, active.cancelReason, { timeoutMs, file: cmd.file, target, stderrHead: output.stderrHead, artifactError: output.artifact?.error ?? null });
        return this.finish(req, id, startedRun.startedAt, exit, outcome, output);
      })
      .catch((err: unknown) => {
        clearTimeout(timer);
        output.stopFlushing();
        return this.failRun(id, errorReason(err));
      });
    this.active.set(id, active);
    return startedRun;
  }

  /** Checks the tool may run on the target and picks the runner; throws what to do otherwise. */
  private chooseRunner({ tool, target, elevationConfirmed }: StartRequest): { runner: Runner; isRoot: boolean } {
    if (tool.elevation && !elevationConfirmed)
      throw RelaisError.of('TOOL_ELEVATION_CONFIRM', { label: tool.label }, { toolId: tool.id });
    if (target.kind === 'local') {
      const here = localOs(this.platform);
      if (here !== tool.os)
        throw RelaisError.of('TOOL_OS_MISMATCH', { label: tool.label, system: tool.os === 'windows' ? 'Windows' : 'Linux' }, { toolOs: tool.os, localOs: here });
      let isRoot = false;
      if (tool.elevation) {
        const e = (this.opts.elevationCheck ?? localElevation)();
        if (e === 'unavailable')
          throw RelaisError.of('TOOL_ELEVATION_UNAVAILABLE');
        isRoot = e === 'root';
      }
      return { runner: this.local, isRoot };
    }
    if (target.os && target.os !== tool.os)
      throw RelaisError.of('TOOL_OS_MISMATCH_remote', { label: tool.label, toolOs: tool.os, targetOs: target.os });
    if (!this.opts.sshExec)
      throw RelaisError.of('TOOL_SSH_UNAVAILABLE');
    return { runner: sshRunner(this.opts.sshExec, target.profileId), isRoot: false };
  }

  /** Records the run as 'running' (audited, announced) before its process starts. */
  private insertRun(req: StartRequest, params: ParamValues): ToolRun {
    const { tool, target } = req;
    const id = uuidv7();
    this.core.db
      .prepare(
        `INSERT INTO tool_runs (id, tool_id, tool_label, ticket_id, checklist_run_id, target, params, status, started_at, technician, elevated)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)`,
      )
      .run(id, tool.id, JSON.stringify(tool.label), req.ticketId ?? null, req.checklistRunId ?? null, JSON.stringify(target), JSON.stringify(params), this.core.now().toISOString(), this.core.currentUser(), tool.elevation ? 1 : 0);
    const run = this.get(id).run;
    this.audit('tool.run.started', run, { params, elevated: tool.elevation, os: tool.os });
    this.core.events.emit('tools.started', { run });
    return run;
  }

  /** Stores the outcome, the output and the archive; audits; puts the run on the ticket's timeline. */
  private async finish(req: StartRequest, id: string, startedAt: string, exit: ExitInfo, outcome: { status: RunStatus; error: LocalizedText | null }, output: RunOutput): Promise<ToolRun> {
    const { status, error } = outcome;
    // No status line is written into the output: it would be in both languages at once
    // ("délai dépassé / timed out"); the run's status is worded by the reader's UI.
    const art = output.artifact?.result && !output.artifact.error ? await this.saveArtifact(id, output.artifact.result) : null;
    const finished = this.core.now();
    this.core.db
      .prepare(
        `UPDATE tool_runs SET status = ?, exit_code = ?, signal = ?, finished_at = ?, duration_ms = ?, output_digest = ?, output_bytes = ?, output = ?, output_truncated = ?, error = ?, artifact_name = ?, artifact_file = ?, artifact_bytes = ? WHERE id = ?`,
      )
      .run(status, exit.exitCode, exit.signal, finished.toISOString(), finished.getTime() - new Date(startedAt).getTime(), output.digest(), output.bytes, output.stored, output.truncated ? 1 : 0, error ? JSON.stringify(error) : null, art?.name ?? null, art?.file ?? null, art?.bytes ?? null, id);
    const run = this.get(id).run;
    this.active.delete(id);
    this.audit('tool.run.finished', run, { status: run.status, exitCode: run.exitCode, durationMs: run.durationMs, outputDigest: run.outputDigest });
    if (req.ticketId && !req.skipTimeline) await this.addToTimeline(req.ticketId, run);
    this.announceFinished(run);
    return run;
  }

  private async saveArtifact(id: string, result: { name: string; data: Buffer }): Promise<{ name: string; file: string; bytes: number }> {
    const file = artifactPath(this.core.dataDir, id, result.name);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    await fs.promises.writeFile(file, result.data, { mode: 0o600, flag: 'wx' });
    return { name: result.name, file, bytes: result.data.length };
  }

  private async addToTimeline(ticketId: string, run: ToolRun): Promise<void> {
    try {
      await this.opts.bridge.append(ticketId, {
        kind: 'tool_run',
        body: runSummary(run, this.describeTarget),
        data: { runId: run.id, toolId: run.toolId, toolLabel: run.toolLabel, targetLabel: run.target.kind === 'local' ? null : this.describeTarget(run.target), status: run.status, exitCode: run.exitCode, durationMs: run.durationMs, outputDigest: run.outputDigest, target: run.target, params: run.params, elevated: run.elevated, technician: run.technician },
      });
    } catch (err) {
      console.error('[relais] tool run not added to the timeline:', (err as Error).message);
    }
  }

  /** Tells the UI and the listeners (checklists) that a run ended. */
  private announceFinished(run: ToolRun): void {
    this.core.events.emit('tools.finished', { run });
    for (const l of this.finishListeners) {
      try {
        l(run);
      } catch {}
    }
  }

  /** Ends a run that could not finish normally: status 'failed' with the reason, on the record and for the UI. */
  private failRun(id: string, reason: LocalizedText): ToolRun {
    this.active.delete(id);
    try {
      this.core.db
        .prepare(`UPDATE tool_runs SET status = 'failed', finished_at = COALESCE(finished_at, ?), error = ? WHERE id = ? AND status = 'running'`)
        .run(this.core.now().toISOString(), JSON.stringify(reason), id);
      const run = this.get(id).run;
      this.audit('tool.run.finished', run, { status: run.status, error: reason.en });
      this.announceFinished(run);
      return run;
    } catch (err) {
      console.error('[relais] run could not be marked failed:', (err as Error)?.message ?? err);
      throw err;
    }
  }

  /**
   * The process-wide fault policy's hook: runs recorded 'running' that no longer have a live
   * process behind them (their handling died with an exception) are marked failed with the reason.
   */
  failOrphans(reason: LocalizedText): number {
    const rows = this.core.db.prepare(`SELECT id FROM tool_runs WHERE status = 'running'`).all() as Row[];
    let n = 0;
    for (const r of rows) {
      if (this.active.has(r.id)) continue;
      this.failRun(r.id, reason);
      n++;
    }
    return n;
  }
}

function errorReason(err: unknown): LocalizedText {
  const messages = (err as { messages?: LocalizedText })?.messages;
  if (messages) return messages;
  const detail = err instanceof Error ? err.message : String(err);
  return localize('TOOL_RUN_UNFINISHED', { detail });
}

/** How a run ended, from its exit, why it was stopped and what its output showed. */
export function runOutcome(
  exit: ExitInfo,
  cancelReason: Active['cancelReason'],
  o: { timeoutMs: number; file: string; target: ToolTarget; stderrHead: string; artifactError: LocalizedText | null },
): { status: RunStatus; error: LocalizedText | null } {
  let status: RunStatus;
  let error: LocalizedText | null = null;
  if (cancelReason === 'cancelled') status = 'cancelled';
  else if (cancelReason === 'timeout') {
    status = 'timeout';
    error = localize('TOOL_RUN_TIMEOUT', { seconds: Math.round(o.timeoutMs / 1000) });
  } else if (cancelReason === 'shutdown') {
    status = 'interrupted';
    error = INTERRUPTED;
  } else if (exit.error) {
    status = 'error';
    error = startError(exit.error, o.file, o.target);
  } else if (exit.exitCode === 126 && o.stderrHead.includes(ELEVATION_MARKER)) {
    status = 'error';
    error = localize('TOOL_RUN_ELEVATION_REFUSED');
  } else status = exit.exitCode === 0 ? 'succeeded' : 'failed';
  if (o.artifactError && (status === 'succeeded' || status === 'failed')) return { status: 'failed', error: o.artifactError };
  return { status, error };
}

function startError(err: Error, file: string, target: ToolTarget): LocalizedText {
  const code = (err as NodeJS.ErrnoException).code;
  if (target.kind === 'local' && code === 'ENOENT')
    return localize('TOOL_PROGRAM_NOT_FOUND', { file });
  const msg = (err as { messages?: LocalizedText }).messages;
  if (msg) return msg;
  return localize('TOOL_START_FAILED', { cause: err.message });
}

