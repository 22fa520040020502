import { z } from 'zod';
import { foldText } from './tickets';

/**
 * Phishing reports: how a suspicious e-mail is shown (defanged, never a live link) and how
 * reports group into a campaign (pure rules; parsing the pasted message is the core's job).
 *
 * Two reports belong to the same campaign when, within the time window, they share the
 * sender's domain (free webmail domains excepted: everyone has one), or a link domain, or
 * have a similar subject once numbers, "RE:"/"TR:" prefixes, accents and case are ignored.
 */

/** What the operator pastes. Sizes are capped: a pasted message can be huge or hostile. */
export const PHISHING_MAX_PASTE = 512 * 1024;
export const phishingPasteSchema = z.strictObject({
  sender: z.string().max(998).default(''),
  subject: z.string().max(998).default(''),
  /** The body, or the whole message with its headers (parsed as MIME when it has some). */
  text: z.string().max(PHISHING_MAX_PASTE, `at most ${PHISHING_MAX_PASTE} characters`).default(''),
});
export type PhishingPaste = z.input<typeof phishingPasteSchema>;

/** A parsed report, as stored and shown (links defanged). */
export const phishingDetailsSchema = z.object({
  sender: z.string(),
  senderName: z.string(),
  senderDomain: z.string(),
  subject: z.string(),
  /** Defanged: `hxxp://evil[.]com/x`. */
  links: z.array(z.string()),
  linkDomains: z.array(z.string()),
  /** Plain text only (HTML tags removed), shortened: shown as text, never rendered. */
  excerpt: z.string(),
});
export type PhishingDetails = z.infer<typeof phishingDetailsSchema>;

export const campaignSchema = z.object({
  id: z.string(),
  parentTicketId: z.string(),
  parentNumber: z.number().int(),
  subject: z.string(),
  senderDomain: z.string(),
  linkDomains: z.array(z.string()),
  count: z.number().int(),
  firstAt: z.string(),
  lastAt: z.string(),
  ongoing: z.boolean(),
});
export type Campaign = z.infer<typeof campaignSchema>;

const MAX_LINKS = 50;

/** `http://evil.com/x` → `hxxp://evil[.]com/x`; `a@evil.com` → `a[@]evil[.]com`. Idempotent. */
export function defang(s: string): string {
  return s
    .replace(/\[\.\]/g, '.')
    .replace(/\[@\]/g, '@')
    .replace(/^h[tx]{2}p(s?):\/\//i, (_m, sec: string) => `hxxp${sec.toLowerCase()}://`)
    .replace(/^ftp:\/\//i, 'fxp://')
    .replace(/\./g, '[.]')
    .replace(/@/g, '[@]');
}

/** The host of a URL (lower case, without "www."), or null. */
export function linkHost(url: string): string | null {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    const host = u.hostname.toLowerCase().replace(/^www\./, '').replace(/\.$/, '');
    return host && /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/** Registrable part of a host name: "suivi.colis-express.fr" → "colis-express.fr" (IPs kept whole). */
export function baseDomain(host: string): string {
  if (/^\d+(\.\d+){3}$/.test(host) || host.startsWith('[')) return host;
  const parts = host.split('.').filter(Boolean);
  const twoLevel = /^(gouv|co|com|org|net|ac|asso)\.[a-z]{2}$/.test(parts.slice(-2).join('.'));
  return parts.slice(twoLevel ? -3 : -2).join('.');
}

const URL_IN_TEXT = /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`()[\]{}]{2,2000}/gi;
const HREF = /\bhref\s*=\s*["']?([^"'\s>]{1,2000})/gi;

/** Links found in text and in HTML `href`s (never followed), unique, at most 50. */
export function extractLinks(text: string, html = ''): string[] {
  const out = new Set<string>();
  const add = (u: string) => {
    const clean = u.replace(/[.,;:!?]+$/, '');
    if (out.size < MAX_LINKS && linkHost(clean)) out.add(clean);
  };
  for (const m of html.matchAll(HREF)) if (/^(https?|ftp):|^www\./i.test(m[1]!)) add(m[1]!);
  for (const m of `${text}\n${html}`.matchAll(URL_IN_TEXT)) add(m[0]);
  return [...out];
}

/** HTML as plain text, for an excerpt: tags and scripts removed, entities left as typed. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Webmail domains: a shared sender domain there says nothing about a campaign. */
const FREE_MAIL = new Set(['gmail.com', 'hotmail.com', 'hotmail.fr', 'outlook.com', 'outlook.fr', 'live.fr', 'yahoo.com', 'yahoo.fr', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr', 'icloud.com', 'gmx.fr', 'protonmail.com']);

const SUBJECT_PREFIX = /^\s*((re|tr|fw|fwd|rep|réf|ref|aw|wg)\s*(\[\d+\])?\s*:\s*)+/i;

/** Words of a subject that say what it is about: folded, prefixes and numbers dropped. */
export function subjectTokens(subject: string): Set<string> {
  const folded = foldText(subject.replace(SUBJECT_PREFIX, ''));
  return new Set(
    folded
      .replace(/[0-9]+/g, ' ')
      .split(/[^a-z]+/)
      .filter((w) => w.length >= 3),
  );
}

/** Jaccard similarity of the subjects' words (0 to 1). */
export function subjectSimilarity(a: string, b: string): number {
  const x = subjectTokens(a);
  const y = subjectTokens(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const w of x) if (y.has(w)) common++;
  return common / (x.size + y.size - common);
}

export const SIMILAR_SUBJECT = 0.6;

export interface GroupableReport {
  senderDomain: string;
  subject: string;
  linkDomains: string[];
  reportedAt: string;
}

export type MatchReason = 'sender' | 'link' | 'subject';

/** Why two reports belong to the same campaign (null: they don't), ignoring time. */
export function sameCampaign(a: GroupableReport, b: GroupableReport): MatchReason | null {
  const da = a.senderDomain && baseDomain(a.senderDomain);
  if (da && !FREE_MAIL.has(da) && da === (b.senderDomain && baseDomain(b.senderDomain))) return 'sender';
  const links = new Set(a.linkDomains.map(baseDomain));
  if (b.linkDomains.some((d) => links.has(baseDomain(d)))) return 'link';
  if (subjectSimilarity(a.subject, b.subject) >= SIMILAR_SUBJECT) return 'subject';
  return null;
}

/** Reports of `candidates` within `windowMs` before `report` that belong with it, most recent first. */
export function matchingReports<T extends GroupableReport>(report: GroupableReport, candidates: T[], windowMs: number): { report: T; reason: MatchReason }[] {
  const at = Date.parse(report.reportedAt);
  return candidates
    .filter((c) => at - Date.parse(c.reportedAt) <= windowMs)
    .map((c) => ({ report: c, reason: sameCampaign(report, c) }))
    .filter((m): m is { report: T; reason: MatchReason } => m.reason !== null)
    .sort((x, y) => y.report.reportedAt.localeCompare(x.report.reportedAt));
}
