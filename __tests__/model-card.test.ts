/**
 * ModelCard.ModelCardContent: written as a mapping or as a string of JSON, sent as a
 * string, and checked against the model package card schema, each problem at its member
 * with its path.
 */
import { describe, expect, it } from '@jest/globals';
import { MAX_PROBLEMS } from '../src/manifest/load.js';
import { MAX_CARD_CHARACTERS } from '../src/manifest/model-card.js';
import { manifestSchema } from '../src/manifest/schema.js';
import { HOSTILE_SHAPES, MiB } from './harness/hostile-manifests.js';
import { check, CONTEXT, errors, VERSIONED, warnings } from './harness/manifests.js';

/** VERSIONED is 8 lines long: the card starts on line 9. */
const CARD_LINE = VERSIONED.split('\n').length;

/** VERSIONED with a ModelCard whose ModelCardContent is `content`, indented as a member of it. */
const withCard = (content: string, status = 'Draft') =>
  `${VERSIONED}ModelCard:\n  ModelCardStatus: ${status}\n  ModelCardContent:${content}\n`;

const MAPPING = `
    model_overview:
      model_creator: Fraud team
      model_artifact: [s3://models/fraud/model.tar.gz]
    intended_uses:
      purpose_of_model: Flags card payments for review.
      risk_rating: Medium
    evaluation_details:
      - name: holdout
        metric_groups:
          - name: quality
            metric_data:
              - {name: auc, type: number, value: 0.94}
              - {name: roc, type: linear_graph, value: [[0, 0], [0.1, 0.8], [1, 1]]}
              - {name: confusion, type: matrix, value: [[90, 10], [5, 95]]}
    additional_information:
      custom_details: {owner: fraud-team}`;

const EXPECTED = {
  model_overview: {
    model_creator: 'Fraud team',
    model_artifact: ['s3://models/fraud/model.tar.gz'],
  },
  intended_uses: { purpose_of_model: 'Flags card payments for review.', risk_rating: 'Medium' },
  evaluation_details: [
    {
      name: 'holdout',
      metric_groups: [
        {
          name: 'quality',
          metric_data: [
            { name: 'auc', type: 'number', value: 0.94 },
            {
              name: 'roc',
              type: 'linear_graph',
              value: [
                [0, 0],
                [0.1, 0.8],
                [1, 1],
              ],
            },
            {
              name: 'confusion',
              type: 'matrix',
              value: [
                [90, 10],
                [5, 95],
              ],
            },
          ],
        },
      ],
    },
  ],
  additional_information: { custom_details: { owner: 'fraud-team' } },
};

/** The only problem of `text`, an error; the manifest is invalid. */
function onlyError(text: string) {
  const result = check(text);
  expect(result.problems).toHaveLength(1);
  expect(result.request).toBeUndefined();
  return errors(result.problems)[0]!;
}

/** The 1-based line of `text` that holds `fragment`. */
const lineOf = (text: string, fragment: string) =>
  text.split('\n').findIndex((line) => line.includes(fragment)) + 1;

describe('a card written as a mapping', () => {
  it('is sent as the compact JSON of the mapping', () => {
    const result = check(withCard(MAPPING));
    expect(result.problems).toEqual([]);
    expect(result.request?.ModelCard).toEqual({
      ModelCardStatus: 'Draft',
      ModelCardContent: JSON.stringify(EXPECTED),
    });
  });

  it('gives the same string however the mapping is written', () => {
    const flow = ` ${JSON.stringify(EXPECTED)}`;
    const fromFlow = check(withCard(flow)).request?.ModelCard?.ModelCardContent;
    const fromBlock = check(withCard(MAPPING)).request?.ModelCard?.ModelCardContent;
    expect(fromFlow).toBe(fromBlock);
    // A manifest in JSON gives it too.
    const json = JSON.stringify({
      ModelPackageGroupName: 'fraud-detector',
      ModelCard: { ModelCardContent: EXPECTED },
    });
    expect(check(json).request?.ModelCard?.ModelCardContent).toBe(fromBlock);
  });

  it('leaves the rest of the request as it is', () => {
    const text = withCard(MAPPING);
    const request = check(text).request!;
    expect(request.ModelPackageGroupName).toBe('fraud-detector');
    expect(typeof request.ModelCard?.ModelCardContent).toBe('string');
    // The request can be checked again, as the string it now holds.
    expect(check(JSON.stringify(request)).problems).toEqual([]);
  });

  it('resolves expressions in its strings, escaped as JSON needs', () => {
    const text = withCard(`
    model_overview:
      model_creator: \${{ github.repository }}
      model_artifact: ['s3://models/\${{ github.sha }}/model.tar.gz']
    additional_information:
      custom_details: {run: '\${{ github.run_id }}', note: '\${{ env.NOTE }}'}`);
    const result = check(text, {
      context: { ...CONTEXT, env: { NOTE: 'says "hi"\nand more' } },
    });
    expect(result.problems).toEqual([]);
    expect(JSON.parse(result.request!.ModelCard!.ModelCardContent!)).toEqual({
      model_overview: {
        model_creator: 'octo-org/models',
        model_artifact: [`s3://models/${CONTEXT.github.sha}/model.tar.gz`],
      },
      additional_information: { custom_details: { run: '1000', note: 'says "hi"\nand more' } },
    });
  });

  it('reports an expression that fails at its position in the mapping', () => {
    const text = withCard(`
    intended_uses:
      purpose_of_model: Built by \${{ secrets.NAME }}`);
    const e = onlyError(text);
    expect(e).toMatchObject({
      line: CARD_LINE + 4,
      column: 34,
      member: 'ModelCard.ModelCardContent.intended_uses.purpose_of_model',
    });
    expect(e.message).toMatch(/secrets are not available/);
  });
});

describe('a card written as a string of JSON', () => {
  it('is sent as written, and checked as a mapping would be', () => {
    const json = JSON.stringify(EXPECTED, null, 2);
    const text = withCard(` |\n${json.replace(/^/gm, '    ')}`);
    const result = check(text);
    expect(result.problems).toEqual([]);
    expect(result.request?.ModelCard?.ModelCardContent).toBe(`${json}\n`);
  });

  it('has the problems of its members at its own position, with their paths', () => {
    const text = withCard(
      ` '{"intended_uses": {"purpose_of_modl": "x", "risk_rating": "Hgih"}, "model_package_details": {}}'`,
    );
    const result = check(text);
    expect(result.request).toBeUndefined();
    const at = { line: CARD_LINE + 2, column: 21 };
    expect(result.problems).toEqual([
      expect.objectContaining({
        ...at,
        member: 'ModelCard.ModelCardContent.intended_uses.purpose_of_modl',
        message: "unknown member 'purpose_of_modl' (did you mean 'purpose_of_model'?)",
      }),
      expect.objectContaining({
        ...at,
        member: 'ModelCard.ModelCardContent.intended_uses.risk_rating',
        message:
          'expected one of High, Medium, Low, Unknown; found the string "Hgih" (did you mean \'High\'?)',
      }),
      expect.objectContaining({
        ...at,
        member: 'ModelCard.ModelCardContent.model_package_details',
        message: expect.stringMatching(/^model_package_details is not part of a model package's/),
      }),
    ]);
  });

  it('that does not parse is an error at the member', () => {
    const e = onlyError(withCard(` '{"intended_uses": {"purpose_of_model": "x",}}'`));
    expect(e).toMatchObject({
      line: CARD_LINE + 2,
      column: 21,
      member: 'ModelCard.ModelCardContent',
    });
    expect(e.message).toMatch(/^is not valid JSON \(.+\); correct it, or write the card's content/);
  });

  it('that is empty, or JSON of something else than an object, is an error', () => {
    expect(onlyError(withCard(` ''`)).message).toMatch(/^is not valid JSON/);
    expect(onlyError(withCard(` '[1, 2]'`)).message).toBe(
      'expected a JSON object of the card\'s sections, such as {"intended_uses": {...}}; found a list',
    );
  });

  it("whose JSON breaks because of an expression's value, says it is not valid JSON", () => {
    const text = withCard(` '{"intended_uses": {"purpose_of_model": "\${{ env.NOTE }}"}}'`);
    const result = check(text, { context: { ...CONTEXT, env: { NOTE: 'a "quoted" word' } } });
    expect(errors(result.problems).map((p) => p.message)).toEqual([
      expect.stringMatching(/^is not valid JSON/),
    ]);
    // Written as a mapping, the same value is escaped.
    const mapping = withCard(`\n    intended_uses: {purpose_of_model: '\${{ env.NOTE }}'}`);
    expect(
      check(mapping, { context: { ...CONTEXT, env: { NOTE: 'a "quoted" word' } } }).problems,
    ).toEqual([]);
  });
});

describe('each problem of the content, at its member', () => {
  it('an unknown member, with the right name suggested', () => {
    const text = withCard(`\n    intended_uses:\n      purpose_of_modle: x`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 4,
      column: 7,
      member: 'ModelCard.ModelCardContent.intended_uses.purpose_of_modle',
      message: "unknown member 'purpose_of_modle' (did you mean 'purpose_of_model'?)",
    });
  });

  it('a section in PascalCase, as CloudFormation spells it', () => {
    expect(onlyError(withCard(`\n    IntendedUses: {}`)).message).toBe(
      "unknown member 'IntendedUses' (did you mean 'intended_uses'?)",
    );
  });

  it('model_package_details, which a package card does not have', () => {
    const text = withCard(`\n    model_package_details:\n      model_package_group_name: g`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 3,
      column: 5,
      member: 'ModelCard.ModelCardContent.model_package_details',
      message:
        "model_package_details is not part of a model package's card (SageMaker's ModelPackageModelCard leaves it out: the package's own members give those details); remove it",
    });
  });

  it('a member of a model card of its own, such as model_overview.model_id', () => {
    const text = withCard(`\n    model_overview:\n      model_creator: me\n      model_id: m-1`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 5,
      column: 7,
      member: 'ModelCard.ModelCardContent.model_overview.model_id',
      message:
        "'model_id' is part of a model card of its own (CreateModelCard), not of a model package's card; remove it",
    });
  });

  it('a wrong type, at the value', () => {
    const text = withCard(`\n    model_overview:\n      model_artifact: s3://models/model.tar.gz`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 4,
      column: 23,
      member: 'ModelCard.ModelCardContent.model_overview.model_artifact',
      message: 'expected a list, found the string "s3://models/model.tar.gz"',
    });
  });

  it('a number given as a string, and a number JSON cannot hold', () => {
    const text = withCard(`
    training_details:
      training_job_details:
        training_metrics:
          - {name: auc, value: '0.94'}
          - {name: loss, value: .nan}`);
    const found = errors(check(text).problems);
    expect(found.map((p) => [p.line, p.member, p.message])).toEqual([
      [
        CARD_LINE + 6,
        'ModelCard.ModelCardContent.training_details.training_job_details.training_metrics[0].value',
        'expected a number, found the string "0.94"',
      ],
      [
        CARD_LINE + 7,
        'ModelCard.ModelCardContent.training_details.training_job_details.training_metrics[1].value',
        'NaN cannot be written in JSON; expected a number',
      ],
    ]);
  });

  it('an empty value, as YAML reads a member with nothing after it', () => {
    const text = withCard(`\n    intended_uses:\n      purpose_of_model:`);
    expect(onlyError(text).message).toBe('expected a string, found an empty value');
  });

  it('a required member that is missing, at the mapping that lacks it', () => {
    const text = withCard(`\n    evaluation_details:\n      - evaluation_observation: fine`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 4,
      member: 'ModelCard.ModelCardContent.evaluation_details[0].name',
      message: 'is required (a string)',
    });
  });

  it('a string too long, in characters', () => {
    const text = withCard(`\n    intended_uses:\n      purpose_of_model: ${'é'.repeat(2049)}`);
    expect(onlyError(text).message).toBe('must be at most 2048 characters long (is 2049)');
    // Characters, not UTF-16 code units: 2048 emoji are 4096 of those.
    const emoji = withCard(`\n    intended_uses:\n      purpose_of_model: ${'🙂'.repeat(2048)}`);
    expect(check(emoji).problems).toEqual([]);
  });

  it('an empty name', () => {
    const text = withCard(`\n    evaluation_details:\n      - name: ''`);
    expect(onlyError(text)).toMatchObject({
      member: 'ModelCard.ModelCardContent.evaluation_details[0].name',
      message: 'must not be empty',
    });
  });

  it('a metric of an unknown type, with the right type suggested', () => {
    const text = withCard(`
    evaluation_details:
      - name: holdout
        metric_groups:
          - name: quality
            metric_data:
              - {name: auc, type: nummber, value: 0.9}`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 8,
      member:
        'ModelCard.ModelCardContent.evaluation_details[0].metric_groups[0].metric_data[0].type',
      message:
        'expected one of number, string, boolean, linear_graph, bar_chart, matrix; found the string "nummber" (did you mean \'number\'?)',
    });
  });

  it('a metric whose value does not fit its type', () => {
    const text = withCard(`
    evaluation_details:
      - name: holdout
        metric_groups:
          - name: quality
            metric_data:
              - {name: roc, type: linear_graph, value: [[0, 0], [1]]}
              - {name: confusion, type: matrix, value: []}
              - {name: note, type: string, value: [a]}`);
    const found = errors(check(text).problems);
    const metric = 'ModelCard.ModelCardContent.evaluation_details[0].metric_groups[0].metric_data';
    expect(found.map((p) => [p.member, p.message])).toEqual([
      [`${metric}[0].value[1]`, 'must have at least 2 items (has 1)'],
      [`${metric}[1].value`, 'must not be empty'],
      [`${metric}[2].value`, 'expected a number, a string or true or false, found a list'],
    ]);
  });

  it('too many items in a list', () => {
    const datasets = Array.from({ length: 11 }, (_, i) => `s3://d/${i}`).join(', ');
    const text = withCard(
      `\n    evaluation_details:\n      - name: e\n        datasets: [${datasets}]`,
    );
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 5,
      member: 'ModelCard.ModelCardContent.evaluation_details[0].datasets',
      message: 'must have at most 10 items (has 11)',
    });
  });

  it('members the schema leaves open are allowed', () => {
    // A metric group may have members of its own: the schema does not close it.
    const text = withCard(`
    evaluation_details:
      - name: e
        metric_groups:
          - {name: g, metric_data: [], dashboard: https://example.com}`);
    expect(check(text).problems).toEqual([]);
  });

  it('an objective function of another shape than the SDK knows is a warning', () => {
    const text = withCard(`
    training_details:
      objective_function:
        function: {function: Minimize, facet: loss}
        notes: the validation loss
        weight: 2`);
    const result = check(text);
    expect(result.request).toBeDefined();
    expect(warnings(result.problems)).toEqual([
      expect.objectContaining({
        line: CARD_LINE + 7,
        member: 'ModelCard.ModelCardContent.training_details.objective_function.weight',
        message: "unknown member 'weight'",
      }),
    ]);
  });

  it('content that is neither a mapping nor a string', () => {
    expect(onlyError(withCard(`\n    - a`))).toMatchObject({
      member: 'ModelCard.ModelCardContent',
      message:
        "expected the card's content as a mapping (sent as JSON) or a string of JSON, found a list",
    });
  });

  it(`content longer than ${MAX_CARD_CHARACTERS} characters once it is JSON`, () => {
    const details: Record<string, string> = {};
    for (let i = 0; i < 100; i++) details[`d${String(i).padStart(3, '0')}`] = 'x'.repeat(991);
    const entries = Object.entries(details)
      .map(([key, value]) => `        ${key}: ${value}`)
      .join('\n');
    const text = withCard(`\n    additional_information:\n      custom_details:\n${entries}`);
    const length = JSON.stringify({ additional_information: { custom_details: details } }).length;
    expect(length).toBeGreaterThan(MAX_CARD_CHARACTERS);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 2,
      column: 3,
      member: 'ModelCard.ModelCardContent',
      message: `is ${length} characters long as JSON; SageMaker takes at most ${MAX_CARD_CHARACTERS}`,
    });
  });

  it(`a string of JSON longer than ${MAX_CARD_CHARACTERS} characters`, () => {
    const json = JSON.stringify({ intended_uses: { purpose_of_model: 'x' } });
    const text = withCard(` '${json}${' '.repeat(MAX_CARD_CHARACTERS)}'`);
    expect(onlyError(text)).toMatchObject({
      line: CARD_LINE + 2,
      column: 21,
      message: `must be at most ${MAX_CARD_CHARACTERS} characters long (is ${json.length + MAX_CARD_CHARACTERS})`,
    });
  });

  it('the schema finds the same problems without the source (the string path included)', () => {
    const result = manifestSchema.safeParse({
      ModelPackageGroupName: 'g',
      ModelCard: { ModelCardContent: '{"model_overview": {"model_creater": "x"}}' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['ModelCard.ModelCardContent.model_overview.model_creater', "unknown member 'model_creater'"],
    ]);
  });
});

describe('expressions the check command leaves as written', () => {
  const placeholders = { context: { ...CONTEXT, placeholders: true as const } };

  it('pass the checks of a string or an enum in the mapping', () => {
    const text = withCard(`
    intended_uses:
      risk_rating: \${{ env.RISK }}
      purpose_of_model: \${{ github.repository }}`);
    expect(check(text, placeholders).problems).toEqual([]);
  });

  it('cannot stand in for a number', () => {
    const text = withCard(`
    training_details:
      training_job_details:
        training_metrics: [{name: auc, value: '\${{ env.AUC }}'}]`);
    expect(errors(check(text, placeholders).problems).map((p) => p.message)).toEqual([
      'expected a number, found the string "${{ env.AUC }}"',
    ]);
  });

  it('leave a string of JSON unjudged, whatever they would make of it', () => {
    const text = withCard(` '{"intended_uses": {"risk_rating": \${{ env.RISK }}}}'`);
    expect(check(text, placeholders).problems).toEqual([]);
  });
});

describe('hostile cards', () => {
  it('a card of many wrong values: every one counted, the first ones described', () => {
    // npm run bench checks the same shape at 1 MiB against the time it may take.
    const result = check(HOSTILE_SHAPES['a model card of many wrong values']!(MiB / 4));
    expect(result.problems).toHaveLength(MAX_PROBLEMS);
    // The content's length comes first: it is at the member itself.
    expect(result.problems[0]!.message).toMatch(/^is \d+ characters long as JSON/);
    expect(result.problems[1]).toMatchObject({
      member: 'ModelCard.ModelCardContent.additional_information.custom_details.detail0',
      message: 'expected a string, found the number 0',
    });
    expect(result.omitted.errors).toBeGreaterThan(9_000);
  });

  it('JSON nested half a million levels deep in a string: no exception, two errors', () => {
    const text = HOSTILE_SHAPES['a model card of deep JSON in a string']!(MiB);
    const result = check(text);
    expect(result.problems.map((p) => [p.line, p.member, p.message])).toEqual([
      [
        lineOf(text, 'ModelCardContent'),
        'ModelCard.ModelCardContent',
        expect.stringMatching(/^must be at most 100000 characters long/),
      ],
      [
        lineOf(text, 'ModelCardContent'),
        'ModelCard.ModelCardContent.additional_information.custom_details.a',
        'expected a string, found a list',
      ],
    ]);
  });

  it('deep nesting in a mapping stops where the manifest allows no deeper', () => {
    const deep = `{x: ${'['.repeat(200)}${']'.repeat(200)}}`;
    const result = check(withCard(`\n    additional_information: {custom_details: ${deep}}`));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.message).toMatch(/nests mappings and lists deeper than 100 levels/);
  });

  it('aliases that repeat a card past the limit of its length', () => {
    const long = 'x'.repeat(1000);
    const aliases = Array.from({ length: 100 }, (_, i) => `        r${i}: *long`).join('\n');
    const text = withCard(
      `\n    additional_information:\n      ethical_considerations: &long ${long}\n      custom_details:\n${aliases}`,
    );
    const e = onlyError(text);
    expect(e.member).toBe('ModelCard.ModelCardContent');
    expect(e.message).toMatch(/^is 10\d{4} characters long as JSON/);
  });
});
