/**
 * Markdown for the job summary (and later the pull-request comment). Text from a
 * manifest or from AWS goes through `text()` or `code()`, so it cannot inject HTML,
 * mention people or teams, or break a table.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '@': '&#64;',
  '|': '&#124;',
};

/**
 * Escapes text for inline use in markdown and HTML, table cells included. Line breaks
 * become spaces, so the characters that only mean something at the start of a line
 * (#, -, +, >) need no escape.
 */
export function text(value: string): string {
  return value
    .replace(/[\\`*_[\]~]/g, (c) => `\\${c}`)
    .replace(/[&<>"'@|]/g, (c) => ENTITIES[c]!)
    .replace(/\r?\n/g, ' ');
}

/** Inline code that stays inline code whatever it contains; safe in table cells. */
export function code(value: string): string {
  return `<code>${value.replace(/[&<>"'@|]/g, (c) => ENTITIES[c]!).replace(/\r?\n/g, ' ')}</code>`;
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
