/**
 * What `npm run demo` prints: the action's standard output as the runner shows it in a
 * job's log (workflow commands applied, masked values as ***), and markdown as it reads
 * on GitHub, as plain text for a terminal.
 */
import { unescapeCommand } from '../__tests__/harness/dist-action.js';

const LEVELS: Record<string, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' };

/**
 * A log view that keeps the masks of earlier lines, as the runner does: call it with each
 * piece of standard output as it arrives; it returns the lines the runner would show.
 */
export class RunnerView {
  private readonly masks: string[] = [];
  private pending = '';
  private depth = 0;

  /** The complete lines of `chunk` (with what came before it), as the log shows them. */
  push(chunk: string): string {
    const text = this.pending + chunk;
    const cut = text.lastIndexOf('\n');
    this.pending = cut === -1 ? text : text.slice(cut + 1);
    if (cut === -1) return '';
    return text
      .slice(0, cut)
      .split('\n')
      .map((line) => this.line(line))
      .filter((line): line is string => line !== undefined)
      .map((line) => `${line}\n`)
      .join('');
  }

  /** What is left once the output ended. */
  end(): string {
    const rest = this.pending ? this.line(this.pending) : undefined;
    this.pending = '';
    this.depth = 0;
    return rest === undefined ? '' : `${rest}\n`;
  }

  private line(raw: string): string | undefined {
    const command = /^::([a-z-]+)( [^:]*)?::(.*)$/.exec(raw);
    const indent = '  '.repeat(this.depth);
    if (!command) return indent + this.masked(raw);
    const [, name, , message = ''] = command;
    const text = unescapeCommand(message);
    switch (name) {
      case 'add-mask':
        if (text) this.masks.push(text);
        return undefined;
      case 'debug':
        return undefined;
      case 'group':
        this.depth = 1;
        return `▸ ${this.masked(text)}`;
      case 'endgroup':
        this.depth = 0;
        return undefined;
      case 'error':
      case 'warning':
      case 'notice':
        // The log shows the message; the file and line are the annotation's, shown apart.
        return `${indent}${LEVELS[name]}: ${this.masked(text)}`;
      default:
        return indent + this.masked(raw);
    }
  }

  private masked(text: string): string {
    return this.masks.reduce((t, secret) => t.split(secret).join('***'), text);
  }
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/** Markdown as it reads once GitHub rendered it, in plain text. */
export function readable(markdown: string): string {
  return (
    markdown
      .replace(/<!--[\s\S]*?-->\n?/g, '')
      .replace(/<summary>([\s\S]*?)<\/summary>/g, '▸ $1\n')
      .replace(/<\/?(details|code|sub|sup|b|strong|em|i|p|span|table|tbody|thead|tr)[^>]*>/g, '')
      .replace(/<br\s*\/?>/g, '\n')
      .replace(/<t[dh][^>]*>/g, ' | ')
      .replace(/<\/t[dh]>/g, '')
      .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '$1')
      .replace(/\\([\\`*_{}[\]()#+\-.!|<>~])/g, '$1')
      .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
      .replace(/&([a-z]+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
      // Zero-width spaces keep mentions and references from linking; they read as nothing.
      .replace(/\u200b/g, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
