/**
 * What hostile text must not do in a run's reports and log (SPEC §8), checked the same way
 * by every test of hostile input on the built action.
 */
import { expect } from '@jest/globals';
import { parse } from 'node-html-parser';
import type { ActionRun } from './dist-action.js';
import { renderGfm } from './gfm.js';

/** What a reader sees: zero-width spaces, which the reports put into what GitHub would link, left out. */
export const visible = (text: string) => text.replaceAll('\u200b', '');

/**
 * The links the action makes itself: the run, the console, the repository's files, a
 * change set in the AWS Marketplace Management Portal.
 */
const OWN_LINK =
  /^https:\/\/(github\.com\/octo-org\/models\/|console\.aws\.amazon\.com\/|aws\.amazon\.com\/marketplace\/management\/requests\/[\w-]+$)/;

/** Elements the reports are made of; none of the hostile text's. */
const OWN_ELEMENTS = new Set([
  'a',
  'code',
  'details',
  'em',
  'h2',
  'h3',
  'li',
  'p',
  'pre',
  'strong',
  'sub',
  'summary',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
]);

/**
 * A report rendered as GitHub renders it shows the hostile text as text: no link but the
 * action's own, no image, no element of its own, no mention or issue reference (inside code
 * too: the escaping does not count on GitHub skipping code), every `<details>` closed by
 * its own `</details>`. Returns the rendering, for the caller's own checks.
 */
export function inert(markdown: string) {
  const rendered = renderGfm(markdown);
  expect(rendered.links.filter((l) => !OWN_LINK.test(l))).toEqual([]);
  expect(rendered.links.join(' ')).not.toContain('evil');
  expect(rendered.images).toEqual([]);
  expect(rendered.elements.filter((e) => !OWN_ELEMENTS.has(e))).toEqual([]);
  expect(rendered.mentions).toEqual([]);
  expect(rendered.references).toEqual([]);
  const root = parse(rendered.html);
  const text = root.text;
  // In code spans too; not in fenced blocks (<pre>), where GitHub links nothing.
  for (const pre of root.querySelectorAll('pre')) pre.remove();
  const outsidePre = root.text;
  expect(outsidePre.match(/(?<![\w`])@[A-Za-z0-9][\w-]*/g) ?? []).toEqual([]);
  expect(outsidePre.match(/(?:^|[^\w&])(?:#\d+|GH-\d+)\b/gi) ?? []).toEqual([]);
  // Bare URLs and addresses, which GitHub links by themselves.
  expect(outsidePre.match(/(?:https?:\/\/|www\.|@)evil/g) ?? []).toEqual([]);
  const opened = rendered.html.match(/<details>/g)?.length ?? 0;
  expect(rendered.html.match(/<\/details>/g)?.length ?? 0).toBe(opened);
  return { ...rendered, text: visible(text) };
}

/**
 * Lines of standard output the runner reads as a workflow command: one that starts with
 * `::` once .NET's TrimStart has taken its blanks (char.IsWhiteSpace: U+0085 and U+00A0
 * too), or one with `##[` anywhere.
 */
export function commandLines(run: ActionRun): string[] {
  return run.stdout
    .split(/\r\n|\r|\n/)
    .filter((line) => /^[\s\u0085]*::/.test(line) || line.includes('##['));
}
