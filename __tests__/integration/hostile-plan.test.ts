/**
 * A pull request's plan when both sides are hostile (SPEC §6, §8), the built action against
 * the SageMaker emulator and the GitHub API emulator: a live version registered by hand in
 * SageMaker Studio (anything the API takes) and a manifest (anything the checker takes)
 * whose metadata keys and values, description and model card carry workflow commands,
 * markdown, HTML, mentions, issue references, table pipes and strings of 90,000
 * characters. The log, the comment, the job summary, the check run and the `plan` and
 * `results` outputs show them as text, shortened, and within GitHub's limits.
 */
import { describe, expect, it } from '@jest/globals';
import { type CreateModelPackageInput } from '@aws-sdk/client-sagemaker';
import { createHash } from 'node:crypto';
import { parse } from 'node-html-parser';
import {
  CHECK_RUN_OUTPUT_CHARACTERS,
  COMMENT_CHARACTERS,
  OUTPUT_BYTES,
  SUMMARY_BYTES,
} from '../../src/limits.js';
import type { ActionRun } from '../harness/dist-action.js';
import { commandLines, inert, visible } from '../harness/inert.js';
import { studio, STUDIO_KEY } from '../harness/studio.js';
import { integration } from '../harness/integration.js';
import { pullRequestEvent } from '../harness/run-context.js';

const PR = 31;
const GROUP = 'hostile-plan';
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/hostile:1.0.0';

const t = integration({
  inputs: {
    region: 'us-east-1',
    'github-token': 'ghs_writer',
    'check-run': 'true',
    wait: 'false',
  },
  event: pullRequestEvent(PR),
  sagemaker: { pendingMs: 50, inProgressMs: 50 },
  github: {},
});

/** Text that the runner, GitHub's markdown or a browser would act on, each a piece of its own. */
const PIECES = [
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
  '::error::forged',
];
const HOSTILE = PIECES.join(' ');

/** `length` characters of hostile text, starting with `seed` (so two of them differ from the start). */
function long(seed: string, length = 90_000): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += `${seed}-${i} ${HOSTILE} `;
  return text.slice(0, length);
}

const sha = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 12);
/** A value as the plan shortens it: its first 100 characters, its length and a digest. */
const shortened = (value: string) =>
  `${value.slice(0, 100)}… (${value.length} characters, sha256:${sha(value)})`;

// ------------------------------------------------------------------ the live version

/** What a person set on version 1 in Studio: anything the API takes. */
const LIVE = {
  properties: {
    '::stop-commands::x': '<img src=x onerror=alert(1)>',
    '@octo-org/team': '[link](https://evil.example)',
    '#1': '![img](https://evil.example/i.png)',
    'a|b`c`': '`code` | </details> @octocat #2',
    '<img src=x onerror=alert(2)>': 'a | b | c',
  } as Record<string, string>,
  description: HOSTILE.slice(0, 1024),
  problemType: long('live'),
  purpose: '</details> <img src=x onerror=alert(3)> [purpose](https://evil.example/p)',
};

/** Keys a person adds to the action's version in Studio: line breaks and workflow commands in them. */
const STUDIO_KEYS: Record<string, string> = {
  '#1': '</details>',
  'x\n::error::forged by studio': 'v',
  'y\r::stop-commands::pwn': 'v',
  'z\n  \t::warning::forged after blanks': 'v',
  'w\n\u0085::error::forged after a next-line character': 'v',
  '##[error]forged the legacy way': 'v',
};

/** Version 1 of `group`, Approved, registered by hand with hostile metadata, description and card. */
async function registry(
  group = GROUP,
  live: Partial<CreateModelPackageInput> = {
    ModelPackageDescription: LIVE.description,
    CustomerMetadataProperties: LIVE.properties,
    ModelCard: {
      ModelCardStatus: 'Draft',
      ModelCardContent: JSON.stringify({
        model_overview: { problem_type: LIVE.problemType },
        intended_uses: { purpose_of_model: LIVE.purpose },
      }),
    },
  },
): Promise<void> {
  const person = studio(t.sagemaker.url);
  try {
    await person.group(group);
    await person.create({
      ModelPackageGroupName: group,
      InferenceSpecification: {
        Containers: [{ Image: IMAGE }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
      ...live,
      ModelApprovalStatus: 'Approved',
      ModelLifeCycle: { Stage: 'Production', StageStatus: 'Approved' },
    });
  } finally {
    person.destroy();
  }
}

// ------------------------------------------------------------------ the manifest

/** What the manifest sets: keys and values as the checker takes them, any text in the card. */
const MANIFEST = {
  properties: {
    '::stop-commands::x': '::error::forged',
    '@octo-org/team': '@octocat https://evil.example/x www.evil.example',
    'https://evil.example/k': 'mail@evil.example',
  } as Record<string, string>,
  description: `${HOSTILE} `.repeat(4).slice(0, 1024),
  problemType: long('manifest'),
  purpose: '<img src=x onerror=alert(4)> | ![purpose](https://evil.example/q.png) `x` #4 @octocat',
};

function manifest(
  properties: Record<string, string> = MANIFEST.properties,
  problemType = MANIFEST.problemType,
): string {
  const q = (value: string) => JSON.stringify(value);
  const entries = Object.entries(properties).map(([k, v]) => `  ${q(k)}: ${q(v)}\n`);
  return `ModelPackageGroupName: ${GROUP}
ModelPackageDescription: ${q(MANIFEST.description)}
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
CustomerMetadataProperties:
${entries.join('')}ModelCard:
  ModelCardStatus: Draft
  ModelCardContent:
    model_overview:
      problem_type: ${q(problemType)}
    intended_uses:
      purpose_of_model: ${q(MANIFEST.purpose)}
`;
}

// ------------------------------------------------------------------ what a run shows

interface Change {
  path: string;
  change: string;
  old?: string;
  new?: string;
}
interface Plan {
  manifest: string;
  cost: string;
  live: { version: number } | null;
  changes: Change[];
  changesOmitted: number;
  inPlace: Change[];
  notes: string[];
}

/** Only the action's own workflow commands start a line (groups, the token's mask), and no annotation at all. */
function ownCommandsOnly(run: ActionRun): void {
  for (const line of commandLines(run)) expect(line).toMatch(/^::(group|endgroup|add-mask)::/);
  expect(run.annotations).toEqual([]);
}

/** The `plan` and `results` outputs: JSON, each within an output's limit. */
function outputs(run: ActionRun): { plan: Plan[]; results: { plan?: Plan }[] } {
  for (const name of ['plan', 'results', 'report']) {
    expect(Buffer.byteLength(run.outputs[name] ?? '')).toBeLessThanOrEqual(OUTPUT_BYTES);
  }
  return {
    plan: JSON.parse(run.outputs.plan!) as Plan[],
    results: JSON.parse(run.outputs.results!) as { plan?: Plan }[],
  };
}

/**
 * Every report the run wrote since request `from` of the GitHub emulator (each comment
 * body and check run output as sent, not only the last) and its job summary: each within
 * its limit and inert. Returns the last comment and check run text and the summary, rendered.
 */
function reports(run: ActionRun, from: number, expected = { comments: true, checkRuns: true }) {
  const requests = t.github.requests
    .slice(from)
    .filter((r) => r.status < 300 && (r.method === 'POST' || r.method === 'PATCH'));
  const comments = requests
    .filter((r) => /\/issues\/(\d+\/comments|comments\/\d+)$/.test(r.path))
    .map((r) => (r.body as { body: string }).body);
  const checkRuns = requests
    .filter((r) => r.path.includes('/check-runs'))
    .map((r) => (r.body as { output?: { summary: string; text: string } }).output)
    .filter((o): o is { summary: string; text: string } => Boolean(o));
  expect(comments.length > 0).toBe(expected.comments);
  expect(checkRuns.length > 0).toBe(expected.checkRuns);
  for (const body of comments) {
    expect([...body].length).toBeLessThanOrEqual(COMMENT_CHARACTERS);
    inert(body);
  }
  for (const output of checkRuns) {
    expect(output.summary.length).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_CHARACTERS);
    expect(output.text.length).toBeLessThanOrEqual(CHECK_RUN_OUTPUT_CHARACTERS);
    inert(output.summary);
    inert(output.text);
  }
  expect(Buffer.byteLength(run.summary)).toBeLessThanOrEqual(SUMMARY_BYTES);
  return {
    comment: comments.length ? inert(comments.at(-1)!) : undefined,
    checkRun: checkRuns.length ? inert(checkRuns.at(-1)!.text) : undefined,
    checkRunSummary: checkRuns.length ? inert(checkRuns.at(-1)!.summary) : undefined,
    summary: inert(run.summary),
  };
}

const change = (plan: Plan, path: string) => plan.changes.find((c) => c.path === path);

describe('a plan between a hostile live version and a hostile manifest', () => {
  it('publish on a pull request: the log, comment, check run, summary and outputs show the text, inert and shortened', async () => {
    await t.start();
    await registry();
    const file = t.manifest('hostile', manifest());
    const from = t.github.requests.length;
    const run = await t.run({ inputs: { manifest: file } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    // The plan output: the values as they are, long ones shortened with a digest.
    const { plan, results } = outputs(run);
    expect(plan).toHaveLength(1);
    expect(results[0]!.plan).toEqual(expect.objectContaining({ changes: plan[0]!.changes }));
    const [p] = plan;
    expect(p).toMatchObject({ cost: 'new-version', live: { version: 1 } });
    expect(change(p!, 'CustomerMetadataProperties.::stop-commands::x')).toMatchObject({
      change: 'changed',
      old: '<img src=x onerror=alert(1)>',
      new: '::error::forged',
    });
    expect(change(p!, 'CustomerMetadataProperties.#1')).toMatchObject({
      change: 'removed',
      old: '![img](https://evil.example/i.png)',
    });
    expect(change(p!, 'ModelCard.ModelCardContent.model_overview.problem_type')).toEqual({
      path: 'ModelCard.ModelCardContent.model_overview.problem_type',
      change: 'changed',
      old: shortened(LIVE.problemType),
      new: shortened(MANIFEST.problemType),
      metadata: true,
    });

    // The comment, the check run and the summary: text, not markup, within their limits.
    const first = reports(run, from);
    for (const { text, rows } of [first.comment!, first.checkRun!, first.summary]) {
      // Each value in its own cell, as it reads: a pipe breaks no table.
      expect(rows.map((r) => r.map(visible))).toEqual(
        expect.arrayContaining([
          ['CustomerMetadataProperties.a|b`c`', '`code` | </details> @octocat #2', 'removed'],
          ['CustomerMetadataProperties.<img src=x onerror=alert(2)>', 'a | b | c', 'removed'],
          [
            'ModelCard.ModelCardContent.model_overview.problem_type',
            shortened(LIVE.problemType),
            shortened(MANIFEST.problemType),
          ],
        ]),
      );
      expect(text).toContain(shortened(MANIFEST.description));
    }
    expect(first.checkRunSummary!.text).toContain(
      'Plan: a new version, which SageMaker validates again; compared with version 1 of hostile-plan (Approved, stage Production/Approved)',
    );
    // No report and no output holds a long value whole, nor any 1,000 characters of it.
    for (const shown of [
      first.comment!.text,
      first.checkRun!.text,
      first.summary.text,
      run.outputs.plan!,
      run.outputs.results!,
    ]) {
      for (const value of [LIVE.problemType, MANIFEST.problemType]) {
        expect(shown).not.toContain(value.slice(0, 1000));
      }
    }
    ownCommandsOnly(run);

    // A person adds keys of their own to version 2 in Studio, and moves it to a stage with
    // a description of theirs; the manifest edits its metadata: version 2 is updated in
    // place, and the log names both.
    const person = studio(t.sagemaker.url);
    try {
      await person.update({
        ModelPackageArn: run.outputs['model-package-arn'],
        CustomerMetadataProperties: STUDIO_KEYS,
        ModelLifeCycle: { Stage: 'Staging', StageStatus: 'Approved', StageDescription: HOSTILE },
      });
    } finally {
      person.destroy();
    }
    const edited = long('edited');
    t.manifest(
      'hostile',
      manifest({ ...MANIFEST.properties, '::stop-commands::x': '::warning::edited' }, edited),
    );
    const editFrom = t.github.requests.length;
    const edit = await t.run({ inputs: { manifest: file } });
    expect(edit.stderr).toBe('');
    expect(edit.code).toBe(0);
    const [editPlan] = outputs(edit).plan;
    expect(editPlan).toMatchObject({ cost: 'in-place', live: { version: 1 } });
    expect(editPlan!.inPlace).toEqual([
      expect.objectContaining({
        path: 'CustomerMetadataProperties.::stop-commands::x',
        old: '::error::forged',
        new: '::warning::edited',
      }),
      expect.objectContaining({
        path: 'ModelCard.ModelCardContent.model_overview.problem_type',
        old: shortened(MANIFEST.problemType),
        new: shortened(edited),
      }),
    ]);
    expect(editPlan!.notes).toEqual([
      `Left on the package, though not in the manifest: ${Object.keys(STUDIO_KEYS)
        .map((k) => `CustomerMetadataProperties.${k}`)
        .join(', ')} (a run never removes metadata).`,
    ]);
    // The log names the members, and Studio's keys, on lines no runner reads as a command.
    expect(edit.stdout).toContain(
      "hostile-plan: version 2 has this manifest's definition; updated in place (CustomerMetadataProperties.::stop-commands::x, ModelCard.ModelCardContent.model_overview.problem_type): no new version, no validation.",
    );
    for (const forged of ['forged by studio', 'stop-commands::pwn', 'forged after blanks']) {
      expect(edit.stdout).toContain(forged);
    }
    ownCommandsOnly(edit);
    const second = reports(edit, editFrom);
    for (const { text } of [second.comment!, second.checkRun!, second.summary]) {
      expect(text).toContain('updated in place');
      // Studio's keys in the plan's note, each on the note's one line.
      expect(text).toContain(
        'CustomerMetadataProperties.x ::error::forged by studio, CustomerMetadataProperties.y ::stop-commands::pwn',
      );
      // The stage's description, cut to 300 characters with a note.
      expect(text).toContain(
        `Stage: Staging/Approved: ${HOSTILE.slice(0, 300)}… (cut; ${HOSTILE.length} characters)`,
      );
    }
  });

  it('dry run on a pull request: the plan and the request it would send, inert, with read-only calls', async () => {
    await t.start();
    await registry();
    const file = t.manifest('dry', manifest());
    const from = t.github.requests.length;
    const calls = t.sagemaker.requests.length;
    const run = await t.run({ inputs: { manifest: file, 'dry-run': 'true' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const operations = t.sagemaker.requests
      .slice(calls)
      .filter((r) => r.accessKeyId !== STUDIO_KEY)
      .map((r) => r.operation);
    expect(operations.filter((o) => /^(Create|Update|Delete)/.test(o))).toEqual([]);

    const [p] = outputs(run).plan;
    expect(p).toMatchObject({ cost: 'new-version', live: { version: 1 } });
    expect(change(p!, 'ModelCard.ModelCardContent.model_overview.problem_type')).toMatchObject({
      old: shortened(LIVE.problemType),
      new: shortened(MANIFEST.problemType),
    });

    // A comment, no check run (dry runs make none); the summary holds the request whole.
    const { comment, summary } = reports(run, from, { comments: true, checkRuns: false });
    for (const { text, rows } of [comment!, summary]) {
      expect(text).toContain('Plan: a new version, which SageMaker validates again');
      expect(rows.map((r) => r.map(visible))).toContainEqual([
        'CustomerMetadataProperties.::stop-commands::x',
        '<img src=x onerror=alert(1)>',
        '::error::forged',
      ]);
    }
    const content = JSON.stringify({
      model_overview: { problem_type: MANIFEST.problemType },
      intended_uses: { purpose_of_model: MANIFEST.purpose },
    });
    expect(summary.text).toContain(`"ModelCardContent": ${JSON.stringify(content)}`);
    expect(summary.text).toContain(JSON.stringify(MANIFEST.description));
    ownCommandsOnly(run);
  });

  it('more hostile changes than a report lists: each report within its limit, with a note of the rest', async () => {
    await t.start();
    // 50 metadata entries only the live version has, one only the manifest has, and 60
    // card details changed: 111 changes, each value 150 characters, most of them pipes,
    // which escaping lengthens six times.
    const seed = (i: number) => `${i} <img src=x onerror=alert(${i})> @octocat #${i} `;
    const value = (start: string) => `${start}${'|'.repeat(150 - start.length)}`;
    const details = (side: string) =>
      Object.fromEntries(
        Array.from({ length: 60 }, (_, i) => [
          `detail ${i} | </details> @octo-org/team`,
          value(`${side} ${seed(i)}`),
        ]),
      );
    await registry('hostile-many', {
      CustomerMetadataProperties: Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`|${seed(i)}|`, value(seed(i))]),
      ),
      ModelCard: {
        ModelCardStatus: 'Draft',
        ModelCardContent: JSON.stringify({
          additional_information: { custom_details: details('live') },
        }),
      },
    });
    const q = (v: string) => JSON.stringify(v);
    const custom = Object.entries(details('pr'))
      .map(([k, v]) => `        ${q(k)}: ${q(v)}\n`)
      .join('');
    const file = t.manifest(
      'many',
      `ModelPackageGroupName: hostile-many
InferenceSpecification:
  Containers:
    - Image: ${IMAGE}
  SupportedContentTypes: [text/csv]
  SupportedResponseMIMETypes: [text/csv]
ModelCard:
  ModelCardStatus: Draft
  ModelCardContent:
    additional_information:
      custom_details:
${custom}CustomerMetadataProperties:
  "@octo-org/team": "::error::forged"
`,
    );
    const from = t.github.requests.length;
    const run = await t.run({ inputs: { manifest: file } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    // The plan output keeps 100 changes, values whole, and counts the rest.
    const [p] = outputs(run).plan;
    expect(p!.changes).toHaveLength(100);
    expect(p!.changesOmitted).toBe(11);
    expect(change(p!, `CustomerMetadataProperties.|${seed(0)}|`)).toMatchObject({
      change: 'removed',
      old: value(seed(0)),
    });

    // Each report lists what fits, each row as it reads, and says how many it leaves out.
    const { comment, checkRun, checkRunSummary, summary } = reports(run, from);
    expect(checkRunSummary!.text).toContain(
      'Plan: a new version, which SageMaker validates again; compared with version 1 of hostile-many',
    );
    for (const { text, rows } of [comment!, checkRun!, summary]) {
      const listed = rows.length - 1;
      expect(listed).toBeGreaterThanOrEqual(10);
      expect(text).toContain(`… and ${111 - listed} more changes after these, not listed.`);
      expect(rows.slice(1, 3).map((r) => r.map(visible))).toEqual(
        [0, 1].map((i) => [
          `ModelCard.ModelCardContent.additional_information.custom_details.detail ${i} | </details> @octo-org/team`,
          value(`live ${seed(i)}`),
          value(`pr ${seed(i)}`),
        ]),
      );
    }
    // The summary has room for the 50 rows a report lists at most; the comment and the check
    // run, whose 50 rows would not fit, list fewer, and the comment folds its table.
    expect(summary.rows).toHaveLength(51);
    expect(comment!.rows.length).toBeLessThan(51);
    expect(checkRun!.rows.length).toBeLessThan(51);
    expect(parse(comment!.html).querySelectorAll('details table')).toHaveLength(1);
    ownCommandsOnly(run);
  });
});
