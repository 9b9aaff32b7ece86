import { distance } from 'fastest-levenshtein';

/** Longer words get no suggestion: nothing this long is a slip of the keyboard. */
const MAX_WORD_LENGTH = 100;

/**
 * The candidates closest to `word` (case-insensitive edit distance), best first.
 * Only candidates within `threshold` edits are returned; by default, those close
 * enough to be a plausible typo. Words of more than MAX_WORD_LENGTH characters have none.
 */
export function closest(
  word: string,
  candidates: readonly string[],
  limit = 1,
  threshold = Math.max(2, Math.floor(word.length / 3)),
): string[] {
  if (word.length > MAX_WORD_LENGTH) return [];
  const lower = word.toLowerCase();
  return (
    candidates
      .map((candidate) => ({ candidate, lowerCandidate: candidate.toLowerCase() }))
      // Two words are at least as many edits apart as their lengths differ.
      .filter(({ lowerCandidate }) => Math.abs(lowerCandidate.length - lower.length) <= threshold)
      .map(({ candidate, lowerCandidate }) => ({ candidate, d: distance(lower, lowerCandidate) }))
      .filter(({ d }) => d <= threshold)
      .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
      .slice(0, limit)
      .map(({ candidate }) => candidate)
  );
}

/** " (did you mean X?)", or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], limit = 1): string {
  const found = closest(word, candidates, limit);
  if (found.length === 0) return '';
  return ` (did you mean ${found.map((c) => `'${c}'`).join(', ')}?)`;
}
