/**
 * The content of a model package's card, `ModelCard.ModelCardContent`. SageMaker takes it
 * as a string of JSON; a manifest may write it that way or as a mapping, which the action
 * sends as compact JSON (`JSON.stringify`, members in the order written, so the same
 * mapping always gives the same string). Either way the content is checked against the
 * model package card schema below, and every problem is reported at its member, with its
 * path from ModelCard.ModelCardContent.
 *
 * Checked against:
 *  - the SageMaker API reference, ModelPackageModelCard
 *    (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelPackageModelCard.html):
 *    a string of 0 to 100000 characters that follows the model package model card
 *    schema, which "does not include model_package_details";
 *  - the model card JSON schema in the SageMaker Python SDK, repository
 *    aws/sagemaker-python-sdk, file
 *    sagemaker-core/src/sagemaker/core/tools/model_card/model_card_schema.json at commit
 *    3203e4996219799e7fcad214c7925ffd8594da1f (the same file at a24812666d258d9d19c9a82d0c9385ca0bd3ba01),
 *    titled "Internal model card schema for SageMakerRepositoryService without
 *    model_package_details": the members, types, lengths, enums, list sizes and required
 *    members below are its own; and the classes the SDK generates from it
 *    (sagemaker-core/src/sagemaker/core/shapes/model_card_shapes.py, same commit), which
 *    the SDK uses as ModelPackageModelCard;
 *  - for what only a model card of its own has (model_overview's model_id, model_name,
 *    model_version, inference_environment): the SDK's version 2 classes
 *    (src/sagemaker/model_card/model_card.py at commit
 *    a85423fb5733ce60f5a0800ef4fa9f44922a4cac) and CloudFormation's
 *    AWS::SageMaker::ModelCard ModelOverview, which have them, and the SDK's package card
 *    schema above, which does not.
 *
 * Unverified:
 *  - The developer guide's "Model package model card schema"
 *    (https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-details.html#model-card-schema)
 *    could not be read, only the start of that page; nor was anything checked against
 *    the service itself.
 *  - model_overview: the API reference says it "is composed of the model_creator and
 *    model_artifact properties"; the SDK's schema also has model_description,
 *    algorithm_type, problem_type and model_owner. They are accepted, as the SDK's schema
 *    accepts them. model_id, model_name, model_version and inference_environment, which
 *    only a model card of its own (CreateModelCard) has, are refused.
 *  - objective_function: the SDK's schema lists its members beside its description
 *    rather than under "properties", so as written it constrains nothing; the SDK's
 *    classes give it two shapes (function: {function, facet, condition} and notes in
 *    version 2; function, facet and condition in version 3). Both are accepted; anything
 *    else there is a warning, not an error.
 *  - Limits the SDK's schema declares where a JSON Schema validator ignores them are not
 *    checked: "maxContains" without "contains" (15 model artifacts, training datasets and
 *    container images) and "maxItems" inside "items" (50 training metrics, 100
 *    hyper-parameters). The patterns of its names, `.{1,63}` and `.{1,255}`, are not
 *    anchored: they ask for one character that is not a line break, whatever the
 *    length, and so does the check here.
 *  - Lengths count characters as JSON Schema does (code points); the limit of the whole
 *    content counts UTF-16 code units, as JavaScript does. How the service counts
 *    either is not known.
 */
import { didYouMean } from '../suggest.js';
import { plural } from '../text.js';
import { clip, describeValue, type MemberPath } from './problems.js';

/** The most characters SageMaker takes in ModelCardContent. */
export const MAX_CARD_CHARACTERS = 100_000;

/** Where the card's content is in a manifest. */
export const CARD_CONTENT_PATH = ['ModelCard', 'ModelCardContent'] as const;

// ---------------------------------------------------------------- the schema

type Field =
  | StringField
  | EnumField
  | NumberField
  | BooleanField
  | ObjectField
  | MapField
  | ListField
  | EitherField
  | TaggedField;

interface Described {
  /** For editors, in the JSON Schema. */
  description?: string;
}

interface StringField extends Described {
  type: 'string';
  /** Most characters (code points). */
  max?: number;
  /** At least one character that is not a line break. */
  nonEmpty?: true;
}

interface EnumField extends Described {
  type: 'enum';
  values: readonly string[];
}

interface NumberField extends Described {
  type: 'number';
}

interface BooleanField extends Described {
  type: 'boolean';
}

interface ObjectField extends Described {
  type: 'object';
  members: Readonly<Record<string, Field>>;
  required?: readonly string[];
  /** Members it does not name are allowed: the schema does not close it. */
  open?: true;
  /** Members refused with a message of their own. */
  refused?: Readonly<Record<string, string>>;
  /** The schema as written constrains nothing here: what differs is a warning. */
  lenient?: true;
}

interface MapField extends Described {
  type: 'map';
  value: Field;
}

interface ListField extends Described {
  type: 'list';
  item: Field;
  min?: number;
  max?: number;
}

/** One of several fields, each of another JSON type, chosen by the value's type. */
interface EitherField extends Described {
  type: 'either';
  options: readonly Field[];
}

/** Mappings of several kinds, told apart by the value of one member (a metric's `type`). */
interface TaggedField extends Described {
  type: 'tagged';
  tag: string;
  variants: Readonly<Record<string, ObjectField>>;
}

const described = (description?: string) => (description ? { description } : {});

const text = (max?: number, description?: string): StringField => ({
  type: 'string',
  ...(max === undefined ? {} : { max }),
  ...described(description),
});
const name = (description?: string): StringField => ({
  type: 'string',
  nonEmpty: true,
  ...described(description),
});
const oneOf = (values: readonly string[], description?: string): EnumField => ({
  type: 'enum',
  values,
  ...described(description),
});
const number = (description?: string): NumberField => ({
  type: 'number',
  ...described(description),
});
const boolean = (): BooleanField => ({ type: 'boolean' });
const list = (
  item: Field,
  { min, max, description }: { min?: number; max?: number; description?: string } = {},
): ListField => ({
  type: 'list',
  item,
  ...(min === undefined ? {} : { min }),
  ...(max === undefined ? {} : { max }),
  ...described(description),
});
const map = (value: Field, description?: string): MapField => ({
  type: 'map',
  value,
  ...described(description),
});
const object = (
  members: Record<string, Field>,
  options: Omit<ObjectField, 'type' | 'members'> = {},
): ObjectField => ({ type: 'object', members, ...options });

const NOTES = text(1024);
const AXIS_NAME = text(63);
const AXIS_NAMES = list(text(63));
const METRIC_REQUIRED = ['name', 'type', 'value'];

const simpleMetric = object(
  {
    name: name(),
    notes: NOTES,
    type: oneOf(['number', 'string', 'boolean']),
    value: { type: 'either', options: [number(), text(63), boolean()] },
    x_axis_name: AXIS_NAME,
    y_axis_name: AXIS_NAME,
  },
  { required: METRIC_REQUIRED },
);

const linearGraphMetric = object(
  {
    name: name(),
    notes: NOTES,
    type: oneOf(['linear_graph']),
    value: list(list(number(), { min: 2, max: 2 }), {
      min: 1,
      description: 'The points of the graph, each [x, y].',
    }),
    x_axis_name: AXIS_NAME,
    y_axis_name: AXIS_NAME,
  },
  { required: METRIC_REQUIRED },
);

const barChartMetric = object(
  {
    name: name(),
    notes: NOTES,
    type: oneOf(['bar_chart']),
    value: list(number(), { min: 1, description: 'The height of each bar.' }),
    x_axis_name: AXIS_NAMES,
    y_axis_name: AXIS_NAME,
  },
  { required: METRIC_REQUIRED },
);

const matrixMetric = object(
  {
    name: name(),
    notes: NOTES,
    type: oneOf(['matrix']),
    value: list(list(number(), { min: 1, max: 20 }), {
      min: 1,
      max: 20,
      description: 'The rows of the matrix, 1 to 20 of 1 to 20 numbers.',
    }),
    x_axis_name: AXIS_NAMES,
    y_axis_name: AXIS_NAMES,
  },
  { required: METRIC_REQUIRED },
);

const metric: TaggedField = {
  type: 'tagged',
  tag: 'type',
  variants: {
    number: simpleMetric,
    string: simpleMetric,
    boolean: simpleMetric,
    linear_graph: linearGraphMetric,
    bar_chart: barChartMetric,
    matrix: matrixMetric,
  },
};

const trainingMetric = object(
  { name: name(), notes: NOTES, value: number() },
  { required: ['name', 'value'] },
);

const hyperParameter = object({ name: name(), value: text() }, { required: ['name'] });

const OBJECTIVES = ['Maximize', 'Minimize'];

const objectiveFunction = object(
  {
    function: {
      type: 'either',
      options: [
        oneOf(OBJECTIVES),
        object({ function: oneOf(OBJECTIVES), facet: text(63), condition: text(63) }),
      ],
    },
    facet: text(63),
    condition: text(63),
    notes: NOTES,
  },
  { lenient: true, description: 'The objective function the training optimized.' },
);

const ONLY_MODEL_CARDS = (member: string) =>
  `'${member}' is part of a model card of its own (CreateModelCard), not of a model package's card; remove it`;

/** The model package card schema. */
const CARD = object(
  {
    model_overview: object(
      {
        model_description: text(1024),
        model_creator: text(1024, 'Who made the model.'),
        model_artifact: list(text(1024), { description: 'Where the model artifacts are.' }),
        algorithm_type: text(1024),
        problem_type: text(),
        model_owner: text(1024),
      },
      {
        description: 'An overview of the model.',
        refused: Object.fromEntries(
          ['model_id', 'model_name', 'model_version', 'inference_environment'].map((member) => [
            member,
            ONLY_MODEL_CARDS(member),
          ]),
        ),
      },
    ),
    intended_uses: object(
      {
        purpose_of_model: text(2048),
        intended_uses: text(2048),
        factors_affecting_model_efficiency: text(2048),
        risk_rating: oneOf(['High', 'Medium', 'Low', 'Unknown']),
        explanations_for_risk_rating: text(2048),
      },
      { description: 'What the model is for, and its risk rating.' },
    ),
    business_details: object(
      {
        business_problem: text(2048),
        business_stakeholders: text(2048),
        line_of_business: text(2048),
      },
      { description: 'The business problem the model solves.' },
    ),
    training_details: object(
      {
        objective_function: objectiveFunction,
        training_observations: text(1024),
        training_job_details: object({
          training_arn: text(1024),
          training_datasets: list(text(1024)),
          training_environment: object({ container_image: list(text(1024)) }),
          training_metrics: list(trainingMetric),
          user_provided_training_metrics: list(trainingMetric),
          hyper_parameters: list(hyperParameter),
          user_provided_hyper_parameters: list(hyperParameter),
        }),
      },
      { description: 'How the model was trained.' },
    ),
    evaluation_details: list(
      object(
        {
          name: name(),
          evaluation_observation: text(2096),
          evaluation_job_arn: text(256),
          datasets: list(text(1024), { max: 10 }),
          metadata: map(text(1024)),
          metric_groups: list(
            object(
              { name: name(), metric_data: list(metric) },
              { required: ['name', 'metric_data'], open: true },
            ),
          ),
        },
        { required: ['name'] },
      ),
      { description: 'Evaluations of the model and their metrics.' },
    ),
    additional_information: object(
      {
        ethical_considerations: text(2048),
        caveats_and_recommendations: text(2048),
        custom_details: map(text(1024), 'Your own details, each a string.'),
      },
      { description: 'Ethical considerations, caveats and details of your own.' },
    ),
  },
  {
    refused: {
      model_package_details:
        "model_package_details is not part of a model package's card (SageMaker's ModelPackageModelCard leaves it out: the package's own members give those details); remove it",
    },
  },
);

// ---------------------------------------------------------------- checking

/** A problem with the card's content. */
export interface CardProblem {
  /** The member, from ModelCard.ModelCardContent. */
  path: (string | number)[];
  message: string;
  warning?: true;
  /** The member's name is what is wrong, not its value. */
  onKey?: true;
  /** The end of the message that suggests a fix, worked out only when it is shown. */
  hint?: () => string;
}

export type CardReport = (problem: CardProblem) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const own = (record: object, key: string) => Object.prototype.hasOwnProperty.call(record, key);

/** The JSON type a field takes, or a value has. */
type Kind = 'string' | 'number' | 'boolean' | 'object' | 'list';

function fieldKind(field: Field): Kind | undefined {
  switch (field.type) {
    case 'string':
    case 'enum':
      return 'string';
    case 'number':
    case 'boolean':
      return field.type;
    case 'object':
    case 'map':
    case 'tagged':
      return 'object';
    case 'list':
      return 'list';
    default:
      return undefined;
  }
}

function valueKind(value: unknown): Kind | undefined {
  if (Array.isArray(value)) return 'list';
  if (isRecord(value)) return 'object';
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : undefined;
}

/** What a field takes, in words. */
function expected(field: Field): string {
  switch (field.type) {
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${field.values.join(', ')}`;
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'list':
      return 'a list';
    case 'either': {
      const each = field.options.map(expected);
      return `${each.slice(0, -1).join(', ')} or ${each.at(-1)}`;
    }
    default:
      return 'a mapping';
  }
}

/** Characters as JSON Schema counts them, up to the first `max + 1`. */
function codePoints(value: string): number {
  let count = 0;
  for (let i = 0; i < value.length; i++, count++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

/** Checks the card's content against the schema: a walk along the schema, never deeper. */
class CardCheck {
  private readonly path: (string | number)[] = [];
  private lenient = 0;

  constructor(private readonly report: CardReport) {}

  private add(message: string, extra: Omit<CardProblem, 'path' | 'message'> = {}, at?: string) {
    this.report({
      path: at === undefined ? [...this.path] : [...this.path, at],
      message,
      ...(this.lenient > 0 ? { warning: true } : {}),
      ...extra,
    });
  }

  private within(segment: string | number, check: () => void) {
    this.path.push(segment);
    check();
    this.path.pop();
  }

  private wrongType(field: Field, value: unknown) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      this.add(`${value} cannot be written in JSON; expected ${expected(field)}`);
    } else {
      this.add(`expected ${expected(field)}, found ${describeValue(value)}`);
    }
  }

  value(field: Field, value: unknown): void {
    switch (field.type) {
      case 'string':
        return this.string(field, value);
      case 'enum':
        if (typeof value !== 'string') return this.wrongType(field, value);
        if (field.values.includes(value)) return;
        return this.add(
          `expected one of ${field.values.join(', ')}; found ${describeValue(value)}`,
          { hint: () => didYouMean(value, field.values) },
        );
      case 'number':
        if (typeof value !== 'number' || !Number.isFinite(value)) this.wrongType(field, value);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') this.wrongType(field, value);
        return;
      case 'object':
        return this.object(field, value);
      case 'map':
        if (!isRecord(value)) return this.wrongType(field, value);
        for (const key of Object.keys(value)) {
          this.within(key, () => this.value(field.value, value[key]));
        }
        return;
      case 'list':
        return this.list(field, value);
      case 'either': {
        const kind = valueKind(value);
        const option = field.options.find((o) => fieldKind(o) === kind);
        if (!option || (typeof value === 'number' && !Number.isFinite(value))) {
          return this.wrongType(field, value);
        }
        return this.value(option, value);
      }
      case 'tagged':
        return this.tagged(field, value);
    }
  }

  private string(field: StringField, value: unknown) {
    if (typeof value !== 'string') return this.wrongType(field, value);
    if (field.nonEmpty && !/./u.test(value)) {
      this.add(value === '' ? 'must not be empty' : 'must have a character other than line breaks');
    }
    if (field.max !== undefined && value.length > field.max) {
      const length = codePoints(value);
      if (length > field.max) {
        this.add(`must be at most ${plural(field.max, 'character')} long (is ${length})`);
      }
    }
  }

  private object(field: ObjectField, value: unknown) {
    if (field.lenient) this.lenient++;
    this.members(field, value);
    if (field.lenient) this.lenient--;
  }

  private members(field: ObjectField, value: unknown) {
    if (!isRecord(value)) return this.wrongType(field, value);
    const members = Object.keys(field.members);
    for (const key of Object.keys(value)) {
      if (own(field.members, key)) {
        this.within(key, () => this.value(field.members[key]!, value[key]));
      } else if (field.refused && own(field.refused, key)) {
        this.add(field.refused[key]!, { onKey: true }, key);
      } else if (!field.open) {
        this.add(
          `unknown member '${clip(key, 60)}'`,
          { onKey: true, hint: () => didYouMean(key, members) },
          key,
        );
      }
    }
    for (const key of field.required ?? []) {
      if (value[key] === undefined) {
        this.add(`is required (${expected(field.members[key]!)})`, {}, key);
      }
    }
  }

  private list(field: ListField, value: unknown) {
    if (!Array.isArray(value)) return this.wrongType(field, value);
    const count = value.length;
    if (field.min !== undefined && count < field.min) {
      this.add(
        field.min === 1 && count === 0
          ? 'must not be empty'
          : `must have at least ${plural(field.min, 'item')} (has ${count})`,
      );
    }
    if (field.max !== undefined && count > field.max) {
      this.add(`must have at most ${plural(field.max, 'item')} (has ${count})`);
    }
    value.forEach((item, i) => this.within(i, () => this.value(field.item, item)));
  }

  private tagged(field: TaggedField, value: unknown) {
    if (!isRecord(value)) return this.wrongType(field, value);
    const tags = Object.keys(field.variants);
    const tag = value[field.tag];
    if (typeof tag === 'string' && own(field.variants, tag)) {
      return this.value(field.variants[tag]!, value);
    }
    if (tag === undefined)
      return this.add(`is required (one of ${tags.join(', ')})`, {}, field.tag);
    this.add(
      `expected one of ${tags.join(', ')}; found ${describeValue(tag)}`,
      typeof tag === 'string' ? { hint: () => didYouMean(tag, tags) } : {},
      field.tag,
    );
  }
}

/**
 * Checks ModelCardContent as the manifest gives it (once its expressions are resolved):
 * a mapping, or a string of JSON. Each problem is reported with its member's path from
 * ModelCardContent. The work is linear in the content's size: the check goes no deeper
 * than the schema does.
 */
export function checkCardContent(content: unknown, report: CardReport): void {
  const check = new CardCheck(report);
  if (typeof content === 'string') {
    if (content.length > MAX_CARD_CHARACTERS) {
      report({
        path: [],
        message: `must be at most ${MAX_CARD_CHARACTERS} characters long (is ${content.length})`,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      report({
        path: [],
        message: `is not valid JSON (${clip((e as Error).message, 200)}); correct it, or write the card's content as a mapping, which the action turns into JSON`,
      });
      return;
    }
    if (!isRecord(parsed)) {
      report({
        path: [],
        message: `expected a JSON object of the card's sections, such as {"intended_uses": {...}}; found ${describeValue(parsed)}`,
      });
      return;
    }
    check.value(CARD, parsed);
  } else if (isRecord(content)) {
    check.value(CARD, content);
    const length = JSON.stringify(content).length;
    if (length > MAX_CARD_CHARACTERS) {
      report({
        path: [],
        message: `is ${length} characters long as JSON; SageMaker takes at most ${MAX_CARD_CHARACTERS}`,
      });
    }
  } else {
    report({
      path: [],
      message: `expected the card's content as a mapping (sent as JSON) or a string of JSON, found ${describeValue(content)}`,
    });
  }
}

/**
 * `manifest` with ModelCard.ModelCardContent as SageMaker takes it: a mapping becomes
 * compact JSON, members in the order written. Nothing else is copied or changed.
 */
export function withCardContentAsText<T>(manifest: T): T {
  if (!isRecord(manifest)) return manifest;
  const card = manifest.ModelCard;
  if (!isRecord(card) || !isRecord(card.ModelCardContent)) return manifest;
  return {
    ...manifest,
    ModelCard: { ...card, ModelCardContent: JSON.stringify(card.ModelCardContent) },
  } as T;
}

/** The fields at `segment` below `field`. */
function children(field: Field, segment: string | number, out: Field[]): void {
  switch (field.type) {
    case 'object':
      if (typeof segment === 'string' && own(field.members, segment)) {
        out.push(field.members[segment]!);
      }
      return;
    case 'map':
      if (typeof segment === 'string') out.push(field.value);
      return;
    case 'list':
      if (typeof segment === 'number') out.push(field.item);
      return;
    case 'either':
      for (const option of field.options) children(option, segment, out);
      return;
    case 'tagged':
      for (const variant of new Set(Object.values(field.variants))) {
        children(variant, segment, out);
      }
      return;
    default:
      return;
  }
}

function takesString(field: Field): boolean {
  if (field.type === 'either') return field.options.some(takesString);
  return field.type === 'string' || field.type === 'enum';
}

/**
 * Whether the member at `path`, from ModelCardContent, holds a string (or one of an
 * enum's): there, a string that holds an expression passes the checks of its value.
 */
export function cardMemberTakesString(path: MemberPath): boolean {
  let fields: Field[] = [CARD];
  for (const segment of path) {
    const next: Field[] = [];
    for (const field of fields) children(field, segment, next);
    if (next.length === 0) return false;
    fields = next;
  }
  return fields.some(takesString);
}

// ---------------------------------------------------------------- the JSON Schema

type JsonSchema = Record<string, unknown>;

function jsonSchemaOf(field: Field): JsonSchema {
  const annotations = described(field.description);
  switch (field.type) {
    case 'string':
      return {
        type: 'string',
        ...(field.nonEmpty ? { minLength: 1 } : {}),
        ...(field.max === undefined ? {} : { maxLength: field.max }),
        ...annotations,
      };
    case 'enum':
      return { type: 'string', enum: [...field.values], ...annotations };
    case 'number':
    case 'boolean':
      return { type: field.type, ...annotations };
    case 'object':
      return {
        type: 'object',
        ...annotations,
        properties: Object.fromEntries(
          Object.entries(field.members).map(([key, member]) => [key, jsonSchemaOf(member)]),
        ),
        ...(field.required ? { required: [...field.required] } : {}),
        ...(field.open || field.lenient ? {} : { additionalProperties: false }),
      };
    case 'map':
      return { type: 'object', additionalProperties: jsonSchemaOf(field.value), ...annotations };
    case 'list':
      return {
        type: 'array',
        items: jsonSchemaOf(field.item),
        ...(field.min === undefined ? {} : { minItems: field.min }),
        ...(field.max === undefined ? {} : { maxItems: field.max }),
        ...annotations,
      };
    case 'either':
      return { anyOf: field.options.map(jsonSchemaOf), ...annotations };
    case 'tagged':
      return {
        anyOf: [...new Set(Object.values(field.variants))].map(jsonSchemaOf),
        ...annotations,
      };
  }
}

/** ModelCardContent in the JSON Schema for editors: a string of JSON, or the card as a mapping. */
export function cardContentJsonSchema(): JsonSchema {
  return {
    description:
      "The model card of the package: a mapping of the model package card's sections, which the action sends as compact JSON, or the JSON as a string.",
    anyOf: [
      {
        type: 'string',
        maxLength: MAX_CARD_CHARACTERS,
        description: 'The card as a string of JSON, as the API takes it.',
      },
      {
        ...jsonSchemaOf(CARD),
        description:
          'The card as a mapping, sent as compact JSON: model_overview, intended_uses, business_details, training_details, evaluation_details, additional_information.',
      },
    ],
  };
}
