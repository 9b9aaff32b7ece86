import { distance } from 'fastest-levenshtein';

/**
 * The candidates closest to `word` (case-insensitive edit distance), best first.
 * Only candidates within `threshold` edits are returned; by default, those close
 * enough to be a plausible typo.
 */
export function closest(
  word: string,
  candidates: readonly string[],
  limit = 1,
  threshold = Math.max(2, Math.floor(word.length / 3)),
): string[] {
  const lower = word.toLowerCase();
  return candidates
    .map((candidate) => ({ candidate, d: distance(lower, candidate.toLowerCase()) }))
    .filter(({ d }) => d <= threshold)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** " (did you mean X?)", or "" when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[], limit = 1): string {
  const found = closest(word, candidates, limit);
  if (found.length === 0) return '';
  return ` (did you mean ${found.map((c) => `'${c}'`).join(', ')}?)`;
}
