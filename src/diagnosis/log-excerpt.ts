/**
 * An excerpt of a transform job's log for a report: the lines around errors and
 * tracebacks first, then the last lines, in the log's order, with a `…` line where lines
 * were left out. Bounded in lines, in characters per line and in bytes; control
 * characters and terminal escapes are removed. Work is linear in the input's size.
 */

export const EXCERPT_LIMITS = {
  lines: 40,
  lineCharacters: 300,
  bytes: 8_000,
  /** Lines kept before an error line. */
  before: 2,
  /** Lines kept after an error line; a traceback keeps more. */
  after: 2,
  afterTraceback: 12,
  /** Of `lines`, at most this many go to errors; the rest to the log's end. */
  errorLines: 28,
} as const;

/** A line that says something failed. */
const ERROR = /Traceback|Error|Exception|\bERROR\b|\bFATAL\b|\bCRITICAL\b|Killed|OutOfMemory/;
const TRACEBACK = /Traceback|Exception in thread|^\s+at\s/;
/** Terminal escapes, then every other control character but tab. */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

export const GAP = '…';

/** A line as it is shown: no escapes or control characters, at most `max` characters. */
export function cleanLine(line: string, max: number = EXCERPT_LIMITS.lineCharacters): string {
  // Cut first, so a long line costs no more than a short one.
  const head = line.length > max * 4 ? line.slice(0, max * 4) : line;
  const clean = head.replace(ANSI, '').replace(CONTROL, '').replace(/\t/g, '  ').trimEnd();
  const chars = [...clean];
  return chars.length > max || head.length < line.length
    ? `${chars.slice(0, max - 1).join('')}…`
    : clean;
}

/** The messages of log events as lines: a message may hold several. */
export function toLines(messages: readonly string[], maxLines = 5_000): string[] {
  const lines: string[] = [];
  for (const message of messages) {
    for (const line of message.split(/\r\n|\r|\n/)) lines.push(line);
  }
  return lines.length > maxLines ? lines.slice(-maxLines) : lines;
}

export function excerpt(
  lines: readonly string[],
  limits: Partial<typeof EXCERPT_LIMITS> = {},
): string[] {
  const l = { ...EXCERPT_LIMITS, ...limits };
  const cleaned = lines.map((line) => cleanLine(line, l.lineCharacters));
  const keep = new Set<number>();
  const room = Math.min(l.errorLines, l.lines);
  for (let i = 0; i < cleaned.length && keep.size < room; i++) {
    if (!ERROR.test(cleaned[i]!)) continue;
    const after = TRACEBACK.test(cleaned[i]!) ? l.afterTraceback : l.after;
    for (let j = Math.max(0, i - l.before); j <= Math.min(cleaned.length - 1, i + after); j++) {
      if (keep.size >= room) break;
      keep.add(j);
    }
  }
  for (let i = cleaned.length - 1; i >= 0 && keep.size < l.lines; i--) keep.add(i);
  const chosen = [...keep].sort((a, b) => a - b);
  const out: string[] = [];
  let bytes = 0;
  let previous = -1;
  for (const i of chosen) {
    const parts = i > previous + 1 ? [GAP, cleaned[i]!] : [cleaned[i]!];
    const size = parts.reduce((n, p) => n + Buffer.byteLength(p, 'utf8') + 1, 0);
    if (bytes + size > l.bytes) {
      out.push(GAP);
      break;
    }
    out.push(...parts);
    bytes += size;
    previous = i;
  }
  return out;
}
