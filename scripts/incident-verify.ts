/**
 * Verifies an incident export anywhere Node runs, from the file alone:
 *   npx tsx scripts/incident-verify.ts incident-42.json [expected-public-key-base64]
 * Checks every action's chain link, every evidence digest against its bytes, the export's
 * digest and its Ed25519 signature. Exit 0 and "OK", or exit 1 and what does not match.
 */
import fs from 'node:fs';
import { verifyIncidentExport } from '../src/features/incidents/export';

const [file, key] = process.argv.slice(2);
if (!file) {
  console.error('usage: incident-verify <export.json> [public-key-base64]');
  process.exit(2);
}
const r = verifyIncidentExport(fs.readFileSync(file, 'utf8'), key);
if (r.ok) {
  console.log(`OK — ticket n° ${r.ticketNumber}: ${r.entries} actions, ${r.evidence} preuve(s) vérifiées / verified`);
} else {
  for (const p of r.problems) console.error(`ÉCHEC / FAILED — ${p.fr} / ${p.en}`);
  process.exit(1);
}
