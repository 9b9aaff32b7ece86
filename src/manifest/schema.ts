/**
 * The manifest schema: the CreateModelPackage request as the SageMaker API defines it
 * (members, types, lengths, patterns, enums, list sizes) plus the rules between members
 * that SPEC §2 lists. This is the only description of the manifest in the code; the
 * committed JSON Schema (schema/model-package.schema.json) is generated from it.
 *
 * Constraints follow the SageMaker API reference. Patterns are anchored here because
 * the service matches them against the whole value.
 */
import * as z from 'zod/mini';
import * as sdkEnums from '../generated/sdk-enums.js';
import { closest } from '../suggest.js';
import { clip } from './problems.js';

/** Issue params that mark a finding as a warning rather than an error. */
export const WARNING = { severity: 'warning' } as const;

// ---------------------------------------------------------------- building blocks

function lengths(max: number, min: number) {
  return min > 0 ? [z.minLength(min), z.maxLength(max)] : [z.maxLength(max)];
}

function text(max: number, min = 0) {
  return z.string().check(...lengths(max, min));
}

function pattern(max: number, re: RegExp, expected: string, min = 0) {
  return z.string().check(...lengths(max, min), z.regex(re, { error: `expected ${expected}` }));
}

const opt = z.optional;

/** A list whose size limits are checked without hiding the problems of its items. */
function list<T extends z.ZodMiniType>(item: T, min: number, max?: number) {
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
        if (max !== undefined && value.length > max) {
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

/** A string-to-string map with a limit on its number of entries. */
function map(key: z.ZodMiniType<string>, value: z.ZodMiniType<string>, min: number, max: number) {
  return z.record(key, value).check(
    z.superRefine(
      (input, ctx) => {
        if (typeof input !== 'object' || input === null) return;
        const size = Object.keys(input).length;
        if (size < min || size > max) {
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

/**
 * An instance type. The SDK's enums lag the service, so a name they do not know is a
 * warning with the nearest known names, never an error.
 */
function instanceType(kind: keyof typeof INSTANCE_TYPES, id: string) {
  const known: readonly string[] = INSTANCE_TYPES[kind];
  const knownSet = new Set(known);
  const label = kind === 'transform' ? 'batch transform' : 'real-time inference';
  return z.string().check(
    z.minLength(1),
    z.superRefine((value, ctx) => {
      if (knownSet.has(value)) return;
      const hint = () => {
        const near = closest(value, known, 3, Number.POSITIVE_INFINITY);
        return near.length ? `; nearest known: ${near.join(', ')}` : '';
      };
      ctx.addIssue({
        code: 'custom',
        params: { ...WARNING, hint },
        continue: true,
        input: value,
        message: `'${clip(value, 60)}' is not a ${label} instance type known to this version of the AWS SDK`,
      });
    }),
    z.meta({ id, examples: [...known] }),
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

const tag = () =>
  z.strictObject({
    Key: pattern(128, TAG_RE, `a tag key of ${TAG_EXPECTED}`, 1),
    Value: pattern(256, TAG_RE, `a tag value of ${TAG_EXPECTED}`),
  });

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
  Tags: opt(list(tag(), 0, 50)),
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
      pattern(128, TAG_RE, `a key of ${TAG_EXPECTED}`, 1),
      pattern(256, TAG_RE, `a value of ${TAG_EXPECTED}`, 1),
      1,
      50,
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
      ModelCardContent: opt(text(100000)),
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

/** The rules between members (SPEC §2), checked whatever else is wrong with the manifest. */
function memberRules(input: unknown, ctx: z.core.$RefinementCtx): void {
  if (!isRecord(input)) return;
  const issue = (path: (string | number)[], message: string, at?: (string | number)[]) =>
    ctx.addIssue({
      code: 'custom',
      path,
      message,
      input,
      ...(at ? { params: { at } } : {}),
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
    if (has('ModelApprovalStatus')) {
      issue(
        ['ModelApprovalStatus'],
        'ModelApprovalStatus applies only to versioned packages (ModelPackageGroupName)',
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
    if (has('CertifyForMarketplace')) {
      issue(
        ['CertifyForMarketplace'],
        'CertifyForMarketplace applies only to unversioned packages (ModelPackageName): AWS Marketplace lists unversioned packages',
      );
    }
  }

  if (input.CertifyForMarketplace === true) {
    if (!has('ValidationSpecification')) {
      issue(
        ['ValidationSpecification'],
        'CertifyForMarketplace: true needs a ValidationSpecification with one validation profile: AWS Marketplace lists only validated packages',
        ['CertifyForMarketplace'],
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

/** The JSON Schema committed as schema/model-package.schema.json. */
export function manifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(manifestSchema, { unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    title: 'SageMaker model package manifest (CreateModelPackage request)',
    ...schema,
    oneOf: [
      { required: ['ModelPackageName'], not: { required: ['ModelPackageGroupName'] } },
      { required: ['ModelPackageGroupName'], not: { required: ['ModelPackageName'] } },
    ],
  };
}
