import { describe, expect, it } from '@jest/globals';
import { CHECK_RUN_OUTPUT_CHARACTERS, COMMENT_CHARACTERS, SUMMARY_BYTES } from '../src/limits.js';
import { listingCheckRunOf } from '../src/report/check-runs.js';
import { text } from '../src/report/markdown.js';
import {
  renderCheckRunOutput,
  renderCombinedComment,
  renderComment,
  renderListingCheckRunOutput,
  renderSummary,
} from '../src/report/render.js';
import { LISTING_TEXT_CHARACTERS, renderListing } from '../src/report/render-listing.js';
import type { ListingResult, PackageResult } from '../src/results.js';
import { renderGfm } from './harness/gfm.js';
import { inert as inertMarkdown } from './harness/inert.js';
import {
  CHANGE_SET,
  FAILED,
  listed,
  listingFailed,
  NOT_STARTED,
  PREPARING,
  PRODUCT,
  SUCCEEDED,
} from './harness/listing-fixtures.js';
import { COMMIT, RUN_URL } from './harness/report-fixtures.js';

const PORTAL = `https://aws.amazon.com/marketplace/management/requests/${CHANGE_SET}`;
const comment = (result: PackageResult) =>
  renderComment(result, { commit: COMMIT, runUrl: RUN_URL });

/** The listing section of a report: from its heading to the next paragraph that is not its own. */
function section(markdown: string): string {
  const start = markdown.indexOf('**AWS Marketplace listing**');
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n\n[Model package]', start);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('the AWS Marketplace listing in a report', () => {
  it('is in the comment, the job summary, the check run and the combined comment', () => {
    const result = listed(SUCCEEDED);
    for (const markdown of [
      comment(result),
      renderSummary({ results: [result], commit: COMMIT, runUrl: RUN_URL }),
      renderCheckRunOutput(result, { runUrl: RUN_URL }).text,
      renderCombinedComment([result], { runUrl: RUN_URL }),
    ]) {
      expect(markdown).toContain('**AWS Marketplace listing**');
      expect(markdown).toContain(
        `- **Product:** <code>${PRODUCT}</code> (Churn predictor)\n- **Version title:** <code>v1.4.0</code>\n- **Intent:** add version\n- **Status:** ✅ <code>SUCCEEDED</code>: the version was added to the product`,
      );
      // After the image scans, before the links.
      expect(markdown.indexOf('| Image scan |')).toBeLessThan(markdown.indexOf('AWS Marketplace'));
    }
    expect(comment(REPORT_WITHOUT_LISTING)).not.toContain('AWS Marketplace listing');
  });

  it('links the change set to its page, and says when it started and ended', () => {
    const rendered = renderGfm(comment(listed(SUCCEEDED)));
    expect(rendered.links).toContain(PORTAL);
    expect(comment(listed(SUCCEEDED))).toContain(
      `- **Change set:** [<code>${CHANGE_SET}</code>](${PORTAL})\n- **Started:** 2026-11-24 10:02 UTC · **Ended:** 2026-11-24 10:14 UTC (after 12 min)`,
    );
    const running = comment(listed(PREPARING));
    expect(running).toContain('- **Started:** 2026-11-24 10:02 UTC\n');
    expect(running).toContain('⏳ <code>PREPARING</code>: AWS Marketplace is preparing the change');
    expect(comment(listed({ ...PREPARING, status: 'APPLYING' }))).toContain(
      '⏳ <code>APPLYING</code>: AWS Marketplace is applying the change',
    );
  });

  it('words each status and intent, with an icon', () => {
    const status = (listing: ListingResult, failed = false) => {
      const line = /- \*\*Status:\*\* (.*)/.exec(renderListing(listing, { failed }))?.[1];
      const intent = /- \*\*Intent:\*\* (.*)/.exec(renderListing(listing))?.[1];
      return `${intent} | ${line}`;
    };
    expect(status(NOT_STARTED)).toBe(
      'add version | ⏸️ <code>NOT\\_STARTED</code>: nothing was submitted',
    );
    expect(status({ ...SUCCEEDED, intent: 'VALIDATE' })).toBe(
      'validate only | ✅ <code>SUCCEEDED</code>: the change is valid; the product is unchanged',
    );
    expect(status(FAILED)).toBe(
      'add version | ❌ <code>FAILED</code>: AWS Marketplace refused the change',
    );
    expect(status({ ...FAILED, status: 'CANCELLED' })).toBe(
      'add version | ⏹ <code>CANCELLED</code>: the change set was cancelled in AWS Marketplace',
    );
    expect(status({ ...NOT_STARTED, status: 'LISTED' })).toBe(
      'add version | ✅ <code>LISTED</code>: the product already lists this package',
    );
    // Failed before anything was submitted (the version title is taken).
    expect(status(NOT_STARTED, true)).toBe(
      'add version | ❌ <code>NOT\\_STARTED</code>: nothing was submitted',
    );
    // A status or intent this version does not know is shown, not trusted.
    expect(status({ ...NOT_STARTED, status: 'PAUSED' as never, intent: 'DRY' as never })).toBe(
      '<code>DRY</code> | ❔ <code>PAUSED</code>: status PAUSED',
    );
  });

  it("quotes the failure and each error with what to do, and the listing's note", () => {
    const markdown = comment(listingFailed());
    expect(markdown).toContain(
      'validation completed, but the AWS Marketplace listing failed: AWS Marketplace refused change set',
    );
    const listing = section(markdown);
    expect(listing).toContain(
      '- **Failure:** <code>CLIENT\\_ERROR</code>: The change set failed validation.',
    );
    expect(listing).toContain(
      '**What AWS Marketplace reported**\n\n- <code>DUPLICATE\\_VERSION\\_TITLE</code>: Version title v1.4.0 already exists. — Another version of the product has this title. Change Version.VersionTitle in the listing file, for example to &#39;${{ github.ref\\_name }}&#39; in a release workflow.\n- <code>SOMETHING\\_NEW</code>: An error without a remedy.',
    );
    const note = 'AWS Marketplace refused a VALIDATE change set for this product.';
    expect(comment(listed({ ...NOT_STARTED, intent: 'VALIDATE', note }))).toContain(
      `- **Note:** ${note}`,
    );
    expect(section(comment(listed(NOT_STARTED)))).not.toContain('Note');
  });

  it('lists at most 20 errors, fewer as the report is shortened, and counts the others', () => {
    const errors = Array.from({ length: 25 }, (_, i) => ({
      code: `E${i}`,
      message: 'm',
      remedy: null,
    }));
    const listing = { ...FAILED, errors };
    const whole = renderListing(listing);
    expect(whole.match(/^- <code>E\d+/gm)).toHaveLength(20);
    expect(whole).toContain('- … and 5 more errors, not listed');
    const short = renderListing(listing, { limit: 200 });
    expect(short.match(/^- <code>E\d+/gm)).toHaveLength(3);
    expect(short).toContain('- … and 22 more errors, not listed');
  });

  it('renders errors that are not objects as nothing, not as a failure of the report', () => {
    const errors = [null, 'text', 7, { code: 'E1', message: 'm', remedy: null }] as never;
    const markdown = renderListing({ ...FAILED, errors });
    expect(markdown.match(/^- <code>/gm)).toHaveLength(1);
    expect(markdown).toContain('- <code>E1</code>: m');
  });

  it('snapshot: a failed listing in a comment', () => {
    expect(section(comment(listingFailed()))).toMatchSnapshot();
  });
});

const REPORT_WITHOUT_LISTING: PackageResult = { ...listed(SUCCEEDED), listing: undefined };

describe("a listing's check run output", () => {
  it('titles the listing, says it in one line, and carries the listing section', () => {
    const output = renderListingCheckRunOutput(listed(SUCCEEDED), { runUrl: RUN_URL });
    expect(output.title).toBe('Version added');
    expect(output.summary).toBe(
      `✅ <code>models/churn/model-package.yml</code>: version <code>v1.4.0</code> of <code>${PRODUCT}</code>: the version was added to the product`,
    );
    expect(output.text).toContain('### ✅ churn-predictor');
    expect(output.text).toContain('**AWS Marketplace listing**');
    expect(renderGfm(output.text).links).toEqual([PORTAL, RUN_URL]);
    const titles = (listing: ListingResult, result: Partial<PackageResult> = {}) =>
      renderListingCheckRunOutput(listed(listing, result)).title;
    expect(titles({ ...SUCCEEDED, intent: 'VALIDATE' })).toBe('Listing validated');
    expect(titles(PREPARING)).toBe('Listing in progress');
    expect(titles({ ...NOT_STARTED, status: 'LISTED' })).toBe('Already listed');
    expect(titles(FAILED)).toBe('Listing failed');
    expect(titles({ ...FAILED, status: 'CANCELLED' })).toBe('Change set cancelled');
    expect(titles(NOT_STARTED, { failureReason: 'listing-failed' })).toBe('Not listed');
  });

  it('says why it failed in its summary', () => {
    const { summary } = renderListingCheckRunOutput(listingFailed());
    expect(summary).toMatch(
      /^❌ .*AWS Marketplace refused the change: AWS Marketplace refused change set cs-/,
    );
  });
});

// ------------------------------------------------------------------ hostile listing text

/** Text that the runner, GitHub's markdown or a browser would act on. */
const PIECES = [
  '::error::forged',
  '\r\n::set-output name=x::y',
  '\n::stop-commands::pwn',
  '\u0085::warning::after a next-line character',
  '\u2028::error::after a line separator',
  '##[error]the legacy way',
  '<img src=x onerror=alert(1)>',
  '[link](https://evil.example)',
  '![img](https://evil.example/i.png)',
  '<a href="https://evil.example/a">a</a>',
  '`code` ``span``',
  'a | b | c',
  '</details></summary></td></table>',
  '@octo-org/team @octocat',
  '#1 GH-2 octo-org/models#3',
  'https://evil.example/bare www.evil.example mail@evil.example',
  '<script>alert(1)</script>',
  '*em* _u_ ~~s~~ \\[escaped\\]',
];
const HOSTILE = PIECES.join(' ');
/** About 1 MB of hostile text. */
const MEGABYTE = `${HOSTILE} `.repeat(Math.ceil(1_000_000 / (HOSTILE.length + 1)));

const HOSTILE_LISTING: ListingResult = {
  file: `models/${HOSTILE}/marketplace-listing.yml`,
  product: `prod-${HOSTILE}`,
  productTitle: MEGABYTE,
  versionTitle: HOSTILE,
  intent: 'APPLY',
  status: 'FAILED',
  changeSetId: `cs-${HOSTILE}`,
  changeSetName: MEGABYTE,
  startedAt: `2026-11-24T10:02:00Z${HOSTILE}`,
  endedAt: HOSTILE,
  failureCode: MEGABYTE,
  failureDescription: MEGABYTE,
  errors: Array.from({ length: 20 }, (_, i) => ({
    code: `${HOSTILE}${i}`,
    message: MEGABYTE,
    remedy: MEGABYTE,
  })),
  link: 'javascript:alert(1)',
  note: MEGABYTE,
};

const hostile = listingFailed(HOSTILE_LISTING);
hostile.error = MEGABYTE;

/**
 * A report rendered as GitHub renders it shows the hostile text as text only, and has no
 * line a runner, or a step that prints the report, would read as a workflow command.
 */
function inert(markdown: string): void {
  inertMarkdown(markdown);
  const lines = markdown.split(/\r\n|\r|\n|\u0085|\u2028|\u2029/);
  expect(lines.filter((line) => /^[\s\u0085]*::/.test(line) || line.includes('##['))).toEqual([]);
}

describe('a hostile listing, rendered as GitHub renders it', () => {
  it.each([
    ['comment', () => comment(hostile), COMMENT_CHARACTERS],
    [
      'summary',
      () => renderSummary({ results: [hostile, hostile], commit: COMMIT, runUrl: RUN_URL }),
      SUMMARY_BYTES,
    ],
    [
      'check run text',
      () => renderCheckRunOutput(hostile, { runUrl: RUN_URL }).text,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
    [
      'combined comment',
      () => renderCombinedComment([hostile, hostile], { runUrl: RUN_URL }),
      COMMENT_CHARACTERS,
    ],
    [
      "listing check run's text",
      () => renderListingCheckRunOutput(hostile, { runUrl: RUN_URL }).text,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
    [
      "listing check run's summary",
      () => renderListingCheckRunOutput(hostile, { runUrl: RUN_URL }).summary,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
    [
      "open listing check run's summary, with its state",
      () =>
        listingCheckRunOf(listed({ ...HOSTILE_LISTING, status: 'APPLYING' }), true, {
          headSha: COMMIT,
          runUrl: RUN_URL,
          waits: true,
        })!.output.summary,
      CHECK_RUN_OUTPUT_CHARACTERS,
    ],
  ])('%s: text only, within its limit, every text cut to a bound', (name, render, max) => {
    const markdown = render();
    expect(name === 'summary' ? Buffer.byteLength(markdown) : markdown.length).toBeLessThanOrEqual(
      max,
    );
    inert(markdown);
    // No 2,000 characters of any long text in one piece.
    expect(markdown.replaceAll('\u200b', '')).not.toContain(text(MEGABYTE.slice(0, 2000)));
    // A forged link is not followed: the change set ID is shown, not linked.
    expect(markdown).not.toContain('javascript:');
  });

  it('keeps each text of the section within its bound, and says it was cut', () => {
    const listing = renderListing(HOSTILE_LISTING);
    expect(listing).toContain(`(cut; ${MEGABYTE.length} characters)*`);
    // A message and its remedy, each cut to 1,000 characters, then escaped (at most 6 each).
    for (const line of listing.split('\n')) {
      expect(line.length).toBeLessThan(2 * 6 * LISTING_TEXT_CHARACTERS + 1000);
    }
    // What is not a time is shown as text.
    expect(listing).toContain('- **Started:** 2026-11-24 10:02 UTC · **Ended:** ::error::forged');
  });

  it("links only the portal's page of a change set ID of the Catalog API's pattern", () => {
    const links = (listing: Partial<ListingResult>) =>
      renderGfm(renderListing({ ...SUCCEEDED, ...listing })).links;
    expect(links({})).toEqual([PORTAL]);
    expect(links({ link: 'https://evil.example/x' })).toEqual([]);
    expect(links({ link: null })).toEqual([]);
    const id = 'cs-1) [y](https://evil.example';
    expect(
      links({
        changeSetId: id,
        link: `https://aws.amazon.com/marketplace/management/requests/${id}`,
      }),
    ).toEqual([]);
  });
});
