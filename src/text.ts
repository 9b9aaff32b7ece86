/** Words for messages, the same everywhere. */

/** '1 package', '2 packages'; `many` for words whose plural is not the word and an s. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
