import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeTypes, resultsMarkdown, undocumented } from '../scripts/results-doc.js';
import { emptyResult } from '../src/results.js';
import { renderGfm } from './harness/gfm.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const types = describeTypes(path.join(root, 'src/results.ts'), 'PackageResult');

describe('docs/results.md, from the PackageResult type', () => {
  it('documents every field of the results and of the types they refer to', () => {
    expect(undocumented(types)).toEqual([]);
    expect(types.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'PackageResult',
        'StatusItem',
        'PackageLinks',
        'ProblemCounts',
        'ResultProblem',
        'ListingResult',
        'ListingStatus',
        'ListingError',
        'FailureReason',
        'LifeCycle',
        'PackagePlan',
        'PlannedPackage',
        'MemberChange',
        'PlanCost',
      ]),
    );
  });

  it('documents the plan, which the plan output carries too', () => {
    const markdown = resultsMarkdown(types, 'src/results.ts');
    const rendered = renderGfm(markdown);
    expect(rendered.rows).toContainEqual([
      'plan (optional)',
      'PackagePlan (see PackagePlan)',
      expect.stringMatching(/live version/),
    ]);
    expect(rendered.rows).toContainEqual([
      'cost',
      'PlanCost (see PlanCost)',
      expect.stringMatching(/^What the change costs/),
    ]);
    expect(rendered.rows).toContainEqual([
      'changes',
      'MemberChange[] (see MemberChange)',
      expect.any(String),
    ]);
    expect(markdown).toContain('One of `new-version`, `in-place`, `none`.');
    expect(markdown).toContain('The `plan` output is a JSON array');
    expect(rendered.links).toContain('#packageplan');
  });

  it('lists every field a result has, with its type, as a table GitHub renders', () => {
    const markdown = resultsMarkdown(types, 'src/results.ts');
    const rendered = renderGfm(markdown);
    for (const key of Object.keys(emptyResult('a.yml', 'Failed'))) {
      expect(rendered.rows).toContainEqual([key, expect.any(String), expect.stringMatching(/\w/)]);
    }
    expect(rendered.rows).toContainEqual([
      'verified (optional)',
      'boolean',
      'verify: the package was found, not created; set only by verify runs.',
    ]);
    expect(rendered.rows).toContainEqual([
      'failureReason',
      'FailureReason | null (see FailureReason)',
      expect.any(String),
    ]);
    // A problem's `file` is optional: only a listing file's problems name their file.
    expect(rendered.rows).toContainEqual([
      'file (optional)',
      'string',
      expect.stringMatching(/^The listing file's path/),
    ]);
    expect(rendered.rows).toContainEqual([
      'listing (optional)',
      'ListingResult (see ListingResult)',
      expect.stringMatching(/AWS Marketplace/),
    ]);
    for (const row of rendered.rows) expect(row).toHaveLength(3);
    expect(markdown).toContain('One of `Completed`, `Failed`, `InProgress`, `DryRun`.');
  });

  it('finds a field without a comment, optional fields and nested object types', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'results-doc-'));
    const file = path.join(dir, 'types.ts');
    writeFileSync(
      file,
      `/** Root. */
export interface Root {
  /** Documented. */
  items: Item[];
  bare: string;
}
/** An item. */
export interface Item {
  /** Its kind. */
  kind: 'a' | 'b';
  /** Why it failed, for a failed item. */
  diagnosis?: {
    /** The job. */
    job: string | null;
    excerpt: string[];
  };
}
`,
    );
    const found = describeTypes(file, 'Root');
    expect(found.map((t) => t.name)).toEqual(['Root', 'Item', 'Item.diagnosis']);
    expect(found[1]!.fields).toContainEqual({
      name: 'diagnosis',
      optional: true,
      type: '{ job: string | null; excerpt: string[]; }',
      doc: 'Why it failed, for a failed item.',
    });
    expect(undocumented(found)).toEqual(['Root.bare', 'Item.diagnosis.excerpt']);
  });

  it("documents a field without a comment by its type's comment", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'results-doc-'));
    const file = path.join(dir, 'types.ts');
    writeFileSync(
      file,
      `/** Root. */
export interface Root {
  kind: Kind;
  stage: Stage | null;
  stages: Stage[];
  either: Stage | Kind;
  /** Its own. */
  own: Stage;
  bare: string;
}
/** The kind of a root. */
export type Kind = 'a' | 'b';
/** A stage. */
export interface Stage {
  /** Its name. */
  name: string;
}
`,
    );
    const found = describeTypes(file, 'Root');
    const docs = Object.fromEntries(found[0]!.fields!.map((f) => [f.name, f.doc]));
    expect(docs).toEqual({
      kind: 'The kind of a root.',
      stage: 'A stage.',
      stages: 'A stage.',
      either: '',
      own: 'Its own.',
      bare: '',
    });
    expect(undocumented(found)).toEqual(['Root.either', 'Root.bare']);
  });
});
