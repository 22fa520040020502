/**
 * GLPI rich text, both ways.
 *
 * GLPI 10 keeps ticket and follow-up content as HTML and answers it HTML-entity-encoded
 * (`x <b>y</b> & z` comes back as `x &#60;b&#62;y&#60;/b&#62; &#38; z`, docs/glpi-observed.md).
 * Relais keeps plain text. Out: text is escaped, paragraphs become `<p>`, single line breaks
 * `<br>`, and the operation id rides in an HTML comment people never see. In: one entity
 * decoding pass gives GLPI's HTML back; comments are read (op id) then dropped, block tags
 * become line breaks, the remaining tags go, and the text's own entities are decoded.
 */

const OP_COMMENT_RE = /<!--\s*relais-op:([0-9a-f-]{36})\s*-->/i;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** Decodes `&#60;`, `&#x3C;`, `&lt;`… (one pass: `&#38;lt;` gives `&lt;`, as GLPI meant). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Plain text → GLPI rich text; `opId` (when given) is carried in an invisible HTML comment. */
export function toGlpiHtml(text: string, opId?: string | null): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.length > 0)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`);
  return `${paragraphs.join('')}${opId ? `<!-- relais-op:${opId} -->` : ''}`;
}

export interface DecodedContent {
  text: string;
  opId: string | null;
}

/** GLPI's stored (entity-encoded) rich text → plain text + the op id of its comment, if any. */
export function fromGlpiHtml(stored: string): DecodedContent {
  const html = decodeEntities(stored);
  const opId = OP_COMMENT_RE.exec(html)?.[1]?.toLowerCase() ?? null;
  // Content written before Relais sent HTML (or by a script): plain text, its breaks are meaningful.
  if (!looksLikeHtml(html)) return { text: html.replace(/\r\n?/g, '\n').trim(), opId };
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\r\n?/g, '\n')
    // Text typed in GLPI's editor: its own line breaks are layout, the tags carry the structure.
    .replace(/\n/g, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|blockquote|pre|tr)>\s*/gi, '\n\n')
    .replace(/<[^>]*>/g, '');
  return { text: decodeEntities(text).replace(/\u00a0/g, ' ').replace(/\n{3,}/g, '\n\n').trim(), opId };
}

/** Whether stored content still holds any HTML structure (used for plain legacy content). */
export function looksLikeHtml(decoded: string): boolean {
  return /<\/?[a-z][^>]*>|<!--/i.test(decoded);
}
