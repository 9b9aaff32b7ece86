import { describe, expect, it } from '@jest/globals';
import { inert } from '../src/runner/actions-core.js';

/**
 * Lines the runner would read as a workflow command: `::` after blanks (the runner trims
 * U+0085 too), `##[` anywhere.
 */
const commands = (text: string) =>
  text.split(/\r\n|\r|\n/).filter((line) => /^[\s\u0085]*::/.test(line) || line.includes('##['));

describe('inert', () => {
  it.each([
    '::error title=Forged,file=README.md,line=1::injected',
    '  \t::stop-commands::pwn',
    'a.yml: valid\n::warning::second line',
    'one\r::add-mask::x\r\n  ::error::y',
    'legacy ##[error]command',
    'key\n\u0085::error::after a next-line character',
  ])('leaves no line the runner reads as a command: %j', (text) => {
    expect(commands(text).length).toBeGreaterThan(0);
    expect(commands(inert(text))).toEqual([]);
    expect(inert(text).replaceAll('\u200b', '')).toBe(text);
  });

  it('leaves other text alone', () => {
    for (const text of ['a.yml: valid (0 errors)', 'arn:aws:sagemaker::x', 'C:: drive', '# ##']) {
      expect(inert(text)).toBe(text);
    }
  });
});
