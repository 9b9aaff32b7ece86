import { describe, expect, it } from '@jest/globals';
import { readable, RunnerView } from '../scripts/terminal-view.js';

describe('the demo’s view of the log', () => {
  it('hides masks and debug lines, and masks the values in later lines, across chunks', () => {
    const view = new RunnerView();
    const shown =
      view.push('::add-mask::s3cr3t\n::debug::internal\nkey is s3') +
      view.push('cr3t and s3cr3t\n') +
      view.end();
    expect(shown).toBe('key is *** and ***\n');
  });

  it('shows groups, their lines indented, and annotations as the log shows them', () => {
    const view = new RunnerView();
    const shown =
      view.push(
        '::group::Checking\nm.yml: valid\n::endgroup::\n::error file=m.yml,line=3,col=1::m.yml:3:1: bad%0Asecond line\n',
      ) + view.end();
    expect(shown).toBe('▸ Checking\n  m.yml: valid\nError: m.yml:3:1: bad\nsecond line\n');
  });

  it('keeps a line without a trailing newline until the output ends', () => {
    const view = new RunnerView();
    expect(view.push('partial')).toBe('');
    expect(view.end()).toBe('partial\n');
  });
});

describe('markdown as it reads', () => {
  it('drops the hidden marker, tags and link targets, and decodes escapes and entities', () => {
    const markdown = [
      '<!-- marker -->',
      '### ❌ <code>a\\_b</code> &lt;x&gt; @\u200bteam',
      '<details><summary>Log</summary>',
      '',
      'line',
      '</details>',
      '[Model package](https://example.com/p)',
    ].join('\n');
    expect(readable(markdown)).toBe(
      ['### ❌ a_b <x> @team', '▸ Log', '', 'line', '', 'Model package'].join('\n'),
    );
  });
});
