/**
 * Markdown for the job summary and the pull-request comments. Text from a manifest or from
 * AWS goes through `text()` or `code()`, so it cannot inject HTML, links or images, mention
 * people or teams, refer to issues, or break a table: GitHub renders markdown inside
 * `<code>` elements too, and links bare URLs, so both escape the same way.
 */
import { cutTo } from '../limits.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
};

/** A zero-width space: it breaks what GitHub would link without changing what people read. */
const BREAK = '\u200b';

/**
 * Escapes text for inline use in markdown and HTML, table cells included. Line breaks
 * become spaces (U+0085, U+2028 and U+2029 too, which some readers of a log or of a
 * copied report take for one), so the characters that only mean something at the start
 * of a line (#, -, +, >, and the `::` of a workflow command) need no escape. Mentions
 * (@name), issue references (#1, GH-1), e-mail addresses and bare URLs (https://, www.)
 * are broken by a zero-width space.
 */
function inline(value: string): string {
  return value
    .replace(/([@#])(?=[\p{L}\p{N}_-])/gu, `$1${BREAK}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${BREAK}`)
    .replace(/:\/\//g, `:${BREAK}//`)
    .replace(/\b(www)\./gi, `$1${BREAK}.`)
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/[&<>"'|]/g, (c) => ENTITIES[c]!)
    .replace(/\r\n?|[\n\u0085\u2028\u2029]/g, ' ');
}

export function text(value: string): string {
  return inline(value);
}

/** Inline code that stays inline code whatever it contains; safe in table cells. */
export function code(value: string): string {
  return `<code>${inline(value)}</code>`;
}

/** A URL as a markdown link target: characters that could end it are encoded. */
export function url(value: string): string {
  return value.replace(/[()<>\s"]/g, (c) => encodeURIComponent(c));
}

/** A fenced block that no content can close early. */
export function codeBlock(value: string, language = ''): string {
  const longest = Math.max(0, ...(value.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${value}\n${fence}`;
}

export function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The longest start of `value` within `limit` characters, escaped, with a note when cut. */
export function bounded(value: string, limit: number): string {
  if (value.length <= limit) return text(value);
  return `${text(cutTo(value, limit, 'characters'))}… *(cut; ${value.length} characters)*`;
}

/** As `bounded`, as inline code. */
export function boundedCode(value: string, limit: number): string {
  if (value.length <= limit) return code(value);
  return `${code(`${cutTo(value, limit, 'characters')}…`)} *(cut; ${value.length} characters)*`;
}
