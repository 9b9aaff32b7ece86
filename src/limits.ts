/**
 * GitHub's size limits (SPEC §8), and cutting text to them. A comment body is limited in
 * characters; the job summary and each output in bytes of UTF-8.
 */

/** GitHub refuses comment bodies longer than this, in characters. */
export const COMMENT_CHARACTERS = 65_536;
/** GitHub refuses a check run's output.summary or output.text longer than this, in characters. */
export const CHECK_RUN_OUTPUT_CHARACTERS = 65_535;
/** A step's job summary may not exceed 1 MiB; stay a little below. */
export const SUMMARY_BYTES = 1_000_000;
/** An output may not exceed 1 MB; stay a little below. */
export const OUTPUT_BYTES = 900_000;

export type Measure = 'characters' | 'bytes';

export function sizeOf(text: string, measure: Measure): number {
  return measure === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** The longest start of `text` within `max` (a whole code point at the end). */
export function cutTo(text: string, max: number, measure: Measure): string {
  if (sizeOf(text, measure) <= max) return text;
  if (measure === 'characters') {
    const cut = text.slice(0, max);
    return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
  }
  const bytes = Buffer.from(text, 'utf8').subarray(0, max);
  // A code point cut in two decodes to U+FFFD at the end: drop it.
  return bytes.toString('utf8').replace(/\uFFFD$/, '');
}
