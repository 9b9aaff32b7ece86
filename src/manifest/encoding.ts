/**
 * A manifest is UTF-8 text (a byte order mark is allowed). A file in another encoding is
 * refused with a message that names the encoding, and bytes that are not UTF-8 with the
 * line and column of the first one, rather than read as replacement characters.
 */
import type { Position } from './source.js';

export type Decoded = { text: string } | { error: Position & { message: string } };

/**
 * The manifest's text, or why it is not UTF-8 text. `noun` names the file in messages: a
 * listing file (src/listing/) is read the same way.
 */
export function decodeManifest(bytes: Uint8Array, noun = 'manifest'): Decoded {
  const SAVE = `save the ${noun} as UTF-8`;
  const wide = wideEncoding(bytes);
  if (wide) {
    return {
      error: { line: 1, column: 1, message: `the ${noun} is ${wide}, not UTF-8; ${SAVE}` },
    };
  }
  let text: string;
  try {
    // A UTF-8 byte order mark is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = Math.max(0, firstInvalidByte(bytes));
    const { line, column } = positionOf(bytes, at);
    const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
    return {
      error: {
        line,
        column,
        message: `not UTF-8: byte 0x${byte} at line ${line}, column ${column}; ${SAVE}`,
      },
    };
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul);
    const line = before.split('\n').length;
    const column = nul - before.lastIndexOf('\n');
    return {
      error: {
        line,
        column,
        message: `a NUL byte at line ${line}, column ${column}: a ${noun} is UTF-8 text, which has none; ${SAVE}`,
      },
    };
  }
  return { text };
}

/**
 * UTF-16 or UTF-32, by the byte order mark or, without one, by the NUL bytes beside the
 * ASCII characters a manifest starts with (as YAML 1.2 §5.2 detects encodings).
 */
function wideEncoding(bytes: Uint8Array): string | undefined {
  const [a, b, c, d] = bytes;
  const four = bytes.length >= 4;
  if (four && a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'UTF-32 (big-endian)';
  if (four && a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) {
    return 'UTF-32 (little-endian)';
  }
  if (a === 0xfe && b === 0xff) return 'UTF-16 (big-endian)';
  if (a === 0xff && b === 0xfe) return 'UTF-16 (little-endian)';
  if (four && a === 0 && b === 0 && c === 0 && d !== 0) return 'UTF-32 (big-endian)';
  if (four && a !== 0 && b === 0 && c === 0 && d === 0) return 'UTF-32 (little-endian)';
  if (bytes.length >= 2 && a === 0 && b !== 0) return 'UTF-16 (big-endian)';
  if (bytes.length >= 2 && a !== 0 && b === 0) return 'UTF-16 (little-endian)';
  // Text that starts with other characters: NUL bytes only at odd or only at even offsets.
  let even = 0;
  let odd = 0;
  const sample = Math.min(bytes.length, 4096);
  for (let i = 0; i < sample; i++) {
    if (bytes[i] === 0) {
      if (i % 2) odd++;
      else even++;
    }
  }
  if (odd >= 4 && even === 0) return 'UTF-16 (little-endian)';
  if (even >= 4 && odd === 0) return 'UTF-16 (big-endian)';
  return undefined;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    // The well-formed sequences of the Unicode Standard, table 3-7.
    let more: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) more = 1;
    else if (lead === 0xe0) [more, low] = [2, 0xa0];
    else if (lead === 0xed) [more, high] = [2, 0x9f];
    else if (lead >= 0xe1 && lead <= 0xef) more = 2;
    else if (lead === 0xf0) [more, low] = [3, 0x90];
    else if (lead === 0xf4) [more, high] = [3, 0x8f];
    else if (lead >= 0xf1 && lead <= 0xf3) more = 3;
    else return i;
    for (let k = 1; k <= more; k++) {
      const next = bytes[i + k];
      if (next === undefined || next < low || next > high) return i;
      [low, high] = [0x80, 0xbf];
    }
    i += more + 1;
  }
  return -1;
}

/** Line and column of a byte, columns counted in characters as the YAML parser counts them. */
function positionOf(bytes: Uint8Array, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Everything before the first bad byte is UTF-8.
  const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset));
  return { line, column: before.length + 1 };
}
