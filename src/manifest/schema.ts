/**
 * The manifest schema: the CreateModelPackage request as the SageMaker API defines it
 * (members, types, lengths, patterns, enums, list sizes) plus the rules between members
 * that SPEC §2 lists. This is the only description of the manifest in the code; the
 * committed JSON Schema (schema/model-package.schema.json) is generated from it.
 *
 * Constraints follow the SageMaker API reference. Patterns are anchored here because
 * the service matches them against the whole value.
 */
import { plural } from '../text.js';
import * as z from 'zod/mini';
import {
  ACTION_ENTRIES,
  ACTION_ENTRIES_DESCRIPTION,
  ACTION_KEY_PREFIX,
} from '../action-entries.js';
import * as sdkEnums from '../generated/sdk-enums.js';
import { closest } from '../suggest.js';
import { GITHUB_PROPERTIES, REFERENCE_SOURCE } from './expressions.js';
import { CARD_CONTENT_PATH, cardContentJsonSchema, checkCardContent } from './model-card.js';
import { clip } from './problems.js';

/** Issue params that mark a finding as a warning rather than an error. */
export const WARNING = { severity: 'warning' } as const;

// ---------------------------------------------------------------- building blocks

/** Length checks; an infinite `max` is no maximum (a listing's ARN patterns have none). */
function lengths(max: number, min: number) {
  return [
    ...(min > 0 ? [z.minLength(min)] : []),
    ...(Number.isFinite(max) ? [z.maxLength(max)] : []),
  ];
}

export function text(max: number, min = 0) {
  return z.string().check(...lengths(max, min));
}

/**
 * A string matching `re`. `expected` says in words what matches: the check's message and,
 * in the JSON Schema, the message editors show instead of the regular expression
 * (`patternErrorMessage`, read by VS Code and the YAML language server).
 */
export function pattern(max: number, re: RegExp, expected: string, min = 0) {
  const message = `expected ${expected}`;
  return z
    .string()
    .check(
      ...lengths(max, min),
      z.regex(re, { error: message }),
      z.meta({ patternErrorMessage: message }),
    );
}

export const opt = z.optional;

/**
 * A list whose size limits are checked without hiding the problems of its items. With
 * `checkMax: false` the maximum is only declared: the rules between members check it.
 */
export function list<T extends z.ZodMiniType>(
  item: T,
  min: number,
  max?: number,
  { checkMax = true } = {},
) {
  return z.array(item).check(
    z.superRefine(
      (value, ctx) => {
        if (!Array.isArray(value)) return;
        if (value.length < min) {
          ctx.addIssue({
            code: 'too_small',
            origin: 'array',
            minimum: min,
            inclusive: true,
            input: value,
          });
        }
        if (checkMax && max !== undefined && value.length > max) {
          ctx.addIssue({
            code: 'too_big',
            origin: 'array',
            maximum: max,
            inclusive: true,
            input: value,
          });
        }
      },
      { when: () => true },
    ),
    z.meta({ minItems: min, ...(max === undefined ? {} : { maxItems: max }) }),
  );
}

/**
 * How many entries the map at `path` has in the manifest: those whose key was refused are
 * no longer in the parsed value, but they count.
 */
function entryCount(
  value: Record<string, unknown>,
  ctx: z.core.$RefinementCtx,
  path: readonly PropertyKey[],
): number {
  const refused = ctx.issues.filter(
    (issue) =>
      issue.code === 'invalid_key' &&
      issue.path?.length === path.length + 1 &&
      path.every((segment, i) => issue.path![i] === segment),
  ).length;
  return Object.keys(value).length + refused;
}

/**
 * A string-to-string map with a limit on its number of entries. With `checkMax: false`
 * the maximum is only declared: the rules between members check it.
 */
function map(
  key: z.ZodMiniType<string>,
  value: z.ZodMiniType<string>,
  min: number,
  max: number,
  { checkMax = true } = {},
) {
  return z.record(key, value).check(
    z.superRefine(
      (input, ctx) => {
        if (typeof input !== 'object' || input === null) return;
        const size = entryCount(input, ctx, []);
        if (size < min || (checkMax && size > max)) {
          ctx.addIssue({
            code: 'custom',
            message: `expected ${min} to ${max} entries, found ${size}`,
            input,
          });
        }
      },
      { when: () => true },
    ),
    z.meta({ minProperties: min, maxProperties: max }),
  );
}

/**
 * A whole number. Zod's own integer check stops the checks of every enclosing schema,
 * which would hide the problems found around it; this one does not.
 */
function wholeNumber(min: number) {
  return z.number().check(
    z.superRefine((value, ctx) => {
      if (!Number.isInteger(value)) {
        ctx.addIssue({ code: 'invalid_type', expected: 'int', input: value });
      } else if (value < min) {
        ctx.addIssue({
          code: 'too_small',
          origin: 'number',
          minimum: min,
          inclusive: true,
          input: value,
        });
      }
    }),
    z.meta({ type: 'integer', minimum: min }),
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values);
}

const INSTANCE_TYPES = {
  transform: sdkEnums.TransformInstanceType,
  realtime: sdkEnums.ProductionVariantInstanceType,
} as const;

/** ml.<family>.<size>, as every SageMaker instance type is spelled: ml.m5.large, ml.p6-b200.48xlarge. */
const INSTANCE_TYPE_RE = /^ml\.[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/;

/** Why a value can never be an instance type, and what to write instead. */
function malformedInstanceType(value: string, known: readonly string[]): string {
  const normalized = value.trim().toLowerCase();
  const reasons: string[] = [];
  if (value !== value.trim()) reasons.push('has spaces around it');
  if (value !== value.toLowerCase()) reasons.push('has upper-case letters');
  if (!INSTANCE_TYPE_RE.test(normalized)) reasons.push("is not of the form 'ml.<family>.<size>'");
  const fixed =
    INSTANCE_TYPE_RE.test(normalized) || !INSTANCE_TYPE_RE.test(`ml.${normalized}`)
      ? normalized
      : `ml.${normalized}`;
  const hint = known.includes(fixed)
    ? `write '${fixed}'`
    : `write a name such as ${closest(fixed, known, 3, Number.POSITIVE_INFINITY)
        .map((name) => `'${name}'`)
        .join(', ')}`;
  const said =
    reasons.length > 1 ? `${reasons.slice(0, -1).join(', ')} and ${reasons.at(-1)}` : reasons[0];
  return `'${value}' can never be an instance type: it ${said}; ${hint}`;
}

/**
 * An instance type. A value that can never be one is an error. The SDK's enums lag the
 * service, so a well-formed name they do not know is a warning with the nearest known
 * names, never an error.
 */
function instanceType(kind: keyof typeof INSTANCE_TYPES, id: string) {
  const known: readonly string[] = INSTANCE_TYPES[kind];
  const knownSet = new Set(known);
  const label = kind === 'transform' ? 'batch transform' : 'real-time inference';
  return z.string().check(
    z.regex(INSTANCE_TYPE_RE, {
      error: (issue) => malformedInstanceType(String(issue.input), known),
    }),
    z.superRefine((value, ctx) => {
      if (knownSet.has(value) || !INSTANCE_TYPE_RE.test(value)) return;
      const hint = () => {
        const near = closest(value, known, 3, Number.POSITIVE_INFINITY);
        return (
          (near.length ? ` (nearest known: ${near.join(', ')})` : '') +
          '; correct it unless the instance type is newer than the SDK'
        );
      };
      ctx.addIssue({
        code: 'custom',
        params: { ...WARNING, hint },
        continue: true,
        input: value,
        message: `'${clip(value, 60)}' is not a ${label} instance type known to this version of the AWS SDK`,
      });
    }),
    z.meta({
      id,
      examples: [...known],
      patternErrorMessage:
        'expected an instance type such as ml.m5.large: ml.<family>.<size> in lower case',
    }),
  );
}

// ---------------------------------------------------------------- shared shapes

const NAME_RE = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const NAME_EXPECTED =
  'a name of 1 to 63 letters (a-z, A-Z), digits and hyphens, starting and ending with a letter or digit';
const entityName = () => pattern(63, NAME_RE, NAME_EXPECTED, 1);

const ARN_OR_NAME_RE =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$/;
const arnOrName = (what: string) =>
  pattern(170, ARN_OR_NAME_RE, `${what} name (1 to 63 letters, digits and hyphens) or its ARN`, 1);

const URL_RE = /^(https|s3):\/\/([^/]+)\/?(.*)$/;
const url = () => pattern(1024, URL_RE, 'an s3:// or https:// URL');

const DIGEST_RE = /^[Ss][Hh][Aa]256:[0-9a-fA-F]{64}$/;
const digest = () => pattern(72, DIGEST_RE, 'a digest of the form sha256:<64 hex digits>');

const KMS_RE = /^[a-zA-Z0-9:/_-]*$/;
const kmsKeyId = () => pattern(2048, KMS_RE, 'a KMS key ID, alias or ARN');

// As in the service's patterns, '.' stops at a line break.
const SINGLE_LINE_RE = /^.*$/;
const singleLine = (max: number) => pattern(max, SINGLE_LINE_RE, 'a single line of text');

const DESCRIPTION_RE = /^[\p{L}\p{M}\p{Z}\p{S}\p{N}\p{P}]*$/u;
const description = () =>
  pattern(
    1024,
    DESCRIPTION_RE,
    'text of letters, digits, spaces, punctuation and symbols, without line breaks or other control characters',
  );

const CONTENT_TYPE = singleLine(256);
const MIME_TYPE_RE = /^[-\w]+\/.+$/;
const responseMimeType = () =>
  pattern(1024, MIME_TYPE_RE, "a MIME type of the form 'type/subtype', such as application/json");

const ROLE_ARN_RE = /^arn:aws[a-z-]*:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const roleArn = () =>
  pattern(2048, ROLE_ARN_RE, 'an IAM role ARN such as arn:aws:iam::123456789012:role/Name', 20);

const ENV_KEY_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const envKey = (max: number) =>
  pattern(max, ENV_KEY_RE, 'an environment variable name ([a-zA-Z_][a-zA-Z0-9_]*)', 0);

const TAG_RE = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const TAG_EXPECTED = 'letters, digits, spaces and _ . : / = + - @';

const metricsSource = z
  .strictObject({
    ContentType: CONTENT_TYPE,
    ContentDigest: opt(digest()),
    S3Uri: url(),
  })
  .check(z.meta({ id: 'MetricsSource' }));

const fileSource = z
  .strictObject({
    ContentType: opt(CONTENT_TYPE),
    ContentDigest: opt(digest()),
    S3Uri: url(),
  })
  .check(z.meta({ id: 'FileSource' }));

const s3ModelDataSource = z
  .strictObject({
    S3Uri: url(),
    S3DataType: oneOf(sdkEnums.S3ModelDataType),
    CompressionType: oneOf(sdkEnums.ModelCompressionType),
    ModelAccessConfig: opt(z.strictObject({ AcceptEula: z.boolean() })),
    HubAccessConfig: opt(
      z.strictObject({
        HubContentArn: singleLine(255),
      }),
    ),
    ManifestS3Uri: opt(url()),
    ETag: opt(z.string()),
    ManifestEtag: opt(z.string()),
  })
  .check(z.meta({ id: 'S3ModelDataSource' }));

const modelDataSource = z
  .strictObject({ S3DataSource: opt(s3ModelDataSource) })
  .check(z.meta({ id: 'ModelDataSource' }));

const container = z
  .strictObject({
    ContainerHostname: opt(
      pattern(
        63,
        NAME_RE,
        'a host name of letters, digits and hyphens, starting and ending with a letter or digit',
      ),
    ),
    Image: opt(pattern(255, /^[\S]+$/, 'an image URI without spaces')),
    ImageDigest: opt(digest()),
    ModelDataUrl: opt(url()),
    ModelDataSource: opt(modelDataSource),
    ProductId: opt(
      pattern(256, /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, 'a product ID of letters, digits and hyphens'),
    ),
    Environment: opt(map(envKey(1024), text(1024), 0, 100)),
    ModelInput: opt(z.strictObject({ DataInputConfig: text(16384, 1) })),
    Framework: opt(z.string()),
    FrameworkVersion: opt(
      pattern(
        10,
        /^[0-9]\.[A-Za-z0-9.-]+$/,
        "a version such as '2.1' (a digit, a dot, then letters, digits, dots or hyphens)",
        3,
      ),
    ),
    NearestModelName: opt(z.string()),
    AdditionalModelDataSources: opt(
      list(
        z.strictObject({
          ChannelName: pattern(
            64,
            /^[A-Za-z0-9.\-_]+$/,
            'a channel name of letters, digits, dots, hyphens and underscores',
            1,
          ),
          S3DataSource: s3ModelDataSource,
        }),
        0,
        5,
      ),
    ),
    AdditionalS3DataSource: opt(
      z.strictObject({
        S3DataType: oneOf(sdkEnums.AdditionalS3DataSourceDataType),
        S3Uri: url(),
        CompressionType: opt(oneOf(sdkEnums.CompressionType)),
        ETag: opt(z.string()),
      }),
    ),
    ModelDataETag: opt(z.string()),
    IsCheckpoint: opt(z.boolean()),
    BaseModel: opt(
      z.strictObject({
        HubContentName: opt(pattern(63, NAME_RE, NAME_EXPECTED)),
        HubContentVersion: opt(
          pattern(14, /^\d{1,4}.\d{1,4}.\d{1,4}$/, "a version such as '1.2.3'", 5),
        ),
        RecipeName: opt(text(255)),
      }),
    ),
  })
  .check(z.meta({ id: 'ModelPackageContainerDefinition' }));

const TRANSFORM_INSTANCE_TYPE = instanceType('transform', 'TransformInstanceType');
const REALTIME_INSTANCE_TYPE = instanceType('realtime', 'ProductionVariantInstanceType');
const contentTypes = list(CONTENT_TYPE, 0);
const responseMimeTypes = list(responseMimeType(), 0);
const transformInstanceTypes = list(TRANSFORM_INSTANCE_TYPE, 1);
const realtimeInstanceTypes = list(REALTIME_INSTANCE_TYPE, 0);

const inferenceSpecification = () =>
  z.strictObject({
    Containers: list(container, 1, 15),
    SupportedTransformInstanceTypes: opt(transformInstanceTypes),
    SupportedRealtimeInferenceInstanceTypes: opt(realtimeInstanceTypes),
    SupportedContentTypes: opt(contentTypes),
    SupportedResponseMIMETypes: opt(responseMimeTypes),
  });

const transformJobDefinition = () =>
  z.strictObject({
    MaxConcurrentTransforms: opt(wholeNumber(0)),
    MaxPayloadInMB: opt(wholeNumber(0)),
    BatchStrategy: opt(oneOf(sdkEnums.BatchStrategy)),
    Environment: opt(map(envKey(1024), text(10240), 0, 16)),
    TransformInput: z.strictObject({
      DataSource: z.strictObject({
        S3DataSource: z.strictObject({
          S3DataType: oneOf(sdkEnums.S3DataType),
          S3Uri: url(),
        }),
      }),
      ContentType: opt(CONTENT_TYPE),
      CompressionType: opt(oneOf(sdkEnums.CompressionType)),
      SplitType: opt(oneOf(sdkEnums.SplitType)),
    }),
    TransformOutput: z.strictObject({
      S3OutputPath: url(),
      Accept: opt(CONTENT_TYPE),
      AssembleWith: opt(oneOf(sdkEnums.AssemblyType)),
      KmsKeyId: opt(kmsKeyId()),
    }),
    TransformResources: z.strictObject({
      InstanceType: TRANSFORM_INSTANCE_TYPE,
      InstanceCount: wholeNumber(1),
      VolumeKmsKeyId: opt(kmsKeyId()),
      TransformAmiVersion: opt(
        pattern(
          63,
          /^[a-zA-Z0-9]+(-[a-zA-Z0-9]+)*$/,
          'an AMI version of letters, digits and hyphens',
          1,
        ),
      ),
    }),
  });

/** Tags and CustomerMetadataProperties hold at most this many entries each. */
const MAX_ENTRIES = 50;

/** A tag or customer metadata property key: the action's own prefix is refused. */
const entryKey = (expected: string) =>
  pattern(128, TAG_RE, expected, 1).check(
    z.superRefine((value, ctx) => {
      if (!value.startsWith(ACTION_KEY_PREFIX)) return;
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `'${value}' starts with '${ACTION_KEY_PREFIX}', which is reserved for the action's own entries; rename the key`,
      });
    }),
    z.meta({
      not: {
        pattern: `^${ACTION_KEY_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        patternErrorMessage: `expected a key that does not start with '${ACTION_KEY_PREFIX}' (reserved for the action's own entries)`,
      },
    }),
  );

const tag = () =>
  z.strictObject({
    Key: entryKey(`a tag key of ${TAG_EXPECTED}`),
    Value: pattern(256, TAG_RE, `a tag value of ${TAG_EXPECTED}`),
  });

/**
 * ModelCard.ModelCardContent: a string of JSON, as the API takes it, or the card as a
 * mapping, which the request holds as compact JSON (model-card.ts). Either way the content
 * is checked against the model package card schema, each problem at its own member.
 */
const cardContent = () =>
  z.custom<string>().check(
    z.superRefine((value: unknown, ctx) => {
      // The members of a string of JSON have no place of their own: they are at the string.
      const inString = typeof value === 'string';
      checkCardContent(value, ({ path, message, warning, onKey, hint }) =>
        ctx.addIssue({
          code: 'custom',
          path,
          message,
          input: value,
          continue: true,
          params: {
            ...(warning ? WARNING : {}),
            ...(inString ? { at: [...CARD_CONTENT_PATH] } : onKey ? { onKey } : {}),
            ...(hint ? { hint } : {}),
          },
        }),
      );
    }),
    z.meta(cardContentJsonSchema()),
  );

const drift = <T extends z.core.$ZodShape>(shape: T) => opt(z.strictObject(shape));
const statisticsAndConstraints = drift({
  Statistics: opt(metricsSource),
  Constraints: opt(metricsSource),
});

// ---------------------------------------------------------------- the manifest

export const CLIENT_TOKEN_MESSAGE =
  'ClientToken is set by the action to make creation idempotent; remove it from the manifest';

const manifestShape = {
  ModelPackageName: opt(
    entityName().check(
      z.meta({
        description:
          'Name of an unversioned model package (AWS Marketplace). Exclusive with ModelPackageGroupName.',
      }),
    ),
  ),
  ModelPackageGroupName: opt(
    arnOrName('a model package group').check(
      z.meta({
        description:
          'Group to add a new version to (model registry). Exclusive with ModelPackageName.',
      }),
    ),
  ),
  ModelPackageDescription: opt(description()),
  ModelPackageRegistrationType: opt(oneOf(sdkEnums.ModelPackageRegistrationType)),
  InferenceSpecification: opt(
    inferenceSpecification().check(
      z.meta({
        description: 'Inference containers and the instance types and content types they support.',
      }),
    ),
  ),
  ValidationSpecification: opt(
    z
      .strictObject({
        ValidationRole: roleArn(),
        ValidationProfiles: list(
          z.strictObject({
            ProfileName: entityName(),
            TransformJobDefinition: transformJobDefinition(),
          }),
          1,
          1,
        ),
      })
      .check(
        z.meta({ description: 'The batch transform job SageMaker runs to validate the package.' }),
      ),
  ),
  SourceAlgorithmSpecification: opt(
    z
      .strictObject({
        SourceAlgorithms: list(
          z.strictObject({
            ModelDataUrl: opt(url()),
            ModelDataSource: opt(modelDataSource),
            ModelDataETag: opt(z.string()),
            AlgorithmName: arnOrName('an algorithm'),
          }),
          1,
          1,
        ),
      })
      .check(
        z.meta({
          description:
            'The algorithm the model was trained with, instead of an InferenceSpecification.',
        }),
      ),
  ),
  CertifyForMarketplace: opt(
    z
      .boolean()
      .check(z.meta({ description: 'Whether the package is to be listed on AWS Marketplace.' })),
  ),
  // Where the action adds its own entries, the rules between members check the limit.
  Tags: opt(list(tag(), 0, MAX_ENTRIES - ACTION_ENTRIES, { checkMax: false })),
  ModelApprovalStatus: opt(oneOf(sdkEnums.ModelApprovalStatus)),
  MetadataProperties: opt(
    z.strictObject({
      CommitId: opt(singleLine(1024)),
      Repository: opt(singleLine(1024)),
      GeneratedBy: opt(singleLine(1024)),
      ProjectId: opt(singleLine(1024)),
    }),
  ),
  ModelMetrics: opt(
    z.strictObject({
      ModelQuality: statisticsAndConstraints,
      ModelDataQuality: statisticsAndConstraints,
      Bias: drift({
        Report: opt(metricsSource),
        PreTrainingReport: opt(metricsSource),
        PostTrainingReport: opt(metricsSource),
      }),
      Explainability: drift({ Report: opt(metricsSource) }),
    }),
  ),
  ClientToken: opt(z.never({ error: CLIENT_TOKEN_MESSAGE })),
  Domain: opt(z.string()),
  Task: opt(z.string()),
  SamplePayloadUrl: opt(url()),
  CustomerMetadataProperties: opt(
    map(
      entryKey(`a key of ${TAG_EXPECTED}`),
      pattern(256, TAG_RE, `a value of ${TAG_EXPECTED}`, 1),
      1,
      MAX_ENTRIES,
      { checkMax: false },
    ),
  ),
  DriftCheckBaselines: opt(
    z.strictObject({
      Bias: drift({
        ConfigFile: opt(fileSource),
        PreTrainingConstraints: opt(metricsSource),
        PostTrainingConstraints: opt(metricsSource),
      }),
      Explainability: drift({
        Constraints: opt(metricsSource),
        ConfigFile: opt(fileSource),
      }),
      ModelQuality: statisticsAndConstraints,
      ModelDataQuality: statisticsAndConstraints,
    }),
  ),
  AdditionalInferenceSpecifications: opt(
    list(
      z.strictObject({
        Name: entityName(),
        Description: opt(description()),
        Containers: list(container, 1, 15),
        SupportedTransformInstanceTypes: opt(transformInstanceTypes),
        SupportedRealtimeInferenceInstanceTypes: opt(realtimeInstanceTypes),
        SupportedContentTypes: opt(contentTypes),
        SupportedResponseMIMETypes: opt(responseMimeTypes),
      }),
      1,
      15,
    ),
  ),
  SkipModelValidation: opt(oneOf(sdkEnums.SkipModelValidation)),
  SourceUri: opt(
    pattern(
      1024,
      /^[\p{L}\p{M}\p{Z}\p{N}\p{P}]*$/u,
      'a URI of letters, digits, spaces and punctuation',
    ),
  ),
  SecurityConfig: opt(z.strictObject({ KmsKeyId: kmsKeyId() })),
  ModelCard: opt(
    z.strictObject({
      ModelCardContent: opt(cardContent()),
      ModelCardStatus: opt(oneOf(sdkEnums.ModelCardStatus)),
    }),
  ),
  ModelLifeCycle: opt(
    z.strictObject({
      Stage: pattern(63, NAME_RE, NAME_EXPECTED, 1),
      StageStatus: pattern(63, NAME_RE, NAME_EXPECTED, 1),
      StageDescription: opt(singleLine(1024)),
    }),
  ),
  ManagedStorageType: opt(oneOf(sdkEnums.ManagedStorageType)),
};

/** The members a manifest may have at its top level, for "did you mean". */
export const MANIFEST_MEMBERS = Object.keys(manifestShape);

type Issue = Parameters<z.core.$RefinementCtx['addIssue']>[0];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The limit on the entries of Tags or CustomerMetadataProperties. Where the action adds
 * its own (tags on unversioned packages, customer metadata properties on versions), the
 * manifest must leave room for them.
 */
function roomForActionEntries(
  member: 'Tags' | 'CustomerMetadataProperties',
  size: number,
  actionAdds: boolean,
  issue: (path: (string | number)[], message: string) => void,
): void {
  const allowed = actionAdds ? MAX_ENTRIES - ACTION_ENTRIES : MAX_ENTRIES;
  if (size <= allowed) return;
  const entries = (n: number) => `${plural(n, 'entry', 'entries')}`;
  issue(
    [member],
    actionAdds
      ? `${member} has ${entries(size)}, but SageMaker allows ${MAX_ENTRIES} and the action adds ${entries(ACTION_ENTRIES)} of its own (${ACTION_ENTRIES_DESCRIPTION}): a manifest may have at most ${entries(allowed)} here; remove ${size - allowed}`
      : `${member} has ${entries(size)}; SageMaker allows at most ${MAX_ENTRIES}: remove ${size - allowed}`,
  );
}

/** The rules between members (SPEC §2), checked whatever else is wrong with the manifest. */
function memberRules(input: unknown, ctx: z.core.$RefinementCtx): void {
  if (!isRecord(input)) return;
  const issue = (
    path: (string | number)[],
    message: string,
    { at, warning = false }: { at?: (string | number)[]; warning?: boolean } = {},
  ) =>
    ctx.addIssue({
      code: 'custom',
      path,
      message,
      input,
      params: { ...(warning ? WARNING : {}), ...(at ? { at } : {}) },
    } as Issue);
  const has = (key: string) => input[key] !== undefined;
  const named = has('ModelPackageName');
  const grouped = has('ModelPackageGroupName');
  // The rules for one kind of package apply when the kind is clear.
  const unversioned = named && !grouped;
  const versioned = grouped && !named;

  if (named && grouped) {
    issue(
      ['ModelPackageGroupName'],
      'ModelPackageName and ModelPackageGroupName exclude each other: use ModelPackageName for an unversioned package (AWS Marketplace) or ModelPackageGroupName for a new version in a group (model registry)',
    );
  } else if (!named && !grouped) {
    issue(
      [],
      'neither ModelPackageName nor ModelPackageGroupName is set: use ModelPackageName for an unversioned package (AWS Marketplace) or ModelPackageGroupName for a new version in a group (model registry)',
    );
  }

  if (unversioned) {
    const inference = input.InferenceSpecification;
    if (inference !== undefined && has('SourceAlgorithmSpecification')) {
      issue(
        ['SourceAlgorithmSpecification'],
        'an unversioned package has InferenceSpecification or SourceAlgorithmSpecification, not both',
      );
    } else if (inference === undefined && !has('SourceAlgorithmSpecification')) {
      issue(
        [],
        'an unversioned package needs InferenceSpecification (its inference containers) or SourceAlgorithmSpecification (the algorithm it was trained with)',
      );
    }
    if (isRecord(inference)) {
      for (const member of [
        'SupportedTransformInstanceTypes',
        'SupportedRealtimeInferenceInstanceTypes',
      ]) {
        if (inference[member] === undefined) {
          issue(
            ['InferenceSpecification', member],
            `${member} is required for an unversioned package: list the instance types it supports for ${member.includes('Transform') ? 'batch transform' : 'real-time inference'}`,
          );
        }
      }
    }
    // The SageMaker Python SDK sends it for every package, and SageMaker accepts it.
    if (has('ModelApprovalStatus')) {
      issue(
        ['ModelApprovalStatus'],
        'ModelApprovalStatus has no effect on an unversioned package (ModelPackageName): only versions in a model package group are approved; remove it',
        { warning: true },
      );
    }
  }

  if (versioned) {
    if (has('Tags')) {
      issue(
        ['Tags'],
        'Tags are accepted only on unversioned packages (ModelPackageName); a version takes the tags of its model package group',
      );
    }
    // The SageMaker Python SDK sends it for every package (false unless asked), and
    // SageMaker accepts it; false is the default and says nothing.
    if (input.CertifyForMarketplace === true) {
      issue(
        ['CertifyForMarketplace'],
        'CertifyForMarketplace: true has no effect on a version in a model package group (ModelPackageGroupName): AWS Marketplace lists only unversioned packages (ModelPackageName); remove it, or use ModelPackageName to list the package',
        { warning: true },
      );
    }
  }

  const sizeOf = (member: string) => {
    const value = input[member];
    if (Array.isArray(value)) return value.length;
    return isRecord(value) ? entryCount(value, ctx, [member]) : 0;
  };
  roomForActionEntries('Tags', sizeOf('Tags'), unversioned, issue);
  roomForActionEntries(
    'CustomerMetadataProperties',
    sizeOf('CustomerMetadataProperties'),
    versioned,
    issue,
  );

  if (input.CertifyForMarketplace === true && !versioned) {
    if (!has('ValidationSpecification')) {
      issue(
        ['ValidationSpecification'],
        'CertifyForMarketplace: true needs a ValidationSpecification with one validation profile: AWS Marketplace lists only validated packages',
        { at: ['CertifyForMarketplace'] },
      );
    }
    const inference = input.InferenceSpecification;
    if (isRecord(inference)) {
      for (const member of ['SupportedContentTypes', 'SupportedResponseMIMETypes']) {
        const value = inference[member];
        if (!Array.isArray(value) || value.length === 0) {
          issue(
            ['InferenceSpecification', member],
            `CertifyForMarketplace: true needs InferenceSpecification.${member} with at least one entry`,
          );
        }
      }
    }
  }
}

export const manifestSchema = z
  .strictObject(manifestShape)
  .check(z.superRefine(memberRules, { when: () => true }));

export type ModelPackageManifest = z.infer<typeof manifestSchema>;

// ---------------------------------------------------------------- the JSON Schema

type JsonSchema = Record<string, unknown>;

/** The keywords that can refuse a string holding an expression. */
const STRING_CONSTRAINTS = [
  'minLength',
  'maxLength',
  'pattern',
  'patternErrorMessage',
  'format',
  'enum',
  'const',
];

/** Keywords whose value is a schema, a list of schemas, or a map of schemas. */
const SUBSCHEMA = ['items', 'additionalProperties', 'not', 'contains', 'if', 'then', 'else'];
const SUBSCHEMA_LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs'];

const EXPRESSION_DEF = 'Expression';
const EXPRESSION: JsonSchema = {
  type: 'string',
  pattern: REFERENCE_SOURCE,
  patternErrorMessage: 'expected ${{ github.<name> }} or ${{ env.<NAME> }}',
  description: `Text holding \${{ github.${GITHUB_PROPERTIES.join(' }}, ${{ github.')} }} or \${{ env.NAME }} expressions, which the action replaces before it checks the value.`,
};

/**
 * The JSON Schema of a manifest as written, before its expressions are resolved (SPEC §2).
 * A string with a pattern, an enum or lengths also accepts any string holding an
 * expression, since the value it resolves to could be valid; lengths do not apply to it
 * either, since an expression's text says nothing of its value's length. Member names
 * (propertyNames) are never resolved, so they accept no expression; nor do numbers and
 * booleans.
 */
function acceptingExpressions(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA.includes(key) && isRecord(value)) {
      out[key] = acceptingExpressions(value);
    } else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((item) => (isRecord(item) ? acceptingExpressions(item) : item));
    } else if (SUBSCHEMA_MAPS.includes(key) && isRecord(value)) {
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [
          name,
          isRecord(item) ? acceptingExpressions(item) : item,
        ]),
      );
    } else {
      out[key] = value;
    }
  }
  // A minimum length of 1 asks for a string that is not empty, which an expression is.
  const refuses = (key: string) => key in out && !(key === 'minLength' && out.minLength === 1);
  if (out.type !== 'string' || !STRING_CONSTRAINTS.some(refuses)) return out;
  const { type, ...rest } = out;
  const value = Object.fromEntries(
    Object.entries(rest).filter(([key]) => STRING_CONSTRAINTS.includes(key)),
  );
  const annotations = Object.entries(rest).filter(([key]) => !STRING_CONSTRAINTS.includes(key));
  return {
    type,
    // The value itself comes first: editors report the first alternative's problems.
    anyOf: [value, { $ref: `#/$defs/${EXPRESSION_DEF}` }],
    ...Object.fromEntries(annotations),
  };
}

/**
 * The JSON Schema of a document whose schema is built from the helpers above: its strings
 * accept expressions (acceptingExpressions), which `$defs` defines.
 */
export function documentJsonSchema(schema: z.ZodMiniType, title: string): JsonSchema {
  const json = z.toJSONSchema(schema, { unrepresentable: 'any' }) as JsonSchema;
  const { $defs, ...rest } = acceptingExpressions(json);
  if (isRecord($defs) && EXPRESSION_DEF in $defs) {
    throw new Error(`the schema of ${title} already defines ${EXPRESSION_DEF}`);
  }
  return {
    $schema: json.$schema,
    title,
    ...rest,
    $defs: { ...(isRecord($defs) ? $defs : {}), [EXPRESSION_DEF]: EXPRESSION },
  };
}

/** The JSON Schema committed as schema/model-package.schema.json. */
export function manifestJsonSchema(): Record<string, unknown> {
  return {
    ...documentJsonSchema(
      manifestSchema,
      'SageMaker model package manifest (CreateModelPackage request)',
    ),
    oneOf: [
      { required: ['ModelPackageName'], not: { required: ['ModelPackageGroupName'] } },
      { required: ['ModelPackageGroupName'], not: { required: ['ModelPackageName'] } },
    ],
    // On a version the action adds its entries to CustomerMetadataProperties.
    if: { required: ['ModelPackageGroupName'] },
    then: {
      properties: {
        CustomerMetadataProperties: { type: 'object', maxProperties: MAX_ENTRIES - ACTION_ENTRIES },
      },
    },
  };
}
