/**
 * Parses what the operator pasted about a suspicious e-mail with postal-mime (headers,
 * encoded words, any charset, HTML parts) into display-safe details: the sender, the
 * subject, the links defanged (`hxxp://evil[.]com`) and a plain-text excerpt. Nothing here
 * is ever rendered as HTML nor made clickable; sizes are capped before parsing.
 */
import PostalMime, { addressParser, decodeWords } from 'postal-mime';
import { baseDomain, defang, extractLinks, htmlToText, linkHost, phishingPasteSchema, type PhishingDetails, type PhishingPaste } from '../../domain/phishing';

const EXCERPT = 2000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/** A paste that starts with header lines ("From: …", "Subject: …") is a whole message. */
const LOOKS_LIKE_MESSAGE = /^(?:[A-Za-z][A-Za-z0-9-]{0,60}:[^\n]*\n(?:[ \t][^\n]*\n)*)*(?:from|subject|received|return-path|message-id):/i;

const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').replace(CONTROL, '').trim();

function parseAddress(raw: string): { address: string; name: string } {
  const line = oneLine(raw);
  if (!line) return { address: '', name: '' };
  try {
    const [first] = addressParser(line);
    if (first && 'address' in first && first.address) return { address: first.address.slice(0, 320), name: decodeWords(first.name ?? '').slice(0, 200) };
  } catch {
    // fall through: keep what was typed
  }
  const m = /[^\s<>"]+@[^\s<>"]+/.exec(line);
  return { address: (m?.[0] ?? line).slice(0, 320), name: '' };
}

export async function parsePhishing(raw: PhishingPaste): Promise<PhishingDetails> {
  const input = phishingPasteSchema.parse(raw);
  const text = input.text.replace(/\r\n?/g, '\n');
  let sender = parseAddress(input.sender);
  let subject = input.subject ? decodeWords(oneLine(input.subject)) : '';
  let bodyText = text;
  let bodyHtml = '';
  if (LOOKS_LIKE_MESSAGE.test(text)) {
    const email = await PostalMime.parse(text);
    if (!sender.address && email.from && 'address' in email.from && email.from.address) sender = { address: email.from.address, name: email.from.name ?? '' };
    if (!subject && email.subject) subject = oneLine(email.subject);
    bodyText = email.text ?? '';
    bodyHtml = email.html ?? '';
  }
  const links = extractLinks(bodyText, bodyHtml);
  const domains = [...new Set(links.map((l) => linkHost(l)).filter((h): h is string => h !== null))];
  const at = sender.address.lastIndexOf('@');
  const senderDomain = at >= 0 ? sender.address.slice(at + 1).toLowerCase().replace(/[>\s]/g, '') : '';
  const excerpt = (bodyText.trim() ? bodyText : htmlToText(bodyHtml)).replace(CONTROL, '').slice(0, EXCERPT);
  return {
    sender: defang(sender.address),
    senderName: oneLine(sender.name).slice(0, 200),
    senderDomain: senderDomain ? baseDomain(senderDomain) : '',
    subject: subject.slice(0, 500),
    links: links.map(defang),
    linkDomains: domains.map(baseDomain).filter((d, i, all) => all.indexOf(d) === i),
    // Links in the excerpt are defanged too: a copy-paste from it never opens anything.
    excerpt: excerpt.replace(/\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"']+/gi, (u) => defang(u)),
  };
}
