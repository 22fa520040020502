/**
 * Configuration tools in real Chromium over the local web host: run a tool from a ticket
 * and watch its output stream in, then find its result on the ticket's timeline; start a
 * checklist, crash the host in the middle, restart it on the same data folder and resume.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { makeTempDir } from '../support/temp-dir';
import { spawnHostProcess, startTestHost, type HostProcess } from '../support/web-host';
import { RawClient } from '../support/ws-client';
import { writeAdminFolder } from '../integration/tools/harness';
import { startSshd } from '../services/sshd';
import { TrustStore } from '../../src/features/ssh/hostkeys';

let browser: Browser;
const temps: (() => void)[] = [];
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  temps.forEach((c) => c());
});

async function logCall(port: number, token: string, subject: string): Promise<{ id: string; number: number }> {
  const c = await RawClient.open(port, token);
  const r = await c.call('tickets.logCall', { subject, requesterName: 'Élodie Martin', description: 'Appel au support' });
  c.close();
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function openTicket(page: Page, url: string, ticketId: string): Promise<void> {
  await page.goto(url);
  await page.locator('nav a').first().waitFor();
  await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticketId);
  await page.getByTestId('ticket-tools').waitFor();
}

/** Ends the processes a crashed host left behind (found by their unique marker). */
function killLeftovers(marker: string): void {
  const r = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
  for (const pid of r.stdout.split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

describe('configuration tools in the console', () => {
  it('runs a tool from a ticket, streams its output, and puts the result on the timeline', async () => {
    const temp = makeTempDir('relais-e2e-tools-');
    temps.push(temp.cleanup);
    const host = await startTestHost({ policyFile: writeAdminFolder(temp.dir) });
    try {
      const ticket = await logCall(host.port, host.token, 'Poste lent au service urbanisme');
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openTicket(page, host.url, ticket.id);

      const tools = page.getByTestId('ticket-tools');
      await tools.getByTestId('ticket-launch-tool').locator('summary').click();
      await tools.getByTestId('tool-select').selectOption('site-stream');
      await expect.poll(() => tools.getByTestId('tool-target').inputValue()).toBe('local');
      await tools.getByTestId('tool-run').click();
      const launcher = tools.getByTestId('ticket-launch-tool');
      const panel = launcher.getByTestId('run-panel');
      // Output arrives while the tool is still running.
      await expect.poll(() => panel.getByTestId('tool-output').textContent(), { timeout: 5000 }).toContain('ligne 1');
      expect(await panel.getAttribute('data-status')).toBe('running');
      await screenshot(page, 'tools-streaming');
      await expect.poll(() => panel.getAttribute('data-status'), { timeout: 10_000 }).toBe('failed');
      expect(await panel.getByTestId('tool-output').textContent()).toContain('ligne 5');
      expect(await panel.getByTestId('run-result').textContent()).toMatch(/Code de sortie 3/);

      // A real tool: system information, with this machine's host name.
      await tools.getByTestId('tool-select').selectOption('linux-system-info');
      await tools.getByTestId('tool-run').click();
      await expect.poll(() => launcher.getByTestId('run-panel').getAttribute('data-status'), { timeout: 10_000 }).toBe('succeeded');
      expect(await launcher.getByTestId('tool-output').textContent()).toContain(`Hostname : ${os.hostname()}`);

      const timeline = page.getByTestId('timeline');
      await expect.poll(() => timeline.locator('li[data-kind="tool_run"]').count(), { timeout: 10_000 }).toBe(2);
      const texts = await timeline.locator('li[data-kind="tool_run"]').allTextContents();
      expect(texts.join('\n')).toContain('Sortie progressive — échec (code 3)');
      expect(texts.join('\n')).toContain('Informations système (Linux) — réussi (code 0)');
      await screenshot(page, 'tools-ticket-timeline');
      // Past runs of the ticket, with their stored output.
      await expect.poll(() => tools.getByTestId('recent-runs').locator('ul > li').count()).toBe(2);

      // Elevation is confirmed in the UI before the tool runs.
      await tools.getByTestId('tool-select').selectOption('site-whoami');
      await tools.getByTestId('tool-run').click();
      await tools.getByTestId('elevation-confirm').waitFor();
      await screenshot(page, 'tools-elevation-confirm');
      await tools.getByTestId('elevation-ok').click();
      await expect.poll(() => launcher.getByTestId('run-panel').getAttribute('data-status'), { timeout: 10_000 }).toBe('succeeded');
      expect(await launcher.getByTestId('tool-output').textContent()).toContain('uid=0');

      // The intervention report downloads as a one-page PDF.
      const [download] = await Promise.all([page.waitForEvent('download'), tools.getByTestId('report-export').click()]);
      expect(download.suggestedFilename()).toBe(`fiche-intervention-${ticket.number}.pdf`);
      const pdf = path.join(temp.dir, 'fiche.pdf');
      await download.saveAs(pdf);
      expect(spawnSync('pdfinfo', [pdf], { encoding: 'utf8' }).stdout).toMatch(/^Pages:\s+1$/m);
      expect(spawnSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).stdout).toContain('Poste lent au service urbanisme');
      await page.close();
    } finally {
      await host.dispose();
    }
  });

  it("runs a tool on the ticket's linked PC over SSH (its profile is proposed first)", async () => {
    const temp = makeTempDir('relais-e2e-tools-ssh-');
    temps.push(temp.cleanup);
    process.env.RELAIS_KNOWN_HOSTS = '';
    const sshd = await startSshd();
    const host = await startTestHost({ policyFile: writeAdminFolder(temp.dir) });
    try {
      const c = await RawClient.open(host.port, host.token);
      const imported = await c.call('directory.importCommit', { kind: 'assets', csv: `nom;ip;os\nPC-URBA-042;${sshd.host};Debian 12\n` });
      expect(imported.ok).toBe(true);
      const assetId = (host.service.core.db.prepare('SELECT id FROM assets WHERE name = ?').get('PC-URBA-042') as { id: string }).id;
      const profile = await c.call('ssh.profileSave', { name: 'PC-URBA-042', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key', keyFile: sshd.keyFile, assetId });
      expect(profile.ok).toBe(true);
      // The technician approved this PC's host key earlier (same trust store as the terminals).
      const [keyType = '', publicKey = ''] = fs.readFileSync(path.join(sshd.dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
      new TrustStore(host.service.core.db).remember(sshd.host, sshd.port, { keyType, fingerprint: sshd.hostKeyFingerprint, publicKey }, 'test', new Date().toISOString());
      const t = await c.call('tickets.logCall', { subject: 'VPN ne se connecte pas', requesterName: 'Élodie Martin', description: 'Appel', assetIds: [assetId] });
      c.close();
      expect(t.ok).toBe(true);

      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openTicket(page, host.url, t.value.id);
      const tools = page.getByTestId('ticket-tools');
      await tools.getByTestId('ticket-launch-tool').locator('summary').click();
      await tools.getByTestId('tool-select').selectOption('linux-system-info');
      await expect.poll(() => tools.getByTestId('tool-target').inputValue()).toBe(`ssh:${profile.value.id}`);
      await tools.getByTestId('tool-run').click();
      await expect.poll(() => tools.getByTestId('ticket-launch-tool').getByTestId('run-panel').getAttribute('data-status'), { timeout: 15_000 }).toBe('succeeded');
      expect(await tools.getByTestId('ticket-launch-tool').getByTestId('tool-output').textContent()).toContain(`Hostname : ${os.hostname()}`);
      await expect.poll(() => page.getByTestId('timeline').locator('li[data-kind="tool_run"]').textContent(), { timeout: 10_000 }).toContain(
        `Informations système (Linux) — réussi (code 0)`,
      );
      expect(await page.getByTestId('timeline').locator('li[data-kind="tool_run"]').textContent()).toContain(`PC-URBA-042 (${sshd.user}@${sshd.host}, SSH)`);
      await screenshot(page, 'tools-ssh-from-ticket');
      await page.close();
    } finally {
      await host.dispose();
      await sshd.stop();
    }
  });

  it('the catalog page shows the administrator folder problems, generates parameter forms, and cancels a run', async () => {
    const temp = makeTempDir('relais-e2e-catalog-');
    temps.push(temp.cleanup);
    const policy = writeAdminFolder(temp.dir);
    const broken = path.join(temp.dir, 'admin-tools', 'imprimantes-site.json');
    fs.writeFileSync(broken, JSON.stringify({ id: 'imprimantes-site', label: { fr: 'x' } }));
    const host = await startTestHost({ policyFile: policy });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(host.url);
      await page.getByTestId('nav-tools').click();
      const errors = page.getByTestId('catalog-errors');
      await errors.waitFor();
      expect(await errors.textContent()).toContain(broken);
      expect(await errors.textContent()).toMatch(/label\.en/);
      expect(await page.getByTestId('tool-list').locator('li').count()).toBeGreaterThanOrEqual(19);

      // A form generated from the schema: enum as a list, UNC path as text, boolean as a box.
      await page.getByTestId('tool-search').fill('lecteur réseau');
      await page.getByTestId('tool-win-map-drive').click();
      expect(await page.getByTestId('param-DriveLetter').evaluate((e) => e.tagName)).toBe('SELECT');
      expect(await page.getByTestId('param-DriveLetter').inputValue()).toBe('S');
      expect(await page.getByTestId('param-SharePath').getAttribute('maxlength')).toBe('260');
      expect(await page.getByTestId('param-Persistent').isChecked()).toBe(true);
      await screenshot(page, 'tools-catalog');

      // A hostile value typed in a field comes back as plain text.
      const hostile = "'; rm -rf ~ # $(id) `id` \u2018x\u2019";
      await page.getByTestId('tool-search').fill('');
      await page.getByTestId('tool-site-echo').click();
      await page.getByTestId('param-Text').fill(hostile);
      await page.getByTestId('tool-run').click();
      await expect.poll(() => page.getByTestId('run-panel').getAttribute('data-status'), { timeout: 10_000 }).toBe('succeeded');
      expect(await page.getByTestId('tool-output').textContent()).toBe(hostile);

      // Cancel from the UI: the run stops and its processes are gone.
      const marker = String(100000 + Math.floor(Math.random() * 899999));
      await page.getByTestId('tool-site-sleep').click();
      await page.getByTestId('param-Marker').fill(marker);
      await page.getByTestId('tool-run').click();
      await expect.poll(() => page.getByTestId('tool-output').textContent()).toContain(`started ${marker}`);
      await page.getByTestId('run-cancel').click();
      await expect.poll(() => page.getByTestId('run-panel').getAttribute('data-status'), { timeout: 10_000 }).toBe('cancelled');
      expect(spawnSync('pgrep', ['-f', `600.${marker}`]).status).toBe(1);
      await screenshot(page, 'tools-cancelled');
      await page.close();
    } finally {
      await host.dispose();
    }
  });

  it('a checklist survives a crash of the host and resumes at the step where it stopped', async () => {
    const temp = makeTempDir('relais-e2e-checklist-');
    temps.push(temp.cleanup);
    const policy = writeAdminFolder(temp.dir);
    const dataDir = path.join(temp.dir, 'data');
    fs.mkdirSync(dataDir);
    const env = { RELAIS_POLICY_FILE: policy };
    let host: HostProcess = await spawnHostProcess(dataDir, [], env);
    try {
      const ticket = await logCall(host.port, host.token, 'Préparation poste prêté');
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await openTicket(page, host.url, ticket.id);
      const tools = page.getByTestId('ticket-tools');
      await tools.getByTestId('ticket-launch-checklist').locator('summary').click();
      await tools.getByTestId('checklist-select').selectOption('site-checklist');
      await expect.poll(() => tools.getByTestId('tool-target').inputValue()).toBe('local');
      await tools.getByTestId('checklist-start').click();
      const panel = tools.getByTestId('checklist-panel');
      await panel.waitFor();
      await panel.getByTestId('step-note').fill('INV-0042');
      await panel.getByTestId('step-tick').click();
      await expect.poll(() => panel.getAttribute('data-current-step')).toBe('1');
      await panel.getByTestId('step-run').click();
      await expect.poll(() => panel.getAttribute('data-current-step'), { timeout: 10_000 }).toBe('2');
      expect(await panel.getByTestId('checklist-progress').getAttribute('aria-valuenow')).toBe('2');
      // Step 3 starts a long tool; the host crashes while it runs.
      await panel.getByTestId('step-run').click();
      await expect.poll(() => panel.getByTestId('step-2').getAttribute('data-status')).toBe('running');
      await expect.poll(() => panel.getByTestId('tool-output').textContent()).toContain('started 1');
      await screenshot(page, 'tools-checklist-before-crash');
      expect(spawnSync('pgrep', ['-f', '600.1']).status).toBe(0);
      await host.stop('SIGKILL');

      host = await spawnHostProcess(dataDir, [], env);
      // What the crashed host had started on this PC is ended when it comes back.
      await expect.poll(() => spawnSync('pgrep', ['-f', '600.1']).status, { timeout: 5000 }).toBe(1);
      await openTicket(page, host.url, ticket.id);
      const resumed = page.getByTestId('ticket-tools').getByTestId('checklist-panel');
      await resumed.waitFor();
      expect(await resumed.getAttribute('data-current-step')).toBe('2');
      expect(await resumed.getByTestId('step-0').getAttribute('data-status')).toBe('done');
      expect(await resumed.getByTestId('step-0').textContent()).toContain('INV-0042');
      expect(await resumed.getByTestId('step-1').getAttribute('data-status')).toBe('done');
      expect(await resumed.getByTestId('step-2').getAttribute('data-status')).toBe('interrupted');
      expect(await resumed.getByTestId('checklist-progress').getAttribute('aria-valuenow')).toBe('2');
      expect(await resumed.getByTestId('step-run').textContent()).toBe("Relancer l'étape");
      // The output shown before the crash was kept.
      expect(await resumed.getByTestId('tool-output').textContent()).toContain('started 1');
      await screenshot(page, 'tools-checklist-resumed');

      // Skip the long step with a reason, tick the last one: the checklist completes.
      await resumed.locator('.step-skip summary').click();
      await resumed.locator('.step-skip input').fill('poste remis sans attendre');
      await resumed.locator('.step-skip button').click();
      await expect.poll(() => resumed.getAttribute('data-current-step')).toBe('3');
      await resumed.getByTestId('step-tick').click();
      await expect.poll(() => resumed.locator('.ok').textContent()).toBe('Liste terminée.');
      const steps = await page.getByTestId('timeline').locator('li[data-kind="checklist_step"]').allTextContents();
      expect(steps.join('\n')).toContain('Étape 1/4 cochée : Étiquette posée — INV-0042');
      expect(steps.join('\n')).toContain('Étape 2/4 : Informations système (Linux) — réussi (code 0)');
      expect(steps.join('\n')).toContain('Étape 3/4 passée');
      await page.close();
    } finally {
      await host.stop();
      killLeftovers('600.1');
    }
  });
});
