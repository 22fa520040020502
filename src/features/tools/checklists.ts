/**
 * Installer checklists: an ordered list of steps (tools with preset parameters, manual
 * steps to tick). The run and the state of each step are written to SQLite as they
 * change, so closing the console or a crash loses nothing: the run resumes at the step
 * where it stopped (a tool step that was running is marked interrupted, to run again).
 * Each step's result goes on the ticket's timeline (kind `checklist_step`).
 */
import { v7 as uuidv7 } from 'uuid';
import type { FeatureHost } from '../../platform/feature-host';
import type { ToolEvents } from '../../domain/tools';

type Core = FeatureHost<ToolEvents>;
import { RelaisError, commonErrors } from '../../base/errors';
import type { ChecklistRun, ParamValues, ToolRun, ToolTarget } from '../../domain/tools';
import type { Catalog } from './catalog';
import { runSummary, type ToolRunService } from './runs';
import type { TicketBridge } from './ticket-bridge';

type Row = Record<string, any>;

export class ChecklistService {
  constructor(
    private readonly core: Core,
    private readonly runs: ToolRunService,
    private readonly bridge: TicketBridge,
    private readonly catalog: () => Catalog,
  ) {
    // A step still 'running' at start was cut short by a stop or a crash.
    core.db.prepare(`UPDATE checklist_steps SET status = 'interrupted' WHERE status = 'running'`).run();
    runs.onFinished((run) => void this.onToolFinished(run));
  }

  get(id: string): ChecklistRun {
    const r = this.core.db.prepare('SELECT * FROM checklist_runs WHERE id = ?').get(id) as Row | undefined;
    if (!r) throw commonErrors.notFound('NOUN_CHECKLIST', id);
    const steps = this.core.db.prepare('SELECT * FROM checklist_steps WHERE run_id = ? ORDER BY idx').all(id) as Row[];
    return {
      id: r.id,
      checklistId: r.checklist_id,
      label: JSON.parse(r.label),
      ticketId: r.ticket_id ?? null,
      target: JSON.parse(r.target),
      status: r.status,
      currentStep: r.current_step,
      startedAt: r.started_at,
      updatedAt: r.updated_at,
      finishedAt: r.finished_at ?? null,
      technician: r.technician,
      steps: steps.map((s) => ({
        index: s.idx,
        kind: s.kind,
        label: JSON.parse(s.label),
        toolId: s.tool_id ?? null,
        params: JSON.parse(s.params),
        status: s.status,
        toolRunId: s.tool_run_id ?? null,
        note: s.note,
        finishedAt: s.finished_at ?? null,
        by: s.done_by ?? null,
      })),
    };
  }

  list(filter: { ticketId?: string; activeOnly: boolean }): ChecklistRun[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.ticketId) {
      where.push('ticket_id = ?');
      args.push(filter.ticketId);
    }
    if (filter.activeOnly) where.push(`status = 'active'`);
    const rows = this.core.db
      .prepare(`SELECT id FROM checklist_runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY started_at DESC, id DESC LIMIT 200`)
      .all(...args) as Row[];
    return rows.map((r) => this.get(r.id));
  }

  async start(checklistId: string, target: ToolTarget, ticketId?: string): Promise<ChecklistRun> {
    const def = this.catalog().checklists.get(checklistId);
    if (!def) throw commonErrors.notFound('NOUN_CHECKLIST', checklistId);
    if (ticketId) await this.bridge.header(ticketId);
    const tools = this.catalog().tools;
    const id = uuidv7();
    const now = this.core.now().toISOString();
    const insert = this.core.db.transaction(() => {
      this.core.db
        .prepare(`INSERT INTO checklist_runs (id, checklist_id, label, ticket_id, target, status, current_step, started_at, updated_at, technician) VALUES (?, ?, ?, ?, ?, 'active', 0, ?, ?, ?)`)
        .run(id, def.id, JSON.stringify(def.label), ticketId ?? null, JSON.stringify(target), now, now, this.core.currentUser());
      const step = this.core.db.prepare('INSERT INTO checklist_steps (run_id, idx, kind, label, tool_id, params) VALUES (?, ?, ?, ?, ?, ?)');
      def.steps.forEach((s, i) => {
        if (s.kind === 'manual') step.run(id, i, 'manual', JSON.stringify(s.label), null, '{}');
        else step.run(id, i, 'tool', JSON.stringify(s.label ?? tools.get(s.toolId)?.label ?? { fr: s.toolId, en: s.toolId }), s.toolId, JSON.stringify(s.params));
      });
    });
    insert.immediate();
    if (ticketId)
      await this.bridge.append(ticketId, {
        kind: 'checklist_step',
        body: `Liste de contrôle démarrée : ${def.label.fr} (${def.steps.length} étapes)`,
        data: { checklistRunId: id, checklistId: def.id, checklistLabel: def.label, event: 'started', steps: def.steps.length },
      });
    return this.changed(id);
  }

  private changed(id: string): ChecklistRun {
    const run = this.get(id);
    this.core.events.emit('tools.checklistChanged', { run });
    return run;
  }

  private requireCurrent(runId: string, stepIndex: number, kind?: 'manual' | 'tool'): ChecklistRun {
    const run = this.get(runId);
    if (run.status !== 'active')
      throw RelaisError.of('CHECKLIST_NOT_ACTIVE');
    if (stepIndex !== run.currentStep)
      throw RelaisError.of('CHECKLIST_WRONG_STEP', { step: run.currentStep + 1 }, { currentStep: run.currentStep });
    const step = run.steps[stepIndex]!;
    if (kind && step.kind !== kind)
      throw kind === 'manual' ? RelaisError.of('CHECKLIST_STEP_KIND_tool') : RelaisError.of('CHECKLIST_STEP_KIND_manual');
    if (step.status === 'running')
      throw RelaisError.of('CHECKLIST_STEP_RUNNING');
    return run;
  }

  /** Marks a step finished and moves on (or completes the checklist). */
  private finishStep(runId: string, stepIndex: number, status: 'done' | 'skipped', note: string): void {
    const now = this.core.now().toISOString();
    const tx = this.core.db.transaction(() => {
      this.core.db.prepare('UPDATE checklist_steps SET status = ?, note = ?, finished_at = ?, done_by = ? WHERE run_id = ? AND idx = ?').run(status, note, now, this.core.currentUser(), runId, stepIndex);
      const total = (this.core.db.prepare('SELECT COUNT(*) AS n FROM checklist_steps WHERE run_id = ?').get(runId) as Row).n as number;
      const next = stepIndex + 1;
      if (next >= total) this.core.db.prepare(`UPDATE checklist_runs SET current_step = ?, status = 'completed', updated_at = ?, finished_at = ? WHERE id = ?`).run(next, now, now, runId);
      else this.core.db.prepare('UPDATE checklist_runs SET current_step = ?, updated_at = ? WHERE id = ?').run(next, now, runId);
    });
    tx.immediate();
  }

  private async timeline(run: ChecklistRun, stepIndex: number, body: string, data: Record<string, unknown>): Promise<void> {
    if (!run.ticketId) return;
    try {
      await this.bridge.append(run.ticketId, {
        kind: 'checklist_step',
        body,
        data: { checklistRunId: run.id, checklistId: run.checklistId, checklistLabel: run.label, stepIndex, stepCount: run.steps.length, ...data },
      });
      const after = this.get(run.id);
      if (after.status === 'completed' && run.status === 'active')
        await this.bridge.append(run.ticketId, {
          kind: 'checklist_step',
          body: `Liste de contrôle terminée : ${run.label.fr}`,
          data: { checklistRunId: run.id, checklistId: run.checklistId, checklistLabel: run.label, event: 'completed' },
        });
    } catch (err) {
      console.error('[relais] checklist step not added to the timeline:', (err as Error).message);
    }
  }

  async tick(runId: string, stepIndex: number, note: string): Promise<ChecklistRun> {
    const run = this.requireCurrent(runId, stepIndex, 'manual');
    this.finishStep(runId, stepIndex, 'done', note);
    const step = run.steps[stepIndex]!;
    await this.timeline(run, stepIndex, `Étape ${stepIndex + 1}/${run.steps.length} cochée : ${step.label.fr}${note ? ` — ${note}` : ''}`, { kind: 'manual', status: 'done', note, stepLabel: step.label });
    return this.changed(runId);
  }

  async skip(runId: string, stepIndex: number, note: string): Promise<ChecklistRun> {
    const run = this.requireCurrent(runId, stepIndex);
    this.finishStep(runId, stepIndex, 'skipped', note);
    const step = run.steps[stepIndex]!;
    await this.timeline(run, stepIndex, `Étape ${stepIndex + 1}/${run.steps.length} passée : ${step.label.fr} — ${note}`, { kind: step.kind, status: 'skipped', note, stepLabel: step.label });
    return this.changed(runId);
  }

  async abandon(runId: string): Promise<ChecklistRun> {
    const run = this.get(runId);
    const running = run.steps.find((s) => s.status === 'running');
    if (running?.toolRunId) await this.runs.cancel(running.toolRunId);
    const now = this.core.now().toISOString();
    this.core.db.prepare(`UPDATE checklist_runs SET status = 'abandoned', updated_at = ?, finished_at = ? WHERE id = ? AND status = 'active'`).run(now, now, runId);
    if (run.ticketId && run.status === 'active')
      await this.bridge.append(run.ticketId, { kind: 'checklist_step', body: `Liste de contrôle abandonnée : ${run.label.fr} (${run.currentStep}/${run.steps.length} étapes faites)`, data: { checklistRunId: run.id, checklistLabel: run.label, event: 'abandoned', stepIndex: run.currentStep, stepCount: run.steps.length } }).catch(() => {});
    return this.changed(runId);
  }

  async runStep(runId: string, stepIndex: number, extra: ParamValues, elevationConfirmed: boolean): Promise<{ run: ChecklistRun; toolRun: ToolRun }> {
    const run = this.requireCurrent(runId, stepIndex, 'tool');
    const step = run.steps[stepIndex]!;
    const tool = this.catalog().tools.get(step.toolId!);
    if (!tool)
      throw RelaisError.of('CHECKLIST_TOOL_MISSING', { toolId: step.toolId ?? '' });
    // Presets win: a checklist fixes them on purpose.
    const params = { ...extra, ...step.params };
    const toolRun = await this.runs.start({ tool, params, target: run.target, ticketId: run.ticketId, checklistRunId: run.id, elevationConfirmed, skipTimeline: true });
    this.core.db.prepare(`UPDATE checklist_steps SET status = 'running', tool_run_id = ? WHERE run_id = ? AND idx = ?`).run(toolRun.id, runId, stepIndex);
    this.core.db.prepare('UPDATE checklist_runs SET updated_at = ? WHERE id = ?').run(this.core.now().toISOString(), runId);
    // The tool may already have finished (very fast tools): settle the step now if so.
    if (!this.runs.isActive(toolRun.id)) await this.onToolFinished(this.runs.get(toolRun.id).run);
    return { run: this.changed(runId), toolRun };
  }

  private async onToolFinished(toolRun: ToolRun): Promise<void> {
    if (!toolRun.checklistRunId) return;
    const step = this.core.db
      .prepare(`SELECT idx FROM checklist_steps WHERE run_id = ? AND tool_run_id = ? AND status = 'running'`)
      .get(toolRun.checklistRunId, toolRun.id) as Row | undefined;
    if (!step) return;
    const run = this.get(toolRun.checklistRunId);
    const idx = step.idx as number;
    if (toolRun.status === 'succeeded') this.finishStep(run.id, idx, 'done', '');
    else {
      const status = toolRun.status === 'interrupted' ? 'interrupted' : 'failed';
      this.core.db.prepare('UPDATE checklist_steps SET status = ?, finished_at = ? WHERE run_id = ? AND idx = ?').run(status, toolRun.finishedAt, run.id, idx);
    }
    await this.timeline(run, idx, `Étape ${idx + 1}/${run.steps.length} : ${runSummary(toolRun, this.runs.describeTarget)}`, {
      kind: 'tool',
      status: toolRun.status,
      runId: toolRun.id,
      toolId: toolRun.toolId,
      exitCode: toolRun.exitCode,
      durationMs: toolRun.durationMs,
      outputDigest: toolRun.outputDigest,
    });
    this.changed(run.id);
  }
}
