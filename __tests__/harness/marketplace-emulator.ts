/**
 * The project's own emulator of the AWS Marketplace Catalog API: a real HTTP server on
 * 127.0.0.1 that speaks rest-json as @aws-sdk/client-marketplace-catalog sends it
 * (`POST /StartChangeSet`, `GET /DescribeChangeSet?catalog=&changeSetId=`,
 * `POST /ListChangeSets`, `GET /DescribeEntity?catalog=&entityId=`, `POST /ListEntities`,
 * `PATCH /CancelChangeSet?catalog=&changeSetId=`), signed with SigV4 for the signing name
 * `aws-marketplace` in `us-east-1`.
 *
 * Tests seed `MachineLearningProduct@1.0` entities (a product ID, a title, versions with
 * the SageMaker model package of their delivery option) and entities of other types. An
 * `AddDeliveryOptions` change set is played forward on the test's clock: PREPARING, then
 * APPLYING, then SUCCEEDED (a new version on the product) or FAILED with `ErrorDetailList`.
 * The product is locked (ResourceInUseException) while a change set on it is open.
 *
 * Sources: the service model (botocore `marketplace-catalog/2018-09-17/service-2.json`:
 * member lengths and patterns, error HTTP statuses) and the SDK's schemas (routes, query
 * members, `ValidationExceptionFieldList`); the change's details follow
 * awslabs/aws-marketplace-catalog-api-shapes-for-python
 * (`AddVersion`, `AddDeliveryOptionsSageMakerModelPackageDeliveryOptionDetails`). Error
 * messages are the emulator's own wording unless a note says otherwise; see the notes next
 * to each rule for what is a guess.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export const ML_PRODUCT_TYPE = 'MachineLearningProduct@1.0';
export const CATALOG = 'AWSMarketplace';

/** A version of a seeded product: its delivery option lists one SageMaker model package. */
export interface SeededVersion {
  title: string;
  modelPackageArn: string;
  releaseNotes?: string;
  /** Defaults to a generated ID. */
  id?: string;
  /** Defaults to a generated ID. */
  deliveryOptionId?: string;
  /** Default `Public`. */
  visibility?: string;
  /** ISO 8601; default the emulator's clock at seeding. */
  creationDate?: string;
}

export interface SeededProduct {
  id: string;
  title: string;
  versions?: SeededVersion[];
  /** Default `Limited`. */
  visibility?: string;
}

/** An entity of another type (e.g. `SaaSProduct@1.0`, `Offer@1.0`). */
export interface SeededEntity {
  id: string;
  type: string;
  name?: string;
  details?: Record<string, unknown>;
}

export interface ErrorDetail {
  ErrorCode: string;
  ErrorMessage: string;
}

/** An outcome a test forces on change sets, whatever their details say. */
export type ForcedOutcome =
  | { failureCode: 'CLIENT_ERROR'; errors: ErrorDetail[] }
  | { failureCode: 'SERVER_FAULT'; description?: string };

export type CatalogFault =
  | { kind: 'throttle' } // 429 ThrottlingException
  | { kind: 'internal-error' } // 500 InternalServiceException
  | { kind: 'drop-connection' }; // destroy the socket without answering

export interface MarketplaceEmulatorOptions {
  accountId?: string;
  /** Clock in ms, default Date.now; all timing uses it. */
  now?: () => number;
  /** How long a change set stays PREPARING, then APPLYING, in ms (defaults 60 000 and 120 000). */
  preparingMs?: number;
  applyingMs?: number;
  /**
   * Whether `Intent: VALIDATE` is refused for machine-learning products with
   * ValidationException (the service model says VALIDATE is for single-AMI products; the
   * ML add-version page says it works for ML products). Default true.
   */
  refuseValidateForMl?: boolean;
}

export interface CatalogRecordedRequest {
  operation: string;
  method: string;
  /** The query string's parameters. */
  query: Record<string, string>;
  /** The JSON body ({} for GET). */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
  accessKeyId?: string;
  /** The error code the emulator answered with, if any. */
  refused?: string;
}

export type ChangeSetStatus = 'PREPARING' | 'APPLYING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** A change set as the emulator holds it (for assertions). */
export interface ChangeSetView {
  id: string;
  name?: string;
  intent: 'APPLY' | 'VALIDATE';
  token?: string;
  entityIds: string[];
  status: ChangeSetStatus;
  startedAt: number;
}

export interface ProductView {
  id: string;
  title: string;
  versions: Required<SeededVersion>[];
}

export interface MarketplaceEmulator {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request, in order, faulted ones included. */
  requests: CatalogRecordedRequest[];
  /** The first request, recorded already or still to come, that `match`es. */
  when(match: (request: CatalogRecordedRequest) => boolean): Promise<CatalogRecordedRequest>;
  /** Queue faults: the next `count` requests (optionally only of `operation`) get `fault`. */
  inject(fault: CatalogFault, options?: { count?: number; operation?: string }): void;
  /** Requests per operation, e.g. { StartChangeSet: 1, DescribeChangeSet: 4 }. */
  counts(): Record<string, number>;
  seedProduct(product: SeededProduct): void;
  seedEntity(entity: SeededEntity): void;
  /** A product's versions as they are now (after playing change sets forward). */
  product(id: string): ProductView | undefined;
  /** The instance types a model package supports; recommended types outside them fail the change. */
  setPackageInstanceTypes(
    modelPackageArn: string,
    types: { realtimeInference: string[]; batchTransform: string[] },
  ): void;
  /** Forces the outcome of the next `count` change sets started from now on (default 1). */
  forceOutcome(outcome: ForcedOutcome, options?: { count?: number }): void;
  /** Refuses an operation (e.g. `StartChangeSet`) with AccessDeniedException; `allow` undoes it. */
  deny(operation: string): void;
  allow(operation: string): void;
  /** Switches EmulatorOptions.refuseValidateForMl. */
  setRefuseValidateForMl(refuse: boolean): void;
  changeSets(): ChangeSetView[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// State

type Json = Record<string, unknown>;

interface StoredVersion extends Required<SeededVersion> {
  details: Json;
}

interface StoredEntity {
  id: string;
  type: string;
  name: string;
  /** Revision, bumped by every applied change. */
  revision: number;
  lastModified: number;
  visibility: string;
  /** For ML products. */
  versions: StoredVersion[];
  /** For other entities: their details as seeded. */
  details: Json;
}

interface StoredChange {
  ChangeType: string;
  Entity: { Type: string; Identifier: string };
  details: Json;
  ChangeName?: string;
  errors: ErrorDetail[];
}

interface StoredChangeSet {
  id: string;
  arn: string;
  name?: string;
  intent: 'APPLY' | 'VALIDATE';
  token?: string;
  changes: StoredChange[];
  startedAt: number;
  cancelledAt?: number;
  forced?: ForcedOutcome;
  /** Set once the change set ended. */
  final?: {
    status: 'SUCCEEDED' | 'FAILED';
    at: number;
    failureCode?: string;
    description?: string;
  };
}

interface Backend {
  accountId: string;
  now: () => number;
  preparingMs: number;
  applyingMs: number;
  refuseValidateForMl: boolean;
  entities: Map<string, StoredEntity>;
  changeSets: StoredChangeSet[];
  tokens: Map<string, { fingerprint: string; changeSet: StoredChangeSet }>;
  instanceTypes: Map<string, { realtimeInference: string[]; batchTransform: string[] }>;
  forced: { outcome: ForcedOutcome; remaining: number }[];
  denied: Set<string>;
  faults: { fault: CatalogFault; remaining: number; operation?: string }[];
  requests: CatalogRecordedRequest[];
  waiters: {
    match: (r: CatalogRecordedRequest) => boolean;
    resolve: (r: CatalogRecordedRequest) => void;
  }[];
}

interface FieldError {
  Reason: 'FieldValidationFailed' | 'CannotParse' | 'Other';
  Field: string;
  Message: string;
  EntityType?: string;
  EntityId?: string;
  ChangeType?: string;
}

/** Statuses from the service model (and the SDK's schema: httpError). */
const STATUS = {
  AccessDeniedException: 403,
  InternalServiceException: 500,
  ResourceInUseException: 423,
  ResourceNotFoundException: 404,
  ResourceNotSupportedException: 415,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  ValidationException: 422,
} as const;

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = STATUS[code as keyof typeof STATUS] ?? 400,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const randomId = (prefix: string, length: number): string =>
  `${prefix}${[...randomBytes(length)].map((byte) => 'abcdefghijklmnopqrstuvwxyz0123456789'[byte % 36]).join('')}`;

// ---------------------------------------------------------------------------------------------
// Member rules (service-2.json of marketplace-catalog 2018-09-17)

interface StringRule {
  min?: number;
  max?: number;
  pattern?: RegExp;
  enum?: readonly string[];
}

/** Checks one string member; missing ones are checked by `required`. */
function stringViolation(field: string, value: unknown, rule: StringRule): FieldError[] {
  if (value === undefined || value === null) return [];
  const fail = (Message: string): FieldError[] => [
    { Reason: 'FieldValidationFailed', Field: field, Message },
  ];
  if (typeof value !== 'string') return fail(`${field} must be a string`);
  if (rule.min !== undefined && value.length < rule.min) {
    return fail(`${field} must have length greater than or equal to ${rule.min}`);
  }
  if (rule.max !== undefined && value.length > rule.max) {
    return fail(`${field} must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    return fail(`${field} must satisfy regular expression pattern: ${rule.pattern.source}`);
  }
  if (rule.enum && !rule.enum.includes(value)) {
    return fail(`${field} must satisfy enum value set: [${rule.enum.join(', ')}]`);
  }
  return [];
}

const required = (field: string, value: unknown): FieldError[] =>
  value === undefined || value === null
    ? [{ Reason: 'FieldValidationFailed', Field: field, Message: `${field} must not be null` }]
    : [];

function listViolation(field: string, value: unknown, min: number, max: number): FieldError[] {
  if (value === undefined) return [];
  const fail = (Message: string): FieldError[] => [
    { Reason: 'FieldValidationFailed', Field: field, Message },
  ];
  if (!Array.isArray(value)) return fail(`${field} must be a list`);
  if (value.length < min) return fail(`${field} must have size greater than or equal to ${min}`);
  if (value.length > max) return fail(`${field} must have size less than or equal to ${max}`);
  return [];
}

const CATALOG_RULE: StringRule = { min: 1, max: 64, pattern: /^[a-zA-Z]+$/ };
const RESOURCE_ID_RULE: StringRule = { min: 1, max: 255, pattern: /^[\w-]+$/ };
const CHANGE_TYPE_RULE: StringRule = { min: 1, max: 255, pattern: /^[A-Z]\w*$/ };
/**
 * The stored service model's EntityType pattern (`^[a-zA-Z]+$`) refuses the `@1.0` every
 * documented request carries; the emulator allows `Name@version`.
 */
const ENTITY_TYPE_RULE: StringRule = { min: 1, max: 255, pattern: /^[a-zA-Z]+(@[0-9.]+)?$/ };
const IDENTIFIER_RULE: StringRule = { min: 1, max: 255, pattern: /^[\w\-@]+$/ };
const CHANGE_SET_NAME_RULE: StringRule = { min: 1, max: 100, pattern: /^[\w\s+=.:@-]+$/ };
const TOKEN_RULE: StringRule = { min: 1, max: 64, pattern: /^[!-~]+$/ };
/** ChangeName: the model's pattern (`^[a-zA-Z]$`, one letter) is taken for a model bug: lengths only. */
const CHANGE_NAME_RULE: StringRule = { min: 1, max: 72 };
const JSON_RULE: StringRule = { min: 2, max: 16384, pattern: /^\s*\{[\s\S]*\}\s*$/ };
const INTENT_RULE: StringRule = { enum: ['VALIDATE', 'APPLY'] };
const TAG_KEY_RULE: StringRule = { min: 1, max: 128, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u };
const TAG_VALUE_RULE: StringRule = { min: 0, max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u };
const FILTER_NAME_RULE: StringRule = { min: 1, max: 255, pattern: /^[a-zA-Z]+$/ };
const FILTER_VALUE_RULE: StringRule = { min: 1, max: 255, pattern: /^(.)+$/ };
const SORT_ORDER_RULE: StringRule = { enum: ['ASCENDING', 'DESCENDING'] };
const STATUSES: readonly ChangeSetStatus[] = [
  'PREPARING',
  'APPLYING',
  'SUCCEEDED',
  'CANCELLED',
  'FAILED',
];

function tagViolations(field: string, tags: unknown): FieldError[] {
  const found = listViolation(field, tags, 1, 200);
  if (found.length > 0 || !Array.isArray(tags)) return found;
  return tags.flatMap((tag: unknown, index) => {
    const path = `${field}[${index}]`;
    if (!isRecord(tag)) return listViolation(path, tag, 0, 0);
    return [
      ...required(`${path}.Key`, tag.Key),
      ...stringViolation(`${path}.Key`, tag.Key, TAG_KEY_RULE),
      ...required(`${path}.Value`, tag.Value),
      ...stringViolation(`${path}.Value`, tag.Value, TAG_VALUE_RULE),
    ];
  });
}

function integerViolation(field: string, value: unknown, min: number, max: number): FieldError[] {
  if (value === undefined) return [];
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    return [
      {
        Reason: 'FieldValidationFailed',
        Field: field,
        Message: `${field} must be an integer between ${min} and ${max}`,
      },
    ];
  }
  return [];
}

function throwIfViolations(found: FieldError[]): void {
  if (found.length === 0) return;
  // Message wording: the emulator's own; it names every member that failed.
  throw new ServiceError('ValidationException', found.map((f) => f.Message).join('; '), 422, found);
}

// ---------------------------------------------------------------------------------------------
// AddDeliveryOptions details (awslabs/aws-marketplace-catalog-api-shapes-for-python)

const HTTPS_URL =
  /^https:\/\/(www\.)?[-a-zA-Z0-9@._]{1,256}\.[a-zA-Z0-9()]{2,63}\b([-a-zA-Z0-9@_+./]*)/;
const MODEL_PACKAGE_ARN = /^arn:aws:sagemaker:[a-z0-9-]{4,24}:[0-9]{12}:model-package\/\S{1,2048}$/;
/** The shapes' AccessRoleArn pattern; the emulator checks it when the change set runs (INVALID_ACCESS_ROLE). */
const ACCESS_ROLE_ARN = /^arn:aws:iam::\d{12}:role(\/[A-Za-z0-9_+=,.@-]+)?$/;
const TEXT = /^\S+[\S\s]*/;
const PACKAGE_DETAILS = 'SageMakerModelPackageDeliveryOptionDetails';

/** The package details of an AddDeliveryOptions change, once its shape was checked. */
function packageDetails(details: Json): Json {
  const options = details.DeliveryOptions as Json[];
  return (options[0]!.Details as Json)[PACKAGE_DETAILS] as Json;
}

function addDeliveryOptionsViolations(details: Json, prefix: string): FieldError[] {
  const found: FieldError[] = [];
  const version = details.Version;
  found.push(...required(`${prefix}.Version`, version));
  if (isRecord(version)) {
    for (const [member, max] of [
      ['VersionTitle', 64],
      ['ReleaseNotes', 30000],
    ] as const) {
      found.push(
        ...required(`${prefix}.Version.${member}`, version[member]),
        ...stringViolation(`${prefix}.Version.${member}`, version[member], {
          min: 1,
          max,
          pattern: TEXT,
        }),
      );
    }
  }
  const options = details.DeliveryOptions;
  found.push(
    ...required(`${prefix}.DeliveryOptions`, options),
    ...listViolation(`${prefix}.DeliveryOptions`, options, 1, 1),
  );
  if (!Array.isArray(options) || options.length !== 1) return found;
  const optionPath = `${prefix}.DeliveryOptions[0].Details`;
  const option: unknown = options[0];
  const inner = isRecord(option) && isRecord(option.Details) ? option.Details : undefined;
  const pkg = inner?.[PACKAGE_DETAILS];
  const path = `${optionPath}.${PACKAGE_DETAILS}`;
  found.push(...required(path, pkg));
  if (!isRecord(pkg)) return found;
  found.push(
    ...required(`${path}.SageMakerModelPackageArn`, pkg.SageMakerModelPackageArn),
    ...stringViolation(`${path}.SageMakerModelPackageArn`, pkg.SageMakerModelPackageArn, {
      pattern: MODEL_PACKAGE_ARN,
    }),
    ...required(`${path}.AccessRoleArn`, pkg.AccessRoleArn),
    ...stringViolation(`${path}.AccessRoleArn`, pkg.AccessRoleArn, {}),
    ...required(`${path}.UsageInstructions`, pkg.UsageInstructions),
    ...stringViolation(`${path}.UsageInstructions`, pkg.UsageInstructions, { max: 10000 }),
    ...stringViolation(`${path}.SampleNotebookUrl`, pkg.SampleNotebookUrl, {
      max: 2000,
      pattern: HTTPS_URL,
    }),
    ...stringViolation(`${path}.RepositoryUrl`, pkg.RepositoryUrl, {
      max: 2000,
      pattern: HTTPS_URL,
    }),
    ...required(`${path}.RecommendedInstanceTypes`, pkg.RecommendedInstanceTypes),
  );
  const recommended = pkg.RecommendedInstanceTypes;
  if (isRecord(recommended)) {
    found.push(
      ...stringViolation(
        `${path}.RecommendedInstanceTypes.RealtimeInference`,
        recommended.RealtimeInference,
        {},
      ),
      ...stringViolation(
        `${path}.RecommendedInstanceTypes.BatchTransform`,
        recommended.BatchTransform,
        {},
      ),
    );
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Entities

const entityArn = (b: Backend, entity: { id: string; type: string }): string =>
  `arn:aws:aws-marketplace:us-east-1:${b.accountId}:${CATALOG}/${entity.type.split('@')[0]}/${entity.id}`;

/** `prod-abc@3` and `prod-abc` name the same entity. */
const entityIdOf = (identifier: string): string => identifier.split('@')[0]!;

function findEntity(b: Backend, identifier: string): StoredEntity {
  const entity = b.entities.get(entityIdOf(identifier));
  if (!entity) {
    // Wording: the emulator's own.
    throw new ServiceError('ResourceNotFoundException', `Entity ${identifier} not found`);
  }
  return entity;
}

function versionDetails(version: StoredVersion): Json {
  return {
    Id: version.id,
    VersionTitle: version.title,
    ReleaseNotes: version.releaseNotes,
    CreationDate: version.creationDate,
    Sources: [
      {
        Id: `source-${version.id}`,
        Type: 'SageMakerModelPackage',
        ModelPackageArn: version.modelPackageArn,
      },
    ],
    DeliveryOptions: [
      {
        Id: version.deliveryOptionId,
        Type: 'SageMakerModelPackage',
        SourceId: `source-${version.id}`,
        Visibility: version.visibility,
        [PACKAGE_DETAILS]: {
          ...version.details,
          SageMakerModelPackageArn: version.modelPackageArn,
        },
      },
    ],
  };
}

/**
 * The entity's DetailsDocument. ML products: `Description` and `Versions[]` with `Id`,
 * `VersionTitle`, `ReleaseNotes`, `CreationDate`, `Sources[{ModelPackageArn}]` and
 * `DeliveryOptions[{Id, Visibility}]` as a third-party note "validated against the live
 * API" gives it; `Type`, `SourceId` and the delivery option's package details are guesses
 * after the AMI product's documented shape.
 */
function entityDocument(entity: StoredEntity): Json {
  if (entity.type !== ML_PRODUCT_TYPE) return entity.details;
  return {
    Description: { ProductTitle: entity.name, Visibility: entity.visibility },
    Versions: entity.versions.map(versionDetails),
  };
}

function storedVersion(b: Backend, seeded: SeededVersion, details: Json = {}): StoredVersion {
  return {
    title: seeded.title,
    modelPackageArn: seeded.modelPackageArn,
    releaseNotes: seeded.releaseNotes ?? '',
    id: seeded.id ?? randomUUID(),
    deliveryOptionId: seeded.deliveryOptionId ?? randomUUID(),
    visibility: seeded.visibility ?? 'Public',
    creationDate: seeded.creationDate ?? iso(b.now()),
    details,
  };
}

// ---------------------------------------------------------------------------------------------
// Change sets played forward

function statusOf(b: Backend, cs: StoredChangeSet): ChangeSetStatus {
  if (cs.cancelledAt !== undefined) return 'CANCELLED';
  if (cs.final) return cs.final.status;
  const elapsed = b.now() - cs.startedAt;
  if (elapsed < b.preparingMs) return 'PREPARING';
  if (cs.intent === 'APPLY' && elapsed < b.preparingMs + b.applyingMs) return 'APPLYING';
  return 'PREPARING'; // settle() ends it
}

const isOpen = (status: ChangeSetStatus): boolean =>
  status === 'PREPARING' || status === 'APPLYING';

/** The errors AddDeliveryOptions meets on the product as it is when the change set runs. */
function changeErrors(b: Backend, change: StoredChange): ErrorDetail[] {
  const entity = b.entities.get(entityIdOf(change.Entity.Identifier));
  if (!entity) return [{ ErrorCode: 'ENTITY_NOT_FOUND', ErrorMessage: 'The entity is gone.' }];
  const version = change.details.Version as Json;
  const pkg = packageDetails(change.details);
  const title = version.VersionTitle as string;
  const arn = pkg.SageMakerModelPackageArn as string;
  const errors: ErrorDetail[] = [];
  // Codes from the ML add-version page; messages: the emulator's own.
  if (entity.versions.some((v) => v.title === title)) {
    errors.push({
      ErrorCode: 'DUPLICATE_VERSION_TITLE',
      ErrorMessage: `A version titled '${title}' already exists on this product.`,
    });
  }
  if (entity.versions.some((v) => v.modelPackageArn === arn)) {
    errors.push({
      ErrorCode: 'DUPLICATE_ASSET',
      ErrorMessage: `The model package ${arn} is already the source of a version of this product.`,
    });
  }
  if (!ACCESS_ROLE_ARN.test(pkg.AccessRoleArn as string)) {
    errors.push({
      ErrorCode: 'INVALID_ACCESS_ROLE',
      ErrorMessage: `AccessRoleArn ${String(pkg.AccessRoleArn)} is not an IAM role ARN.`,
    });
  }
  const supported = b.instanceTypes.get(arn);
  const recommended = pkg.RecommendedInstanceTypes as Json;
  if (supported) {
    for (const [member, list] of [
      ['RealtimeInference', supported.realtimeInference],
      ['BatchTransform', supported.batchTransform],
    ] as const) {
      const type = recommended[member];
      if (typeof type === 'string' && !list.includes(type)) {
        errors.push({
          ErrorCode: 'INVALID_RECOMMENDED_INSTANCE_TYPE',
          ErrorMessage: `${member} instance type ${type} is not supported by the model package.`,
        });
      }
    }
  }
  return errors;
}

function applyChange(b: Backend, change: StoredChange, at: number): void {
  const entity = b.entities.get(entityIdOf(change.Entity.Identifier))!;
  const version = change.details.Version as Json;
  const pkg = packageDetails(change.details);
  const { SageMakerModelPackageArn: arn, ...rest } = pkg;
  entity.versions.push(
    storedVersion(
      b,
      {
        title: version.VersionTitle as string,
        releaseNotes: version.ReleaseNotes as string,
        modelPackageArn: arn as string,
        creationDate: iso(at),
      },
      rest,
    ),
  );
  entity.revision += 1;
  entity.lastModified = at;
}

function finish(b: Backend, cs: StoredChangeSet): void {
  const at = cs.startedAt + b.preparingMs + (cs.intent === 'APPLY' ? b.applyingMs : 0);
  if (cs.forced?.failureCode === 'SERVER_FAULT') {
    cs.final = {
      status: 'FAILED',
      at,
      failureCode: 'SERVER_FAULT',
      description: cs.forced.description ?? 'An internal error occurred. Retry the request.',
    };
    return;
  }
  for (const change of cs.changes) change.errors = changeErrors(b, change);
  if (cs.forced?.failureCode === 'CLIENT_ERROR' && cs.changes[0]) {
    cs.changes[0].errors.push(...cs.forced.errors);
  }
  if (cs.changes.some((change) => change.errors.length > 0)) {
    cs.final = { status: 'FAILED', at, failureCode: 'CLIENT_ERROR' };
    return;
  }
  if (cs.intent === 'APPLY') for (const change of cs.changes) applyChange(b, change, at);
  cs.final = { status: 'SUCCEEDED', at };
}

/** Ends, in the order they started, the change sets whose time is up. */
function settle(b: Backend): void {
  const now = b.now();
  for (const cs of b.changeSets) {
    if (cs.final || cs.cancelledAt !== undefined) continue;
    const end = cs.startedAt + b.preparingMs + (cs.intent === 'APPLY' ? b.applyingMs : 0);
    if (now >= end) finish(b, cs);
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

function checkCatalog(catalog: unknown, field: string): void {
  throwIfViolations([
    ...required(field, catalog),
    ...stringViolation(field, catalog, CATALOG_RULE),
  ]);
  if (catalog !== CATALOG) {
    // Wording: the emulator's own; the service documents `AWSMarketplace` as the only value.
    throw new ServiceError(
      'ValidationException',
      `Catalog ${String(catalog)} is not supported; use ${CATALOG}`,
      422,
      [{ Reason: 'FieldValidationFailed', Field: field, Message: 'Unsupported catalog' }],
    );
  }
}

function changeViolations(change: unknown, index: number): FieldError[] {
  const path = `ChangeSet[${index}]`;
  if (!isRecord(change)) return listViolation(path, change, 0, 0);
  const entity = change.Entity;
  const found = [
    ...required(`${path}.ChangeType`, change.ChangeType),
    ...stringViolation(`${path}.ChangeType`, change.ChangeType, CHANGE_TYPE_RULE),
    ...required(`${path}.Entity`, entity),
    ...stringViolation(`${path}.Details`, change.Details, JSON_RULE),
    ...stringViolation(`${path}.ChangeName`, change.ChangeName, CHANGE_NAME_RULE),
    ...tagViolations(`${path}.EntityTags`, change.EntityTags),
  ];
  if (isRecord(entity)) {
    found.push(
      ...required(`${path}.Entity.Type`, entity.Type),
      ...stringViolation(`${path}.Entity.Type`, entity.Type, ENTITY_TYPE_RULE),
      ...stringViolation(`${path}.Entity.Identifier`, entity.Identifier, IDENTIFIER_RULE),
    );
  }
  if (change.Details !== undefined && change.DetailsDocument !== undefined) {
    found.push({
      Reason: 'Other',
      Field: `${path}.Details`,
      Message: `${path}: use either Details or DetailsDocument, not both`,
    });
  }
  return found;
}

function parseDetails(change: Json, path: string): Json {
  if (isRecord(change.DetailsDocument)) return change.DetailsDocument;
  if (typeof change.Details === 'string') {
    try {
      const parsed: unknown = JSON.parse(change.Details);
      if (isRecord(parsed)) return parsed;
    } catch {
      // reported below
    }
    throw new ServiceError('ValidationException', `${path}.Details is not valid JSON`, 422, [
      { Reason: 'CannotParse', Field: `${path}.Details`, Message: 'Details is not valid JSON' },
    ]);
  }
  return {};
}

const stableJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
};

function checkedChanges(b: Backend, body: Json): StoredChange[] {
  const list = body.ChangeSet as unknown[];
  const seen = new Set<string>();
  return list.map((raw, index) => {
    const change = raw as Json;
    const path = `ChangeSet[${index}]`;
    const entityRef = change.Entity as { Type: string; Identifier?: string };
    if (entityRef.Identifier === undefined) {
      // Creating entities (no Identifier) is not emulated.
      throw new ServiceError('ValidationException', `${path}.Entity.Identifier is required`, 422, [
        {
          Reason: 'FieldValidationFailed',
          Field: `${path}.Entity.Identifier`,
          Message: 'Identifier is required',
        },
      ]);
    }
    const entity = findEntity(b, entityRef.Identifier);
    const changeType = change.ChangeType as string;
    const scope = { EntityType: entityRef.Type, EntityId: entity.id, ChangeType: changeType };
    // From the service model's StartChangeSet documentation: one change type per entity.
    const key = `${entity.id} ${changeType}`;
    if (seen.has(key)) {
      throw new ServiceError(
        'ValidationException',
        `${path}: change type ${changeType} appears more than once for entity ${entity.id}`,
        422,
        [{ Reason: 'Other', Field: `${path}.ChangeType`, Message: 'Duplicate change', ...scope }],
      );
    }
    seen.add(key);
    if (entityRef.Type !== entity.type) {
      // Wording and code: the emulator's guess for an entity of another type.
      throw new ServiceError(
        'ValidationException',
        `${path}.Entity.Type ${entityRef.Type} does not match the type of entity ${entity.id} (${entity.type})`,
        422,
        [
          {
            Reason: 'FieldValidationFailed',
            Field: `${path}.Entity.Type`,
            Message: 'Type mismatch',
            ...scope,
          },
        ],
      );
    }
    if (entity.type !== ML_PRODUCT_TYPE || changeType !== 'AddDeliveryOptions') {
      throw new ServiceError(
        'ValidationException',
        `${path}: the emulator does not implement change type ${changeType} for ${entity.type}`,
        422,
        [
          {
            Reason: 'Other',
            Field: `${path}.ChangeType`,
            Message: 'Unsupported change type',
            ...scope,
          },
        ],
      );
    }
    const details = parseDetails(change, path);
    const prefix = `${path}.${change.DetailsDocument !== undefined ? 'DetailsDocument' : 'Details'}`;
    const found = addDeliveryOptionsViolations(details, prefix).map((f) => ({ ...f, ...scope }));
    throwIfViolations(found);
    return {
      ChangeType: changeType,
      Entity: { Type: entityRef.Type, Identifier: entityRef.Identifier },
      details,
      ...(typeof change.ChangeName === 'string' ? { ChangeName: change.ChangeName } : {}),
      errors: [],
    };
  });
}

function startChangeSet(b: Backend, body: Json): Json {
  throwIfViolations([
    ...required('Catalog', body.Catalog),
    ...stringViolation('Catalog', body.Catalog, CATALOG_RULE),
    ...required('ChangeSet', body.ChangeSet),
    ...listViolation('ChangeSet', body.ChangeSet, 1, 20),
    ...stringViolation('ChangeSetName', body.ChangeSetName, CHANGE_SET_NAME_RULE),
    ...stringViolation('ClientRequestToken', body.ClientRequestToken, TOKEN_RULE),
    ...stringViolation('Intent', body.Intent, INTENT_RULE),
    ...tagViolations('ChangeSetTags', body.ChangeSetTags),
  ]);
  throwIfViolations((body.ChangeSet as unknown[]).flatMap(changeViolations));
  checkCatalog(body.Catalog, 'Catalog');
  const token = body.ClientRequestToken as string | undefined;
  const request: Json = { ...body };
  delete request.ClientRequestToken;
  const fingerprint = stableJson(request);
  const replay = token === undefined ? undefined : b.tokens.get(token);
  if (replay) {
    if (replay.fingerprint !== fingerprint) {
      // No ConflictException in the model; the emulator answers ValidationException (a guess).
      throw new ServiceError(
        'ValidationException',
        `ClientRequestToken ${token} was already used with a different request`,
        422,
        [{ Reason: 'Other', Field: 'ClientRequestToken', Message: 'Token reused' }],
      );
    }
    return { ChangeSetId: replay.changeSet.id, ChangeSetArn: replay.changeSet.arn };
  }
  const intent = (body.Intent as 'APPLY' | 'VALIDATE' | undefined) ?? 'APPLY';
  const changes = checkedChanges(b, body);
  if (intent === 'VALIDATE' && b.refuseValidateForMl) {
    // The service model: VALIDATE "is currently available for adding versions to single-AMI products".
    throw new ServiceError(
      'ValidationException',
      `Intent VALIDATE is not supported for entity type ${ML_PRODUCT_TYPE}`,
      422,
      [{ Reason: 'Other', Field: 'Intent', Message: 'VALIDATE is not supported' }],
    );
  }
  settle(b);
  for (const change of changes) {
    const id = entityIdOf(change.Entity.Identifier);
    const open = b.changeSets.find(
      (cs) =>
        isOpen(statusOf(b, cs)) && cs.changes.some((c) => entityIdOf(c.Entity.Identifier) === id),
    );
    if (open) {
      // Status 423 from the model; wording: the emulator's own.
      throw new ServiceError(
        'ResourceInUseException',
        `Entity ${id} is locked by change set ${open.id}; wait until it completes`,
      );
    }
  }
  const id = randomId('', 25);
  const forced = b.forced[0];
  if (forced) {
    forced.remaining -= 1;
    if (forced.remaining <= 0) b.forced.shift();
  }
  const cs: StoredChangeSet = {
    id,
    arn: `arn:aws:aws-marketplace:us-east-1:${b.accountId}:${CATALOG}/ChangeSet/${id}`,
    ...(typeof body.ChangeSetName === 'string' ? { name: body.ChangeSetName } : {}),
    intent,
    ...(token === undefined ? {} : { token }),
    changes,
    startedAt: b.now(),
    ...(forced ? { forced: forced.outcome } : {}),
  };
  b.changeSets.push(cs);
  if (token !== undefined) b.tokens.set(token, { fingerprint, changeSet: cs });
  return { ChangeSetId: cs.id, ChangeSetArn: cs.arn };
}

function findChangeSet(b: Backend, query: Record<string, string>): StoredChangeSet {
  checkCatalog(query.catalog, 'Catalog');
  throwIfViolations([
    ...required('ChangeSetId', query.changeSetId),
    ...stringViolation('ChangeSetId', query.changeSetId, RESOURCE_ID_RULE),
  ]);
  const cs = b.changeSets.find((c) => c.id === query.changeSetId);
  if (!cs) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Change set ${query.changeSetId} not found`,
    );
  }
  return cs;
}

const withoutUndefined = (value: Json): Json =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

function describeChangeSet(b: Backend, _body: Json, query: Record<string, string>): Json {
  settle(b);
  const cs = findChangeSet(b, query);
  const status = statusOf(b, cs);
  const end = cs.cancelledAt ?? cs.final?.at;
  return withoutUndefined({
    ChangeSetId: cs.id,
    ChangeSetArn: cs.arn,
    ChangeSetName: cs.name,
    Intent: cs.intent,
    StartTime: iso(cs.startedAt),
    EndTime: end === undefined ? undefined : iso(end),
    Status: status,
    FailureCode: cs.final?.failureCode,
    FailureDescription: cs.final?.description,
    ChangeSet: cs.changes.map((change) =>
      withoutUndefined({
        ChangeType: change.ChangeType,
        Entity: change.Entity,
        Details: JSON.stringify(change.details),
        DetailsDocument: change.details,
        ErrorDetailList: change.errors,
        ChangeName: change.ChangeName,
      }),
    ),
  });
}

const encodeToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64');

function decodeToken(token: unknown): number {
  if (token === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(String(token), 'base64').toString('utf8'));
  if (!match) {
    throw new ServiceError('ValidationException', 'NextToken is invalid', 422, [
      { Reason: 'FieldValidationFailed', Field: 'NextToken', Message: 'Invalid token' },
    ]);
  }
  return Number(match[1]);
}

function filterViolations(list: unknown, names: readonly string[]): FieldError[] {
  const found = listViolation('FilterList', list, 1, 8);
  if (found.length > 0 || !Array.isArray(list)) return found;
  return list.flatMap((filter: unknown, index) => {
    const path = `FilterList[${index}]`;
    if (!isRecord(filter)) return listViolation(path, filter, 0, 0);
    const values = filter.ValueList;
    return [
      ...stringViolation(`${path}.Name`, filter.Name, { ...FILTER_NAME_RULE, enum: names }),
      ...listViolation(`${path}.ValueList`, values, 1, 10),
      ...(Array.isArray(values)
        ? values.flatMap((v, i) => stringViolation(`${path}.ValueList[${i}]`, v, FILTER_VALUE_RULE))
        : []),
    ];
  });
}

function page<T>(
  items: T[],
  body: Json,
  max: number,
  fallback: number,
): { items: T[]; next?: string } {
  const size = (body.MaxResults as number | undefined) ?? fallback;
  const offset = decodeToken(body.NextToken);
  const next = offset + Math.min(size, max);
  return {
    items: items.slice(offset, next),
    ...(next < items.length ? { next: encodeToken(next) } : {}),
  };
}

const CHANGE_SET_FILTERS = [
  'ChangeSetName',
  'Status',
  'EntityId',
  'BeforeStartTime',
  'AfterStartTime',
  'BeforeEndTime',
  'AfterEndTime',
] as const;

function changeSetMatches(b: Backend, cs: StoredChangeSet, filter: Json): boolean {
  const values = filter.ValueList as string[];
  const end = cs.cancelledAt ?? cs.final?.at;
  switch (filter.Name) {
    case 'ChangeSetName':
      return cs.name !== undefined && values.includes(cs.name);
    case 'Status':
      return values.includes(statusOf(b, cs));
    case 'EntityId':
      return cs.changes.some((c) => values.includes(entityIdOf(c.Entity.Identifier)));
    case 'BeforeStartTime':
      return values.some((v) => cs.startedAt <= Date.parse(v));
    case 'AfterStartTime':
      return values.some((v) => cs.startedAt >= Date.parse(v));
    case 'BeforeEndTime':
      return end !== undefined && values.some((v) => end <= Date.parse(v));
    case 'AfterEndTime':
      return end !== undefined && values.some((v) => end >= Date.parse(v));
    default:
      return true;
  }
}

function listChangeSets(b: Backend, body: Json): Json {
  throwIfViolations([
    ...required('Catalog', body.Catalog),
    ...filterViolations(body.FilterList, CHANGE_SET_FILTERS),
    ...integerViolation('MaxResults', body.MaxResults, 1, 20),
    ...(isRecord(body.Sort)
      ? [
          ...stringViolation('Sort.SortBy', body.Sort.SortBy, { enum: ['StartTime', 'EndTime'] }),
          ...stringViolation('Sort.SortOrder', body.Sort.SortOrder, SORT_ORDER_RULE),
        ]
      : []),
  ]);
  checkCatalog(body.Catalog, 'Catalog');
  settle(b);
  const filters = (body.FilterList as Json[] | undefined) ?? [];
  const sort = isRecord(body.Sort) ? body.Sort : {};
  const by = sort.SortBy === 'EndTime' ? 'end' : 'start';
  const sign = sort.SortOrder === 'ASCENDING' ? 1 : -1;
  const key = (cs: StoredChangeSet): number =>
    by === 'end' ? (cs.cancelledAt ?? cs.final?.at ?? Infinity) : cs.startedAt;
  const found = b.changeSets
    .filter((cs) => filters.every((filter) => changeSetMatches(b, cs, filter)))
    .map((cs, index) => ({ cs, index }))
    .sort((x, y) => sign * (key(x.cs) - key(y.cs) || x.index - y.index))
    .map(({ cs }) => cs);
  const { items, next } = page(found, body, 20, 20);
  return withoutUndefined({
    ChangeSetSummaryList: items.map((cs) => {
      const end = cs.cancelledAt ?? cs.final?.at;
      return withoutUndefined({
        ChangeSetId: cs.id,
        ChangeSetArn: cs.arn,
        ChangeSetName: cs.name,
        StartTime: iso(cs.startedAt),
        EndTime: end === undefined ? undefined : iso(end),
        Status: statusOf(b, cs),
        EntityIdList: [...new Set(cs.changes.map((c) => entityIdOf(c.Entity.Identifier)))],
        FailureCode: cs.final?.failureCode,
      });
    }),
    NextToken: next,
  });
}

function cancelChangeSet(b: Backend, _body: Json, query: Record<string, string>): Json {
  settle(b);
  const cs = findChangeSet(b, query);
  const status = statusOf(b, cs);
  if (status !== 'PREPARING') {
    // The model: "Must be sent before the status of the request changes to APPLYING".
    // Code and wording for a late cancel: the emulator's guess.
    throw new ServiceError(
      'ResourceInUseException',
      `Change set ${cs.id} is ${status} and can no longer be cancelled`,
    );
  }
  cs.cancelledAt = b.now();
  return { ChangeSetId: cs.id, ChangeSetArn: cs.arn };
}

function describeEntity(b: Backend, _body: Json, query: Record<string, string>): Json {
  checkCatalog(query.catalog, 'Catalog');
  throwIfViolations([
    ...required('EntityId', query.entityId),
    ...stringViolation('EntityId', query.entityId, RESOURCE_ID_RULE),
  ]);
  settle(b);
  const entity = findEntity(b, query.entityId!);
  const document = entityDocument(entity);
  return {
    EntityType: entity.type,
    EntityIdentifier: `${entity.id}@${entity.revision}`,
    EntityArn: entityArn(b, entity),
    LastModifiedDate: iso(entity.lastModified),
    Details: JSON.stringify(document),
    DetailsDocument: document,
  };
}

function listEntities(b: Backend, body: Json): Json {
  throwIfViolations([
    ...required('Catalog', body.Catalog),
    ...required('EntityType', body.EntityType),
    ...stringViolation('EntityType', body.EntityType, ENTITY_TYPE_RULE),
    ...filterViolations(body.FilterList, ['EntityId']),
    ...integerViolation('MaxResults', body.MaxResults, 1, 50),
  ]);
  checkCatalog(body.Catalog, 'Catalog');
  settle(b);
  const type = String(body.EntityType).split('@')[0];
  const ids = ((body.FilterList as Json[] | undefined) ?? []).flatMap(
    (f) => f.ValueList as string[],
  );
  const found = [...b.entities.values()].filter(
    (e) => e.type.split('@')[0] === type && (ids.length === 0 || ids.includes(e.id)),
  );
  const { items, next } = page(found, body, 50, 20);
  return withoutUndefined({
    EntitySummaryList: items.map((e) =>
      withoutUndefined({
        Name: e.name,
        EntityType: e.type.split('@')[0],
        EntityId: e.id,
        EntityArn: entityArn(b, e),
        LastModifiedDate: iso(e.lastModified),
        Visibility: e.visibility,
        MachineLearningProductSummary:
          e.type === ML_PRODUCT_TYPE
            ? { ProductTitle: e.name, Visibility: e.visibility }
            : undefined,
      }),
    ),
    NextToken: next,
  });
}

type Handler = (b: Backend, body: Json, query: Record<string, string>) => Json;

/** Method and path of each operation, from the SDK's schemas (`{ http: [method, path, 200] }`). */
const ROUTES: Record<string, { method: string; operation: string; handler: Handler }> = {
  '/StartChangeSet': { method: 'POST', operation: 'StartChangeSet', handler: startChangeSet },
  '/DescribeChangeSet': {
    method: 'GET',
    operation: 'DescribeChangeSet',
    handler: describeChangeSet,
  },
  '/ListChangeSets': { method: 'POST', operation: 'ListChangeSets', handler: listChangeSets },
  '/DescribeEntity': { method: 'GET', operation: 'DescribeEntity', handler: describeEntity },
  '/ListEntities': { method: 'POST', operation: 'ListEntities', handler: listEntities },
  '/CancelChangeSet': { method: 'PATCH', operation: 'CancelChangeSet', handler: cancelChangeSet },
};

// ---------------------------------------------------------------------------------------------
// HTTP

type ServiceResponse = ServerResponse<IncomingMessage>;

function send(
  response: ServiceResponse,
  status: number,
  payload: Json,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

/** rest-json errors: the code in `x-amzn-ErrorType`, the members (`Message`, ...) in the body. */
function sendError(response: ServiceResponse, error: ServiceError): void {
  send(
    response,
    error.status,
    withoutUndefined({
      Message: error.message,
      ValidationExceptionFieldList: error.fields.length > 0 ? error.fields : undefined,
    }),
    { 'x-amzn-errortype': error.code },
  );
}

const FAULT_ERRORS: Record<Exclude<CatalogFault['kind'], 'drop-connection'>, ServiceError> = {
  throttle: new ServiceError('ThrottlingException', 'Rate exceeded'),
  'internal-error': new ServiceError('InternalServiceException', 'An internal error occurred.'),
};

/** The access key id and the scope of a SigV4 Authorization header. */
function credentialScope(
  request: IncomingMessage,
): { key: string; region: string; service: string } | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
      authorization,
    );
  return match ? { key: match[1]!, region: match[2]!, service: match[3]! } : undefined;
}

/**
 * A request must be signed for `aws-marketplace` in `us-east-1` (the only region the
 * Catalog API is served from). Codes as API Gateway-fronted rest-json services answer them;
 * the wording is from memory of real answers, not checked.
 */
function checkSignature(request: IncomingMessage): void {
  const scope = credentialScope(request);
  if (!scope) {
    throw new ServiceError(
      'MissingAuthenticationTokenException',
      'Missing Authentication Token',
      403,
    );
  }
  if (scope.region !== 'us-east-1') {
    throw new ServiceError(
      'InvalidSignatureException',
      `Credential should be scoped to a valid region, not '${scope.region}'. `,
      403,
    );
  }
  if (scope.service !== 'aws-marketplace') {
    throw new ServiceError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'aws-marketplace'. `,
      403,
    );
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): Json | undefined {
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function takeFault(b: Backend, operation: string): CatalogFault | undefined {
  const index = b.faults.findIndex((q) => q.operation === undefined || q.operation === operation);
  const queued = b.faults[index];
  if (!queued) return undefined;
  queued.remaining -= 1;
  if (queued.remaining <= 0) b.faults.splice(index, 1);
  return queued.fault;
}

function recordRequest(b: Backend, record: CatalogRecordedRequest): void {
  b.requests.push(record);
  for (const waiter of b.waiters.filter((w) => w.match(record))) {
    b.waiters.splice(b.waiters.indexOf(waiter), 1);
    waiter.resolve(record);
  }
}

function dispatch(
  b: Backend,
  request: IncomingMessage,
  route: (typeof ROUTES)[string] | undefined,
  body: Json | undefined,
  query: Record<string, string>,
): Json {
  checkSignature(request);
  if (!route || request.method !== route.method) {
    throw new ServiceError('UnknownOperationException', 'Unknown operation', 404);
  }
  if (body === undefined) {
    throw new ServiceError('ValidationException', 'The request body is not valid JSON', 422, [
      { Reason: 'CannotParse', Field: 'body', Message: 'Malformed JSON' },
    ]);
  }
  if (b.denied.has(route.operation)) {
    // The shape of IAM's refusal; the caller's ARN is the emulator's placeholder.
    throw new ServiceError(
      'AccessDeniedException',
      `User: arn:aws:iam::${b.accountId}:user/emulated is not authorized to perform: aws-marketplace:${route.operation}`,
    );
  }
  return route.handler(b, body, query);
}

async function handle(
  b: Backend,
  request: IncomingMessage,
  response: ServiceResponse,
): Promise<void> {
  const text = await readBody(request);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const route = ROUTES[url.pathname];
  const body = parseBody(text);
  const query = Object.fromEntries(url.searchParams);
  const record: CatalogRecordedRequest = {
    operation: route?.operation ?? url.pathname,
    method: request.method ?? '',
    query,
    body: body ?? {},
    headers: { ...request.headers },
    at: b.now(),
    ...(credentialScope(request) ? { accessKeyId: credentialScope(request)!.key } : {}),
  };
  const fault = takeFault(b, record.operation);
  if (fault?.kind === 'drop-connection') {
    recordRequest(b, record);
    request.socket.destroy();
    return;
  }
  try {
    if (fault) throw FAULT_ERRORS[fault.kind];
    const answer = dispatch(b, request, route, body, query);
    recordRequest(b, record);
    send(response, 200, answer);
  } catch (error) {
    const refused =
      error instanceof ServiceError
        ? error
        : new ServiceError('InternalServiceException', String(error), 500);
    record.refused = refused.code;
    recordRequest(b, record);
    sendError(response, refused);
  }
}

function countByOperation(requests: CatalogRecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operation } of requests) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

export async function startMarketplaceEmulator(
  options: MarketplaceEmulatorOptions = {},
): Promise<MarketplaceEmulator> {
  const b: Backend = {
    accountId: options.accountId ?? '123456789012',
    now: options.now ?? Date.now,
    preparingMs: options.preparingMs ?? 60_000,
    applyingMs: options.applyingMs ?? 120_000,
    refuseValidateForMl: options.refuseValidateForMl ?? true,
    entities: new Map(),
    changeSets: [],
    tokens: new Map(),
    instanceTypes: new Map(),
    forced: [],
    denied: new Set(),
    faults: [],
    requests: [],
    waiters: [],
  };
  const server: Server = createServer((request, response) => {
    handle(b, request, response).catch(() => request.socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: b.requests,
    when: (match) => {
      const recorded = b.requests.find(match);
      if (recorded) return Promise.resolve(recorded);
      return new Promise((resolve) => b.waiters.push({ match, resolve }));
    },
    inject: (fault, { count = 1, operation } = {}) => {
      if (count >= 1)
        b.faults.push({ fault, remaining: count, ...(operation ? { operation } : {}) });
    },
    counts: () => countByOperation(b.requests),
    seedProduct: (product) => {
      b.entities.set(product.id, {
        id: product.id,
        type: ML_PRODUCT_TYPE,
        name: product.title,
        revision: 1,
        lastModified: b.now(),
        visibility: product.visibility ?? 'Limited',
        versions: (product.versions ?? []).map((v) => storedVersion(b, v)),
        details: {},
      });
    },
    seedEntity: (entity) => {
      b.entities.set(entity.id, {
        id: entity.id,
        type: entity.type,
        name: entity.name ?? entity.id,
        revision: 1,
        lastModified: b.now(),
        visibility: 'Public',
        versions: [],
        details: entity.details ?? {},
      });
    },
    product: (id) => {
      settle(b);
      const entity = b.entities.get(id);
      if (!entity || entity.type !== ML_PRODUCT_TYPE) return undefined;
      return {
        id: entity.id,
        title: entity.name,
        versions: entity.versions.map(({ details: _details, ...version }) => ({ ...version })),
      };
    },
    setPackageInstanceTypes: (arn, types) => {
      b.instanceTypes.set(arn, types);
    },
    forceOutcome: (outcome, { count = 1 } = {}) => {
      if (count >= 1) b.forced.push({ outcome, remaining: count });
    },
    deny: (operation) => {
      b.denied.add(operation);
    },
    allow: (operation) => {
      b.denied.delete(operation);
    },
    setRefuseValidateForMl: (refuse) => {
      b.refuseValidateForMl = refuse;
    },
    changeSets: () => {
      settle(b);
      return b.changeSets.map((cs) => ({
        id: cs.id,
        ...(cs.name === undefined ? {} : { name: cs.name }),
        intent: cs.intent,
        ...(cs.token === undefined ? {} : { token: cs.token }),
        entityIds: cs.changes.map((c) => entityIdOf(c.Entity.Identifier)),
        status: statusOf(b, cs),
        startedAt: cs.startedAt,
      }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The statuses of a change set, for tests. */
export const CHANGE_SET_STATUSES = STATUSES;
