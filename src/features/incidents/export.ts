/**
 * Incident export, verifiable somewhere else (a lawyer, the CNIL, the insurer's expert):
 *
 * - `entries`: every action on the incident's ticket (timeline entry: time, actor, kind,
 *   text, data), each chained to the previous one: `hash = sha256(prev + canonical(entry))`;
 * - `evidence`: every collected output with its exact bytes (base64) and SHA-256;
 * - `audit`: the rows of the console's audit log about this ticket (seq, hash), so whoever
 *   holds that log can check the export against it;
 * - `bodySha256` over the canonical body, and an Ed25519 signature of it with the console's
 *   incident signing key (private key in the vault, public key in the export).
 *
 * Canonical JSON = keys sorted, no spaces (`canonicalJson`). Change one byte anywhere and
 * `verifyIncidentExport` names what no longer matches.
 */
import crypto from 'node:crypto';
import PDFDocument from 'pdfkit';
import { safe, fmtDate } from '../../platform/pdf';
import { localize } from '../../base/messages';

export const EXPORT_FORMAT = 'relais-incident-export/1';

export interface ExportEntry {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  text: string;
  data: unknown;
  prev: string;
  hash: string;
}
export interface ExportEvidence {
  id: string;
  label: string;
  sha256: string;
  bytes: number;
  collectedAt: string;
  collectedBy: string;
  runId: string | null;
  toolId: string | null;
  contentBase64: string;
}
export interface ExportBody {
  generatedAt: string;
  generatedBy: string;
  ticket: { id: string; number: number; subject: string; category: string | null; requester: string; status: number; team: string | null; createdAt: string };
  incident: Record<string, unknown>;
  entries: ExportEntry[];
  evidence: ExportEvidence[];
  audit: { seq: number; at: string; actor: string; action: string; details: unknown; hash: string }[];
}
export interface IncidentExport {
  format: typeof EXPORT_FORMAT;
  body: ExportBody;
  bodySha256: string;
  signature: { algorithm: 'ed25519'; publicKey: string; value: string };
}

const GENESIS = '0'.repeat(64);
const sha256 = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');

/** JSON with object keys sorted at every level: the same data always gives the same bytes. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export const entryHash = (prev: string, e: Omit<ExportEntry, 'prev' | 'hash'>) => sha256(prev + canonicalJson(e));

/** Chains timeline entries (in order) into export entries. */
export function chainEntries(items: Omit<ExportEntry, 'seq' | 'prev' | 'hash'>[]): ExportEntry[] {
  let prev = GENESIS;
  return items.map((it, i) => {
    const base = { seq: i + 1, ...it };
    const hash = entryHash(prev, base);
    const e = { ...base, prev, hash };
    prev = hash;
    return e;
  });
}

export function signExport(body: ExportBody, privateKeyPem: string): IncidentExport {
  const bodySha256 = sha256(canonicalJson(body));
  const key = crypto.createPrivateKey(privateKeyPem);
  const publicKey = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
  const value = crypto.sign(null, Buffer.from(bodySha256, 'hex'), key).toString('base64');
  return { format: EXPORT_FORMAT, body, bodySha256, signature: { algorithm: 'ed25519', publicKey, value } };
}

export function newSigningKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

type Problem = { fr: string; en: string };

/**
 * Checks an export from its text alone: format, every entry's chain link, every evidence
 * digest against its bytes, the body digest and the signature. `expectedPublicKey` (base64
 * SPKI) pins the console's key when the verifier knows it.
 */
export function verifyIncidentExport(text: string, expectedPublicKey?: string): { ok: boolean; problems: Problem[]; ticketNumber: number | null; entries: number; evidence: number } {
  const problems: Problem[] = [];
  const fail = (problem: Problem) => problems.push(problem);
  let doc: IncidentExport;
  try {
    doc = JSON.parse(text) as IncidentExport;
  } catch {
    return { ok: false, problems: [localize('INCIDENT_EXPORT_NOT_JSON')], ticketNumber: null, entries: 0, evidence: 0 };
  }
  const body = doc?.body;
  if (doc?.format !== EXPORT_FORMAT || !body || !Array.isArray(body.entries) || !Array.isArray(body.evidence)) {
    return { ok: false, problems: [localize('INCIDENT_EXPORT_UNKNOWN_FORMAT')], ticketNumber: null, entries: 0, evidence: 0 };
  }
  let prev = GENESIS;
  body.entries.forEach((e, i) => {
    const { prev: p, hash, ...rest } = e;
    if (e.seq !== i + 1 || p !== prev || entryHash(prev, rest) !== hash) fail(localize('INCIDENT_EXPORT_ENTRY_CHANGED', { n: i + 1 }));
    prev = hash;
  });
  body.evidence.forEach((ev, i) => {
    const bytes = Buffer.from(String(ev.contentBase64 ?? ''), 'base64');
    if (sha256(bytes) !== ev.sha256 || bytes.length !== ev.bytes) fail(localize('INCIDENT_EXPORT_EVIDENCE_CHANGED', { n: i + 1, label: String(ev.label).slice(0, 80) }));
  });
  if (sha256(canonicalJson(body)) !== doc.bodySha256) fail(localize('INCIDENT_EXPORT_DIGEST'));
  try {
    const key = crypto.createPublicKey({ key: Buffer.from(doc.signature.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (!crypto.verify(null, Buffer.from(String(doc.bodySha256), 'hex'), key, Buffer.from(doc.signature.value, 'base64'))) fail(localize('INCIDENT_EXPORT_BAD_SIGNATURE'));
    if (expectedPublicKey && expectedPublicKey !== doc.signature.publicKey) fail(localize('INCIDENT_EXPORT_WRONG_KEY'));
  } catch {
    fail(localize('INCIDENT_EXPORT_NO_SIGNATURE'));
  }
  return { ok: problems.length === 0, problems, ticketNumber: typeof body.ticket?.number === 'number' ? body.ticket.number : null, entries: body.entries.length, evidence: body.evidence.length };
}

/** The same export as a PDF: every action, actor, time and evidence digest, plus the export digest. */
export async function exportPdf(doc: IncidentExport): Promise<Buffer> {
  const b = doc.body;
  const pdf = new PDFDocument({ size: 'A4', margin: 40, info: { Title: `Incident de sécurité — ticket ${b.ticket.number}`, Creator: 'Relais' } });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => pdf.on('end', () => resolve()));
  const width = pdf.page.width - 80;
  const line = (s: string, font = 'Helvetica', size = 9, color = '#1b1f24') => pdf.font(font).fontSize(size).fillColor(color).text(safe(s, 2000), { width });

  line(`Incident de sécurité — ticket n° ${b.ticket.number}`, 'Helvetica-Bold', 16, '#8b0000');
  line(safe(b.ticket.subject, 300), 'Helvetica-Bold', 11);
  pdf.moveDown(0.5);
  line(`Catégorie : ${b.ticket.category ?? '—'} · Demandeur : ${b.ticket.requester || '—'} · Équipe : ${b.ticket.team ?? '—'}`);
  line(`Signalé le ${fmtDate(String(b.incident.reportedAt ?? b.ticket.createdAt), 'fr')} · Isolé : ${b.incident.containedAt ? fmtDate(String(b.incident.containedAt), 'fr') : 'non'}`);
  if (b.incident.breachSuspectedAt) line(`Violation de données possible depuis le ${fmtDate(String(b.incident.breachSuspectedAt), 'fr')} — notification CNIL avant le ${fmtDate(String(b.incident.breachDeadline), 'fr')}`, 'Helvetica-Bold', 9, '#8b0000');
  line(`Export produit le ${fmtDate(b.generatedAt, 'fr')} par ${b.generatedBy}`);
  pdf.moveDown();
  line('Actions (heure de Paris, auteur, action)', 'Helvetica-Bold', 11, '#13243a');
  for (const e of b.entries) {
    line(`${fmtDate(e.at, 'fr')} — ${e.actor} — ${e.kind}`, 'Helvetica-Bold', 8.5);
    if (e.text) line(e.text, 'Helvetica', 8.5);
    line(`chaîne : ${e.hash}`, 'Courier', 7, '#5b6470');
  }
  pdf.moveDown();
  line('Preuves (SHA-256 du contenu exact)', 'Helvetica-Bold', 11, '#13243a');
  if (b.evidence.length === 0) line('Aucune preuve jointe.', 'Helvetica-Oblique');
  for (const ev of b.evidence) {
    line(`${fmtDate(ev.collectedAt, 'fr')} — ${ev.collectedBy} — ${ev.label} (${ev.bytes} octets)`, 'Helvetica', 8.5);
    line(ev.sha256, 'Courier', 8);
  }
  pdf.moveDown();
  line('Vérification', 'Helvetica-Bold', 11, '#13243a');
  line(`Empreinte SHA-256 de l'export JSON (corps canonique) : ${doc.bodySha256}`, 'Courier', 7.5);
  line(`Signature Ed25519, clé publique (SPKI, base64) : ${doc.signature.publicKey}`, 'Courier', 7.5);
  line("Le fichier JSON de l'export fait foi : « npx tsx scripts/incident-verify.ts export.json » vérifie chaque action, chaque preuve et la signature.", 'Helvetica-Oblique', 8);
  pdf.end();
  await ended;
  return Buffer.concat(chunks);
}
