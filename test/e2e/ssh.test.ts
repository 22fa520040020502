/**
 * SSH in Chromium, over the local web host, against a real OpenSSH server: from a ticket's
 * "Se connecter" menu to a terminal (host-key fingerprint asked first), `echo héllo`
 * echoed, the session on the ticket's timeline; and Settings › Security showing the vault
 * (no secret displayed) and the audit chain status.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser';
import { startTestHost } from '../support/web-host';
import { startSshd, type SshdHandle } from '../services/sshd';

let browser: Browser;
let host: Awaited<ReturnType<typeof startTestHost>>;
let sshd: SshdHandle;

async function ok(name: string, input?: unknown): Promise<any> {
  const r = await host.service.dispatch(name, input, { clientId: 'e2e-setup' });
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.error)}`);
  return r.value;
}

beforeAll(async () => {
  process.env.RELAIS_KNOWN_HOSTS = '';
  [browser, host, sshd] = await Promise.all([launchBrowser(), startTestHost(), startSshd()]);
});
afterAll(async () => {
  await browser?.close();
  await host?.dispose();
  await sshd?.stop();
  delete process.env.RELAIS_KNOWN_HOSTS;
});

describe('SSH terminal from a ticket', () => {
  it('asks about the host key, opens a terminal, runs echo héllo and records the session on the ticket', async () => {
    // Setup through contract calls: a Linux server in the directory, a ticket about it, its SSH profile.
    await ok('directory.importCommit', { kind: 'assets', csv: `nom;ip;os\nsrv-applis;${sshd.host};Debian 12\n` });
    const asset = (await ok('rdp.assets', { query: 'srv-applis' })).assets[0];
    const ticket = await ok('tickets.logCall', { subject: 'Application métier lente', requesterName: 'Mme Martin', assetIds: [asset.id] });
    await ok('ssh.profileSave', { name: 'srv-applis', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key', keyFile: sshd.keyFile, assetId: asset.id });

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(host.url);
    await page.locator('nav a').first().waitFor();
    await page.evaluate((id) => (location.hash = `#/ticket/${id}`), ticket.id);
    await page.getByTestId('rdp-connect-button').click();
    await page.getByTestId('rdp-method-ssh').click();

    const dialog = page.getByTestId('ssh-hostkey-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('ssh-hostkey-fingerprint').textContent()).toBe(sshd.hostKeyFingerprint);
    expect(await page.getByTestId('ssh-hostkey-type').textContent()).toBe('ssh-ed25519');
    await screenshot(page, 'ssh-hostkey-prompt');
    await page.getByTestId('ssh-trust-remember').click();

    const terminal = page.getByTestId('ssh-terminal');
    await terminal.waitFor();
    await expect.poll(() => terminal.getAttribute('data-state')).toBe('open');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo héllo-$((40+2))\n');
    // The command's output line, not the echo of what was typed.
    await expect.poll(() => terminal.locator('.xterm-rows').textContent(), { timeout: 15_000 }).toContain('héllo-42');
    const rows = await terminal.locator('.xterm-rows').textContent();
    expect(rows).toContain('echo héllo-$((40+2))');
    // 256 colours: palette colour 196 is rendered with its own class.
    await page.keyboard.type("printf '\\033[38;5;196mROUGE\\033[0m\\n'\n");
    await expect.poll(() => terminal.locator('.xterm-rows span.xterm-fg-196').filter({ hasText: 'ROUGE' }).count(), { timeout: 10_000 }).toBe(1);
    // The pty follows the panel's size (fit), not a fixed 80x24; and it follows a resize.
    await page.keyboard.type('echo "taille=$(stty size)"\n');
    await expect.poll(async () => /taille=(\d+) (\d+)/.exec((await terminal.locator('.xterm-rows').textContent()) ?? '')?.[2], { timeout: 10_000 }).toBeTruthy();
    const [, rows1, cols1] = /taille=(\d+) (\d+)/.exec((await terminal.locator('.xterm-rows').textContent())!)!;
    expect(Number(cols1)).toBeGreaterThan(100);
    await page.setViewportSize({ width: 900, height: 700 });
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('clear; echo "apres=$(stty size)"\n');
    await expect.poll(async () => /apres=(\d+) (\d+)/.exec((await terminal.locator('.xterm-rows').textContent()) ?? '')?.[2], { timeout: 10_000 }).toBeTruthy();
    const [, , cols2] = /apres=(\d+) (\d+)/.exec((await terminal.locator('.xterm-rows').textContent())!)!;
    expect(Number(cols2)).toBeLessThan(Number(cols1));
    void rows1;
    await screenshot(page, 'ssh-terminal-hello');

    // Close the tab: the session goes on the ticket's timeline.
    await page.getByRole('button', { name: /Fermer le terminal/ }).click();
    await expect.poll(async () => (await ok('tickets.get', { id: ticket.id })).timeline.some((f: any) => f.kind === 'ssh_session')).toBe(true);
    const detail = await ok('tickets.get', { id: ticket.id });
    const rec = detail.timeline.find((f: any) => f.kind === 'ssh_session');
    expect(rec.data).toMatchObject({ user: sshd.user, target: `${sshd.user}@${sshd.host}:${sshd.port}` });
    await page.close();
  });

  it('offers to reconnect after the server restarts and keeps the scrollback', async () => {
    const p = await ok('ssh.profileSave', { name: 'srv-reprise', host: sshd.host, port: sshd.port, username: sshd.user, auth: 'key', keyFile: sshd.keyFile });
    void p;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('nav-remote').click();
    await page.getByTestId('ssh-profile').filter({ hasText: 'srv-reprise' }).getByTestId('ssh-profile-connect').click();
    const terminal = page.getByTestId('ssh-terminal');
    await expect.poll(() => terminal.getAttribute('data-state')).toBe('open');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo avant-$((3*3))\n');
    await expect.poll(() => terminal.locator('.xterm-rows').textContent(), { timeout: 15_000 }).toContain('avant-9');

    await sshd.restart();
    await page.getByTestId('ssh-dropped').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('ssh-dropped').textContent()).toMatch(/Se reconnecter/);
    await screenshot(page, 'ssh-dropped');
    await page.getByTestId('ssh-reconnect').click();
    await expect.poll(() => terminal.getAttribute('data-state')).toBe('open');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo apres-$((4*4))\n');
    await expect.poll(() => terminal.locator('.xterm-rows').textContent(), { timeout: 15_000 }).toContain('apres-16');
    expect(await terminal.locator('.xterm-rows').textContent()).toContain('avant-9');
    await page.close();
  });

  it('shows the vault without any secret and the audit chain status in Settings', async () => {
    const secret = 'Tr3s-secret-e2e-9xQ';
    await ok('security.vaultPut', { label: 'compte applis', kind: 'password', secret });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(host.url);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-section-security').click();
    const settings = page.getByTestId('security-settings');
    await settings.waitFor();
    await expect.poll(() => page.getByTestId('vault-entry').count()).toBe(1);
    expect(await page.content()).not.toContain(secret);
    await expect.poll(() => page.getByTestId('audit-status').getAttribute('data-ok')).toBe('true');
    expect(await page.getByTestId('audit-status').textContent()).toMatch(/Chaîne intacte/);
    expect(await page.getByTestId('host-keys').textContent()).toContain(sshd.hostKeyFingerprint);

    host.service.core.db.prepare("UPDATE audit SET action = 'rien' WHERE seq = 1").run();
    await page.getByRole('button', { name: 'Vérifier maintenant' }).click();
    await expect.poll(() => page.getByTestId('audit-status').textContent()).toMatch(/rompue à l'entrée 1/);
    await screenshot(page, 'ssh-security-settings');
    await page.close();
  });
});
