/**
 * Renders markdown as GitHub does (CommonMark with the GFM extensions: tables, autolink
 * literals, strikethrough; raw HTML kept, as GitHub keeps <code>, <details> and <sub>), and
 * says what a reader would see: links, images, HTML elements, mentions and issue references.
 */
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { parse, type HTMLElement } from 'node-html-parser';

export interface Rendered {
  html: string;
  /** href of every link, and src of every image. */
  links: string[];
  images: string[];
  /** Every element name in the HTML, once each. */
  elements: string[];
  /** Text that GitHub would turn into a mention (@name, @org/team) or an issue reference (#1, GH-1). */
  mentions: string[];
  references: string[];
  /** Table rows as their cells' text. */
  rows: string[][];
}

export function renderGfm(markdown: string): Rendered {
  const html = micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfm()],
    htmlExtensions: [gfmHtml()],
  });
  const root = parse(html);
  const all = root.querySelectorAll('*');
  // GitHub links neither mentions nor references inside code, pre or links.
  const texts = textOutside(root, new Set(['code', 'pre', 'a']));
  return {
    html,
    links: root.querySelectorAll('a').map((a) => a.getAttribute('href') ?? ''),
    images: root.querySelectorAll('img').map((i) => i.getAttribute('src') ?? ''),
    elements: [...new Set(all.map((e) => e.rawTagName.toLowerCase()))].sort(),
    mentions: texts.flatMap((t) => t.match(/(?<![\w`])@[A-Za-z0-9][\w-]*(?:\/[\w-]+)?/g) ?? []),
    references: texts.flatMap((t) => t.match(/(?<![\w&])(?:#\d+|GH-\d+)\b/gi) ?? []),
    rows: root
      .querySelectorAll('tr')
      .map((tr) => tr.querySelectorAll('td, th').map((cell) => cell.text.trim())),
  };
}

/** The decoded text of every text node that has none of `skip` among its ancestors. */
function textOutside(node: HTMLElement, skip: Set<string>): string[] {
  const out: string[] = [];
  for (const child of node.childNodes) {
    if (child.nodeType === 3) out.push(child.text);
    else if (child.nodeType === 1) {
      const element = child as HTMLElement;
      if (!skip.has(element.rawTagName?.toLowerCase())) out.push(...textOutside(element, skip));
    }
  }
  return out;
}
