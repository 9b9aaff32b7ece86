/**
 * The committed JSON Schema as editors read it: validated by a JSON Schema validator
 * that compiles patterns as ECMA-262 with the `u` flag, as the YAML language server does.
 */
import { describe, expect, it } from '@jest/globals';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isListingFile } from '../src/listing/names.js';
import { substitute, type ExpressionError } from '../src/manifest/expressions.js';
import { check, CONTEXT, errors, MARKETPLACE, replaceLine } from './harness/manifests.js';

type Node = Record<string, unknown>;

const schema = JSON.parse(readFileSync('schema/model-package.schema.json', 'utf8')) as Node;

/** A validator as strict as the schema allows, reading patterns with the u flag. */
function compile() {
  const ajv = new Ajv2020({
    strict: true,
    // The rule "exactly one of ModelPackageName and ModelPackageGroupName" names members in
    // `required` below the object that defines them, which this strict check refuses.
    strictRequired: false,
    allErrors: true,
    verbose: true,
    unicodeRegExp: true,
  });
  // Editors' own annotation: the message they show when a value does not match `pattern`.
  ajv.addVocabulary(['patternErrorMessage']);
  return ajv.compile(schema);
}

let compiled: ValidateFunction | undefined;
const validate = (manifest: unknown) => (compiled ??= compile())(manifest);

/** What an editor shows for an error: the schema's message for a pattern, if it has one. */
function editorMessage(error: ErrorObject): string {
  const own = (error.parentSchema as Node | undefined)?.patternErrorMessage;
  return error.keyword === 'pattern' && typeof own === 'string' ? own : (error.message ?? '');
}

function problems(manifest: unknown): { path: string; messages: string[] }[] {
  if (validate(manifest)) return [];
  const byPath = new Map<string, string[]>();
  for (const error of compiled?.errors ?? []) {
    const messages = byPath.get(error.instancePath) ?? [];
    messages.push(editorMessage(error));
    byPath.set(error.instancePath, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, messages }));
}

/** Every schema object in the tree, with the keywords that lead to it. */
function* nodes(node: unknown, path: string[] = []): Generator<[Node, string[]]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* nodes(item, [...path, String(i)]);
  } else if (typeof node === 'object' && node !== null) {
    yield [node as Node, path];
    for (const [key, value] of Object.entries(node)) {
      if (key !== 'enum' && key !== 'examples') yield* nodes(value, [...path, key]);
    }
  }
}

// The manifests among the examples; examples/workflows/ holds workflows, and listing files
// (marketplace-listing.yml) are not manifests.
const EXAMPLES = readdirSync('examples', { recursive: true, encoding: 'utf8' })
  .filter((file) => /\.ya?ml$/.test(file) && !file.startsWith('workflows/') && !isListingFile(file))
  .sort();

const base = () => parse(MARKETPLACE) as Node;

describe('the committed JSON Schema', () => {
  it('has patterns that are valid ECMA-262 regular expressions with the u flag', () => {
    const patterns = [...nodes(schema)]
      .map(([node]) => node.pattern)
      .filter((p): p is string => typeof p === 'string');
    expect(patterns.length).toBeGreaterThan(10);
    // The u flag is strict: an escape it does not know outside a class is a syntax error.
    // eslint-disable-next-line no-invalid-regexp -- the pattern shows what this test refuses
    expect(() => new RegExp('^a\\-b$', 'u')).toThrow(SyntaxError);
    for (const pattern of new Set(patterns)) {
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
    }
  });

  it('says in words what every pattern expects', () => {
    let patterns = 0;
    for (const [node, path] of nodes(schema)) {
      if (typeof node.pattern !== 'string') continue;
      patterns++;
      expect({ at: path.join('.'), message: node.patternErrorMessage }).toEqual({
        at: path.join('.'),
        message: expect.stringMatching(/^expected [a-zA-Z$]/),
      });
    }
    expect(patterns).toBeGreaterThan(10);
  });

  it('accepts an expression in every string it constrains, but not in member names', () => {
    const refuses = (node: Node) =>
      ['pattern', 'enum', 'const', 'maxLength', 'format'].some((key) => key in node) ||
      (typeof node.minLength === 'number' && node.minLength > 1);
    const refusing: string[] = [];
    let accepting = 0;
    for (const [node, path] of nodes(schema)) {
      if (node.type !== 'string' || path.at(-1) === 'Expression') continue;
      const alternatives = (node.anyOf ?? []) as Node[];
      const expression = alternatives.some((a) => a.$ref === '#/$defs/Expression');
      if (path.at(-1) === 'propertyNames') {
        expect(expression).toBe(false);
      } else if (refuses(node) || (alternatives.length > 0 && !expression)) {
        refusing.push(path.join('.'));
      } else if (expression) {
        accepting++;
      }
    }
    expect(refusing).toEqual([]);
    expect(accepting).toBeGreaterThan(40);
  });

  it('compiles in strict mode', () => {
    expect(compile).not.toThrow();
  });

  it.each(EXAMPLES)('accepts examples/%s', (file) => {
    const text = readFileSync(join('examples', file), 'utf8');
    expect(problems(parse(text))).toEqual([]);
  });

  it('refuses a name that does not match, saying what it expects as the check does', () => {
    const found = problems({ ...base(), ModelPackageName: 'churn_predictor' });
    const expected =
      'expected a name of 1 to 63 letters (a-z, A-Z), digits and hyphens, starting and ending with a letter or digit';
    expect(found.map((p) => p.path)).toEqual(['/ModelPackageName']);
    expect(found[0]!.messages).toContain(expected);
    expect(found[0]!.messages.join('\n')).not.toContain('[a-zA-Z0-9]');

    const checked = errors(
      check(replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: churn_predictor'))
        .problems,
    );
    expect(checked.map((p) => p.message)).toEqual([expected]);
  });

  it('refuses a value outside an enum, a wrong type and a string that is too long', () => {
    expect(problems({ ...base(), ModelApprovalStatus: 'Approve' }).map((p) => p.path)).toEqual([
      '/ModelApprovalStatus',
    ]);
    expect(problems({ ...base(), CertifyForMarketplace: 'yes' }).map((p) => p.path)).toEqual([
      '/CertifyForMarketplace',
    ]);
    expect(problems({ ...base(), ModelPackageName: 42 }).map((p) => p.path)).toEqual([
      '/ModelPackageName',
    ]);
    expect(problems({ ...base(), ModelPackageName: 'a'.repeat(64) }).map((p) => p.path)).toEqual([
      '/ModelPackageName',
    ]);
  });

  it('accepts an expression in a patterned, enumerated or length-limited string', () => {
    expect(problems({ ...base(), ModelPackageName: 'churn-${{ github.run_number }}' })).toEqual([]);
    expect(problems({ ...base(), ModelPackageName: '${{env.PACKAGE_NAME}}' })).toEqual([]);
    expect(problems({ ...base(), ModelApprovalStatus: '${{ env.APPROVAL }}' })).toEqual([]);
    const manifest = base();
    const inference = manifest.InferenceSpecification as { Containers: Node[] };
    inference.Containers[0]!.Image =
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/c:${{ github.sha }}';
    inference.Containers[0]!.FrameworkVersion = '${{ env.FRAMEWORK_VERSION }}';
    expect(problems(manifest)).toEqual([]);
  });

  it('refuses what the action cannot resolve: other expressions, names, numbers', () => {
    expect(problems({ ...base(), ModelPackageName: 'churn-${{ secrets.NAME }}' })).toEqual([
      {
        path: '/ModelPackageName',
        messages: expect.arrayContaining([expect.stringMatching(/^expected a name of 1 to 63/)]),
      },
    ]);
    expect(
      problems({ ...base(), CustomerMetadataProperties: { '${{ env.KEY }}': 'value' } }).map(
        (p) => p.path,
      ),
    ).toEqual(['/CustomerMetadataProperties']);
    const manifest = base();
    const validation = manifest.ValidationSpecification as {
      ValidationProfiles: { TransformJobDefinition: { TransformResources: Node } }[];
    };
    validation.ValidationProfiles[0]!.TransformJobDefinition.TransformResources.InstanceCount =
      '${{ env.COUNT }}';
    expect(problems(manifest).map((p) => p.path)).toEqual([
      '/ValidationSpecification/ValidationProfiles/0/TransformJobDefinition/TransformResources/InstanceCount',
    ]);
  });

  it('takes ModelCardContent as a string of JSON or as a mapping of the card', () => {
    const card = {
      model_overview: { model_creator: '${{ github.repository }}', model_artifact: ['s3://m/a'] },
      intended_uses: { risk_rating: 'Low' },
      evaluation_details: [
        {
          name: 'holdout',
          metric_groups: [
            {
              name: 'quality',
              metric_data: [
                { name: 'auc', type: 'number', value: 0.9 },
                { name: 'bars', type: 'bar_chart', value: [1, 2], x_axis_name: ['a', 'b'] },
              ],
            },
          ],
        },
      ],
    };
    expect(problems({ ...base(), ModelCard: { ModelCardContent: card } })).toEqual([]);
    const text = JSON.stringify(card);
    expect(problems({ ...base(), ModelCard: { ModelCardContent: text } })).toEqual([]);
  });

  it('refuses what the check refuses in a card written as a mapping', () => {
    const content = '/ModelCard/ModelCardContent';
    // Where an editor flags a card's content: within ModelCardContent, and nowhere else.
    const flagged = (value: unknown) => {
      const paths = problems({ ...base(), ModelCard: { ModelCardContent: value } }).map(
        (p) => p.path,
      );
      return paths.length > 0 && paths.every((p) => p.startsWith(content));
    };
    expect(flagged({ intended_uses: { purpose_of_modl: 'x' } })).toBe(true);
    expect(flagged({ model_package_details: {} })).toBe(true);
    expect(flagged({ model_overview: { model_id: 'm' } })).toBe(true);
    expect(flagged({ intended_uses: { risk_rating: 'Severe' } })).toBe(true);
    expect(
      flagged({ training_details: { training_job_details: { training_metrics: [{}] } } }),
    ).toBe(true);
    expect(flagged(['a'])).toBe(true);
    expect(flagged('x'.repeat(100_001))).toBe(true);
    // An expression stands for a valid value, as elsewhere.
    expect(flagged({ intended_uses: { risk_rating: '${{ env.RISK }}' } })).toBe(false);
    expect(flagged({ intended_uses: { risk_rating: 'High' } })).toBe(false);
  });

  it('recognizes exactly the expressions the action resolves', () => {
    const source = (schema.$defs as Record<string, Node>).Expression!.pattern as string;
    const expression = new RegExp(`^(?:${source})$`, 'u');
    const samples = [
      '${{ github.sha }}',
      '${{github.ref_name}}',
      '${{  github.run_id  }}',
      '${{ github.run_number }}',
      '${{ github.repository }}',
      '${{ env.MODEL_VERSION }}',
      '${{ env._model_version }}',
      '${{ github.ref_nme }}',
      '${{ github.event.pull_request }}',
      '${{ secrets.TOKEN }}',
      '${{ vars.X }}',
      "${{ format('{0}', github.sha) }}",
      '${{ github.sha || env.X }}',
      '${{ env.1X }}',
      '${{ env.MODEL-VERSION }}',
    ];
    const env = { MODEL_VERSION: '1.4.0', _model_version: '1.4.0' };
    for (const sample of samples) {
      const found: ExpressionError[] = [];
      substitute(sample, { ...CONTEXT, env }, [], found);
      expect({ sample, matches: expression.test(sample) }).toEqual({
        sample,
        matches: found.length === 0,
      });
    }
  });
});
