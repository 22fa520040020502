/**
 * The handover receipt (bon de prêt) as the check-out issues it, read back by poppler
 * (pdfinfo/pdftotext) and rendered to PNG in test/artifacts/ to be looked at.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactsDir } from '../../support/browser';
import { makeLoansHarness, type LoansHarness } from './harness';

let h: LoansHarness;
afterEach(async () => {
  await h?.close();
});

function renderPdf(base64: string, name: string): string {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.pdf`);
  fs.writeFileSync(file, Buffer.from(base64, 'base64'));
  expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/^Pages:\s+1$/m);
  execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', file, path.join(artifactsDir, name)]);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('bon de prêt (PDF)', () => {
  it('names the agent, service, each item with serial and kit, the condition, the due date and has two signature boxes', async () => {
    h = await makeLoansHarness();
    const lefevre = await h.personId('Lefèvre');
    const ticket = await h.logLoanCall(lefevre, 'portable et casque');
    const req = await h.call('loans.createRequest', { ticketId: ticket.id, lines: [{ type: 'portable', quantity: 1 }, { type: 'casque', quantity: 1 }], reason: 'x' });
    const out = await h.call('loans.checkout', { requestId: req.id, tags: ['PC-001', 'CAS-01'], dueAt: '2026-03-26T16:00:00Z', condition: 'Bon état, rayure sur le capot' });
    const text = renderPdf(out.receipt.base64, 'loans-receipt');
    expect(text).toContain('Bon de prêt de matériel');
    expect(text).toMatch(/Agent :\s+François Lefèvre \(francois\.lefevre\)/);
    expect(text).toMatch(/Service :\s+État civil/);
    expect(text).toMatch(new RegExp(`Demande :\\s+n° ${ticket.number}`));
    expect(text).toMatch(/Retour prévu le :\s+26\/03\/2026 17:00/);
    expect(text).toMatch(/Portable\s+PC-001\s+SN-A1\s+Latitude 5440\s+chargeur, sacoche, souris/);
    expect(text).toMatch(/Casque\s+CAS-01\s+—\s+Jabra Evolve2 40\s+aucun/);
    expect(text).toMatch(/État à la remise :\s+Bon état, rayure sur le capot/);
    expect(text).toContain("Signature de l'agent");
    expect(text).toContain('Signature pour la permanence');

    const en = await h.call('loans.createRequest', { agent: { name: 'Émile Zola' }, lines: [{ type: 'portable', quantity: 1 }], reason: 'x' });
    const outEn = await h.call('loans.checkout', { requestId: en.id, tags: ['PC-002'], dueAt: '2026-03-20T16:00:00Z', locale: 'en' });
    const textEn = renderPdf(outEn.receipt.base64, 'loans-receipt-en');
    expect(textEn).toContain('Equipment loan receipt');
    expect(textEn).toMatch(/Agent:\s+Émile Zola/);
    expect(textEn).toMatch(/Request:\s+—/);
  });
});
