import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../support/temp-dir';
import { newTicket, processesWith, startHarness, until, writeAdminFolder, type Harness } from './harness';

const open: Harness[] = [];
const temps: (() => void)[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  temps.splice(0).forEach((c) => c());
});
function setup() {
  const { dir, cleanup } = makeTempDir('relais-checklists-');
  temps.push(cleanup);
  const policy = writeAdminFolder(dir);
  const dataDir = path.join(dir, 'data');
  const start = () => {
    const h = startHarness(dataDir, policy);
    open.push(h);
    return h;
  };
  return { dir, start };
}
const local = { kind: 'local' as const };

describe('installer checklists', () => {
  it('ships the remote-work and printer checklists', async () => {
    const { start } = setup();
    const h = start();
    const { checklists } = await h.call('tools.catalog', {});
    const tele = checklists.find((c) => c.id === 'teletravail')!;
    expect(tele.label.fr).toBe("Préparation d'un poste de télétravail");
    expect(tele.steps.some((s) => s.kind === 'manual' && s.label.fr.startsWith('Étiquette posée'))).toBe(true);
    expect(tele.steps.filter((s) => s.kind === 'tool').length).toBeGreaterThanOrEqual(5);
    expect(checklists.find((c) => c.id === 'depannage-imprimante')?.label.fr).toBe('Dépannage imprimante');
  });

  it('walks the steps in order, records each on the timeline, and resumes after the console closes', async () => {
    const { start } = setup();
    let h = start();
    const ticketId = await newTicket(h);
    let { run } = await h.call('tools.checklistStart', { checklistId: 'controle-poste-linux', target: local, ticketId });
    expect(run).toMatchObject({ status: 'active', currentStep: 0 });
    await expect(h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 1 })).rejects.toMatchObject({ code: 'CHECKLIST_WRONG_STEP' });
    ({ run } = await h.call('tools.checklistTick', { runId: run.id, stepIndex: 0, note: 'INV-2024-0042' }));
    expect(run.currentStep).toBe(1);
    const { toolRun } = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 1 });
    await h.tools.runs.wait(toolRun.id);
    run = await until(async () => (await h.call('tools.checklistGet', { runId: run.id })).run, (r) => r.currentStep === 2);
    expect(run.steps[1]).toMatchObject({ status: 'done', toolRunId: toolRun.id });
    await h.close();

    // A new console on the same data folder: the checklist is where it was left.
    h = start();
    const { runs } = await h.call('tools.checklistList', { ticketId, activeOnly: true });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: run.id, currentStep: 2, status: 'active' });
    expect(runs[0]!.steps.map((s) => s.status)).toEqual(['done', 'done', 'pending', 'pending', 'pending']);
    expect(runs[0]!.steps[0]!.note).toBe('INV-2024-0042');
    const { toolRun: t2 } = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 2 });
    await h.tools.runs.wait(t2.id);
    await until(async () => (await h.call('tools.checklistGet', { runId: run.id })).run.currentStep, (n) => n === 3);
    await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 3 }).then((r) => h.tools.runs.wait(r.toolRun.id));
    await until(async () => (await h.call('tools.checklistGet', { runId: run.id })).run.currentStep, (n) => n === 4);
    const last = await h.call('tools.checklistTick', { runId: run.id, stepIndex: 4, note: '' });
    expect(last.run).toMatchObject({ status: 'completed', currentStep: 5 });

    const { timeline } = await h.call('tickets.get', { id: ticketId });
    const steps = timeline.filter((f: any) => f.kind === 'checklist_step' && typeof f.data.stepIndex === 'number');
    expect(steps.map((f: any) => f.data.stepIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(steps[0]!.body).toContain('cochée');
    expect(steps[1]!.data).toMatchObject({ kind: 'tool', status: 'succeeded', runId: toolRun.id, exitCode: 0 });
    expect(timeline.some((f: any) => f.kind === 'checklist_step' && f.data.event === 'completed')).toBe(true);
  });

  it('a tool step cut short by a stop is marked interrupted, stays the current step, and runs again', async () => {
    const { start } = setup();
    let h = start();
    let { run } = await h.call('tools.checklistStart', { checklistId: 'site-checklist', target: local });
    await h.call('tools.checklistTick', { runId: run.id, stepIndex: 0, note: '' });
    await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 1 }).then((r) => h.tools.runs.wait(r.toolRun.id));
    await until(async () => (await h.call('tools.checklistGet', { runId: run.id })).run.currentStep, (n) => n === 2);
    await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 2 });
    await until(() => processesWith('600.1'), (p) => p.length >= 1);
    await h.close(); // the console stops while the step's tool runs
    expect(await processesWith('600.1')).toEqual([]);

    h = start();
    ({ run } = await h.call('tools.checklistGet', { runId: run.id }));
    expect(run.currentStep).toBe(2);
    expect(run.steps[2]!.status).toBe('interrupted');
    const toolRunId = run.steps[2]!.toolRunId!;
    expect((await h.call('tools.get', { runId: toolRunId })).run.status).toBe('interrupted');
    // Run it again, then cancel: the step is failed, still current; skip it with a note.
    const again = await h.call('tools.checklistRunStep', { runId: run.id, stepIndex: 2 });
    await until(() => processesWith('600.1'), (p) => p.length >= 1);
    await h.call('tools.cancel', { runId: again.toolRun.id });
    ({ run } = await until(() => h.call('tools.checklistGet', { runId: run.id }), (r) => r.run.steps[2]!.status === 'failed'));
    expect(run.currentStep).toBe(2);
    ({ run } = await h.call('tools.checklistSkip', { runId: run.id, stepIndex: 2, note: 'poste éteint' }));
    expect(run.currentStep).toBe(3);
  });

  it('exports a one-page intervention report (PDF) with steps, results, durations and technician', async () => {
    const { start, dir } = setup();
    const h = start();
    h.core.prefs.set({ userName: 'Karim Benali' } as never);
    const ticketId = await newTicket(h, 'Poste de télétravail à préparer');
    for (const toolId of ['linux-system-info', 'site-stream']) {
      const { run } = await h.call('tools.run', { toolId, target: local, ticketId });
      await h.tools.runs.wait(run.id);
    }
    const { run } = await h.call('tools.checklistStart', { checklistId: 'controle-poste-linux', target: local, ticketId });
    await h.call('tools.checklistTick', { runId: run.id, stepIndex: 0, note: '' });

    for (const audience of ['agent', 'manager'] as const) {
      const pdf = await h.call('tools.report', { ticketId, audience });
      expect(pdf.mime).toBe('application/pdf');
      expect(pdf.name).toMatch(/^fiche-intervention-\d+\.pdf$/);
      const file = path.join(dir, `${audience}.pdf`);
      fs.writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
      expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/^Pages:\s+1$/m);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain("Fiche d'intervention");
      expect(text).toContain('Poste de télétravail à préparer');
      expect(text).toContain('Élodie Martin');
      expect(text).toContain('Karim Benali');
      expect(text).toContain('Informations système (Linux)');
      expect(text).toMatch(/réussi \(0\)/);
      expect(text).toMatch(/échec \(3\)/);
      expect(text).toMatch(/\d+,\d s/);
      expect(text).toContain("Contrôle d'un poste Linux — 1/5 étapes, en cours");
      expect(text).toContain(audience === 'agent' ? "Signature de l'agent" : 'Visa du responsable de service');
    }
  });

  it('keeps the report to one page however many operations the ticket has', async () => {
    const { start, dir } = setup();
    const h = start();
    const ticketId = await newTicket(h);
    for (let i = 0; i < 45; i++) {
      const { run } = await h.call('tools.run', { toolId: 'site-echo', target: local, ticketId, params: { Text: String(i) } });
      await h.tools.runs.wait(run.id);
    }
    const pdf = await h.call('tools.report', { ticketId, locale: 'en' });
    const file = path.join(dir, 'many.pdf');
    fs.writeFileSync(file, Buffer.from(pdf.base64, 'base64'));
    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/^Pages:\s+1$/m);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Intervention report');
    expect(text).toMatch(/and \d+ more operation/);
  });
});
