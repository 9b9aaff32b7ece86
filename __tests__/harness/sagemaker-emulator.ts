/**
 * The project's own SageMaker emulator: a real HTTP server on 127.0.0.1 that speaks the
 * awsJson1_1 protocol as @aws-sdk/client-sagemaker sends it (`POST /`,
 * `X-Amz-Target: SageMaker.<Operation>`, a JSON body). It plays model-package validation
 * forward in time (Pending, InProgress, then Completed or Failed) and injects faults.
 *
 * A package keeps what UpdateModelPackage changes (approval, metadata, ModelLifeCycle,
 * ModelCard, SourceUri, inference specifications), and Search finds packages by those
 * properties and their tags. IAM can be told to refuse lifecycle stages (`deniedStages`),
 * as a policy with the `sagemaker:ModelLifeCycle:stage` condition key does.
 *
 * It also answers STS AssumeRoleWithWebIdentity (the awsQuery protocol: a form body,
 * an XML answer) on the same URL, for AWS_ENDPOINT_URL_STS: it checks the OIDC token's
 * audience and age, issues temporary credentials, and refuses SageMaker requests signed
 * with issued credentials once they expired (ExpiredTokenException).
 *
 * Error codes and messages follow the real service where known; see the notes next to
 * each error for the source and for the cases where the real behaviour is a guess.
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
import { createStorage, type Storage, type StorageSeeding } from './storage-emulator.js';
import {
  accessDenied,
  ServiceFailure,
  transformJobs,
  type EmulatedJob,
  type TransformJobs,
  type TransformJobsOptions,
} from './transform-jobs-emulator.js';

export interface ValidationOutcome {
  status: 'Completed' | 'Failed';
  /** FailureReason of the validation profile (and of the package) when Failed. */
  failureReason?: string;
  /** Image scan result for Marketplace packages (CertifyForMarketplace: true). */
  imageScan?: { status: 'Completed' | 'Failed'; failureReason?: string };
}

export type Fault =
  | { kind: 'throttle' } // 400 ThrottlingException "Rate exceeded"
  | { kind: 'internal-error' } // 500 InternalFailure
  | { kind: 'unavailable' } // 503 ServiceUnavailable
  | { kind: 'drop-connection' } // destroy the socket without answering
  | { kind: 'expired-token' }; // 400 ExpiredTokenException

export interface EmulatorOptions {
  region?: string;
  accountId?: string;
  /** Clock in ms, default Date.now; all timing uses it. */
  now?: () => number;
  /** How long a new package stays Pending, then InProgress, in ms (defaults 1000 and 2000). */
  pendingMs?: number;
  inProgressMs?: number;
  /** Decides the outcome of a package's validation; default: Completed. */
  outcome?: (request: Record<string, unknown>) => ValidationOutcome;
  sts?: StsOptions;
  /** Validation's transform jobs, noise jobs and their logs (transform-jobs-emulator.ts); without it, validations run no jobs. */
  transformJobs?: TransformJobsOptions;
  /**
   * Lifecycle stages the caller's IAM policy does not allow: a CreateModelPackage or
   * UpdateModelPackage whose `ModelLifeCycle.Stage` is one of them (case-sensitive, as
   * IAM's StringEquals) is refused with AccessDeniedException. Default: none.
   */
  deniedStages?: string[];
}

export interface StsOptions {
  /** The audience tokens must have (default sts.amazonaws.com). */
  audience?: string;
  /**
   * Issue credentials that live at most this long, whatever DurationSeconds asks: as STS
   * does for role chaining (at most an hour). Default: as asked.
   */
  maxLifetimeMs?: number;
  /** Refuse tokens issued longer ago than this (their `iat`), besides expired ones. */
  maxTokenAgeMs?: number;
  /** Whether the role trusts a token's claims; default: every role trusts every token. */
  trusts?: (roleArn: string, claims: Record<string, unknown>) => boolean;
}

/** Credentials the emulated STS issued; without their secrets. */
export interface IssuedCredentials {
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  issuedAt: number;
  expiresAt: number;
  /** The claims of the OIDC token they were issued for. */
  claims: Record<string, unknown>;
}

export interface RecordedRequest {
  operation: string;
  /** The JSON body; for STS the form's parameters, with the token's claims for the token. */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  at: number;
  /** The access key id the request was signed with, if any. */
  accessKeyId?: string;
  /** The error code, when the emulator refused the request for its credentials or token. */
  refused?: string;
}

/** Also S3, ECR DescribeImages and DescribeAlgorithm for preflight, seeded by the tests. */
export interface SageMakerEmulator extends StorageSeeding {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request, in order, faulted ones included. */
  requests: RecordedRequest[];
  /**
   * The first request, recorded already or still to come, that `match`es; the promise
   * settles once the emulator has answered it, before it reads the next request.
   */
  when(match: (request: RecordedRequest) => boolean): Promise<RecordedRequest>;
  /** Queue faults: the next `count` requests (optionally only of `operation`) get `fault`. */
  inject(fault: Fault, options?: { count?: number; operation?: string }): void;
  /** Outcome for packages created from now on whose ModelPackageName or group matches `name`. */
  setOutcome(name: string, outcome: ValidationOutcome): void;
  /** Replaces the lifecycle stages IAM refuses (EmulatorOptions.deniedStages); `[]` allows every stage. */
  setDeniedStages(stages: string[]): void;
  /** Requests per operation, e.g. { CreateModelPackage: 1, DescribeModelPackage: 12 }. */
  counts(): Record<string, number>;
  /** Every set of credentials STS issued, in order. */
  issued(): IssuedCredentials[];
  /** Ends the life of every set of credentials issued so far: as if they expired now. */
  expireCredentials(): void;
  /** The secret keys and session tokens issued: for tests that check they are never shown. */
  secrets(): string[];
  /** The transform jobs, and refusing operations (`ListTransformJobs`, `Logs_20140328.GetLogEvents`) with AccessDenied. */
  transformJobs: { jobs: EmulatedJob[]; deny(operation: string): void };
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// State

type Json = Record<string, unknown>;
type Tag = { Key: string; Value: string };
type DetailedStatus = 'NotStarted' | 'InProgress' | 'Completed' | 'Failed';
type StatusItem = { Name: string; Status: DetailedStatus; FailureReason?: string };
type Phase = 'Pending' | 'InProgress' | 'Done';

interface StoredGroup {
  name: string;
  arn: string;
  description?: string;
  createdAt: number;
  tags: Tag[];
  lastVersion: number;
}

interface StoredPackage {
  arn: string;
  /** ModelPackageName, or the group's name for a version. */
  name: string;
  group?: string;
  version?: number;
  /** The CreateModelPackage request, as sent. */
  request: Json;
  /** The members UpdateModelPackage changes (UPDATED_MEMBERS), as last set. */
  updated: Json;
  createdAt: number;
  lastModifiedAt: number;
  approvalStatus?: string;
  approvalDescription?: string;
  customerMetadata?: Record<string, string>;
  tags: Tag[];
  outcome: ValidationOutcome;
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
  operation?: string;
}

interface Backend {
  region: string;
  accountId: string;
  now: () => number;
  pendingMs: number;
  inProgressMs: number;
  outcome: (request: Json) => ValidationOutcome;
  outcomes: Map<string, ValidationOutcome>;
  groups: Map<string, StoredGroup>;
  packages: Map<string, StoredPackage>;
  /** `<operation> <ClientToken>` -> fingerprint of the request and the ARN it named. */
  tokens: Map<string, { fingerprint: string; arn: string }>;
  /** Lifecycle stages IAM refuses. */
  deniedStages: Set<string>;
  faults: QueuedFault[];
  requests: RecordedRequest[];
  /** Tests waiting for a request (`when`). */
  waiters: {
    match: (request: RecordedRequest) => boolean;
    resolve: (r: RecordedRequest) => void;
  }[];
  sts: StsOptions;
  /** Issued credentials by access key id, with their secret parts. */
  credentials: Map<string, IssuedCredentials & { sessionToken: string; secret: string }>;
  jobs: TransformJobs;
  /** Whether validations run transform jobs: only when a test asks for them. */
  playsJobs: boolean;
}

class ServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const validationError = (message: string): ServiceError =>
  new ServiceError('ValidationException', message);

// ---------------------------------------------------------------------------------------------
// Narrowing and request constraints

const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const asString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const NAME_TEXT = '^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$';
const ARN_PREFIX = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]*):([0-9]{12}):([a-z-]*)\/(.+)$/;
const NAME_OR_ARN =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?[a-zA-Z0-9]([a-zA-Z0-9-]){0,62}(?<!-)$/;
const NAME_OR_ARN_TEXT =
  '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$';
const PACKAGE_REF =
  /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?[a-zA-Z0-9]([a-zA-Z0-9-]){0,62}(?<!-)(\/[0-9]{1,9})?$/;
const PACKAGE_REF_TEXT =
  '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)(\\/[0-9]{1,9})?$';
const PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package\/\S{1,2048}$/;
const PACKAGE_ARN_TEXT =
  'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]{9,16}:[0-9]{12}:model-package/[\\S]{1,2048}$';
const RESOURCE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:.+$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9-]+$/;
const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'] as const;
const PACKAGE_TYPES = ['Versioned', 'Unversioned', 'Both'] as const;
const SORT_BY = ['Name', 'CreationTime'] as const;
const SORT_ORDERS = ['Ascending', 'Descending'] as const;
const MODEL_CARD_STATUSES = ['Draft', 'PendingReview', 'Approved', 'Archived'] as const;
const REGISTRATION_TYPES = ['Logged', 'Registered'] as const;
const SKIP_MODEL_VALIDATION = ['All', 'None'] as const;
const MANAGED_STORAGE_TYPES = ['Restricted'] as const;
/** ResourceType as @aws-sdk/client-sagemaker has it; Search answers only ModelPackage. */
const RESOURCE_TYPES = [
  'Endpoint',
  'Experiment',
  'ExperimentTrial',
  'ExperimentTrialComponent',
  'FeatureGroup',
  'FeatureMetadata',
  'HubContent',
  'HyperParameterTuningJob',
  'Image',
  'ImageVersion',
  'Job',
  'Model',
  'ModelCard',
  'ModelPackage',
  'ModelPackageGroup',
  'Pipeline',
  'PipelineExecution',
  'PipelineVersion',
  'Project',
  'TrainingJob',
] as const;
const OPERATORS = [
  'Equals',
  'NotEquals',
  'GreaterThan',
  'GreaterThanOrEqualTo',
  'LessThan',
  'LessThanOrEqualTo',
  'Contains',
  'Exists',
  'NotExists',
  'In',
] as const;
const BOOLEAN_OPERATORS = ['And', 'Or'] as const;
const CROSS_ACCOUNT_OPTIONS = ['SameAccount', 'CrossAccount'] as const;
/** ModelPackageSourceUri: letters, marks, separators, digits and punctuation. */
const SOURCE_URI = /^[\p{L}\p{M}\p{Z}\p{N}\p{P}]{0,1024}$/u;
const SOURCE_URI_TEXT = '[\\p{L}\\p{M}\\p{Z}\\p{N}\\p{P}]{0,1024}';

export type MemberRule =
  | {
      type: 'string';
      required?: boolean;
      min?: number;
      max?: number;
      pattern?: [RegExp, string];
      enum?: readonly string[];
    }
  | { type: 'list'; required?: boolean; min?: number; max?: number }
  | { type: 'map'; required?: boolean; min?: number; max?: number }
  | { type: 'structure'; required?: boolean }
  | { type: 'boolean' }
  | { type: 'integer'; min?: number; max?: number }
  | { type: 'timestamp' };

/** The service's member path: `inferenceSpecification.containers.1.member.image`. */
const memberPath = (path: string): string =>
  path
    .split('.')
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('.');

const shown = (value: unknown): string =>
  value === undefined ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;

const violation = (path: string, value: unknown, constraint: string): string =>
  `Value ${shown(value)} at '${memberPath(path)}' failed to satisfy constraint: ${constraint}`;

const TYPE_CHECKS: Record<MemberRule['type'], (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  list: Array.isArray,
  map: isRecord,
  structure: isRecord,
  boolean: (value) => typeof value === 'boolean',
  integer: (value) => Number.isInteger(value),
  timestamp: (value) => typeof value === 'number',
};

function sizeViolations(path: string, value: unknown, size: number, rule: MemberRule): string[] {
  const min = 'min' in rule ? rule.min : undefined;
  const max = 'max' in rule ? rule.max : undefined;
  const what = rule.type === 'string' ? 'length' : 'size';
  const found: string[] = [];
  if (min !== undefined && size < min) {
    found.push(violation(path, value, `Member must have ${what} greater than or equal to ${min}`));
  }
  if (max !== undefined && size > max) {
    found.push(violation(path, value, `Member must have ${what} less than or equal to ${max}`));
  }
  return found;
}

function memberViolations(path: string, value: unknown, rule: MemberRule): string[] {
  if (value === undefined || value === null) {
    return 'required' in rule && rule.required
      ? [violation(path, undefined, 'Member must not be null')]
      : [];
  }
  if (!TYPE_CHECKS[rule.type](value)) {
    throw new ServiceError('SerializationException', `Unexpected value type at '${path}'`);
  }
  if (rule.type === 'integer' && typeof value === 'number') {
    const min = rule.min ?? -Infinity;
    const max = rule.max ?? Infinity;
    if (value < min) {
      return [violation(path, value, `Member must have value greater than or equal to ${min}`)];
    }
    if (value > max) {
      return [violation(path, value, `Member must have value less than or equal to ${max}`)];
    }
    return [];
  }
  if (rule.type === 'string' && typeof value === 'string') {
    const found = sizeViolations(path, value, value.length, rule);
    if (rule.pattern && !rule.pattern[0].test(value)) {
      found.push(
        violation(
          path,
          value,
          `Member must satisfy regular expression pattern: ${rule.pattern[1]}`,
        ),
      );
    }
    if (rule.enum && !rule.enum.includes(value)) {
      found.push(
        violation(path, value, `Member must satisfy enum value set: [${rule.enum.join(', ')}]`),
      );
    }
    return found;
  }
  if (Array.isArray(value)) return sizeViolations(path, value, value.length, rule);
  if (rule.type === 'map' && isRecord(value)) {
    return sizeViolations(path, value, Object.keys(value).length, rule);
  }
  return [];
}

function checkMembers(body: Json, rules: Record<string, MemberRule>, prefix = ''): string[] {
  return Object.entries(rules).flatMap(([member, rule]) =>
    memberViolations(`${prefix}${member}`, body[member], rule),
  );
}

/** Checks every item of a list member that is a list of structures. */
function checkItems(list: unknown, path: string, rules: Record<string, MemberRule>): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item: unknown, index) => {
    const itemPath = `${path}.${index + 1}.member.`;
    if (!isRecord(item)) {
      throw new ServiceError('SerializationException', `Expected a structure at '${itemPath}'`);
    }
    return checkMembers(item, rules, itemPath);
  });
}

function throwIfViolations(found: string[]): void {
  if (found.length === 0) return;
  const count = found.length === 1 ? '1 validation error' : `${found.length} validation errors`;
  throw validationError(`${count} detected: ${found.join('; ')}`);
}

const TAG_RULES: Record<string, MemberRule> = {
  Key: { type: 'string', required: true, min: 1, max: 128 },
  Value: { type: 'string', required: true, min: 0, max: 256 },
};

const tagViolations = (tags: unknown, path: string): string[] => checkItems(tags, path, TAG_RULES);

/** Checks the members of a member that is a structure. */
const checkStructure = (
  value: unknown,
  path: string,
  rules: Record<string, MemberRule>,
): string[] => (isRecord(value) ? checkMembers(value, rules, `${path}.`) : []);

const INFERENCE_SPECIFICATION_RULES: Record<string, MemberRule> = {
  Containers: { type: 'list', required: true, min: 1, max: 15 },
};

const CONTAINER_RULES: Record<string, MemberRule> = {
  Image: { type: 'string', max: 255 },
  ModelDataUrl: { type: 'string', max: 1024 },
};

function inferenceSpecificationViolations(spec: unknown, path: string): string[] {
  if (!isRecord(spec)) return [];
  return [
    ...checkStructure(spec, path, INFERENCE_SPECIFICATION_RULES),
    ...checkItems(spec.Containers, `${path}.Containers`, CONTAINER_RULES),
  ];
}

const ADDITIONAL_SPECIFICATION_RULES: Record<string, MemberRule> = {
  Name: { type: 'string', required: true, min: 1, max: 63, pattern: [NAME, NAME_TEXT] },
  Description: { type: 'string', max: 1024 },
  Containers: { type: 'list', required: true, min: 1, max: 15 },
};

/** A list of AdditionalInferenceSpecificationDefinition. */
function additionalSpecificationsViolations(list: unknown, path: string): string[] {
  if (!Array.isArray(list)) return [];
  return [
    ...checkItems(list, path, ADDITIONAL_SPECIFICATION_RULES),
    ...list.flatMap((item: unknown, index) =>
      isRecord(item)
        ? checkItems(item.Containers, `${path}.${index + 1}.member.Containers`, CONTAINER_RULES)
        : [],
    ),
  ];
}

const VALIDATION_SPECIFICATION_RULES: Record<string, MemberRule> = {
  ValidationRole: { type: 'string', required: true, min: 20, max: 2048 },
  ValidationProfiles: { type: 'list', required: true, min: 1, max: 1 },
};

const VALIDATION_PROFILE_RULES: Record<string, MemberRule> = {
  ProfileName: { type: 'string', required: true, pattern: [NAME, NAME_TEXT] },
  TransformJobDefinition: { type: 'structure', required: true },
};

function validationSpecificationViolations(spec: unknown, path: string): string[] {
  if (!isRecord(spec)) return [];
  return [
    ...checkStructure(spec, path, VALIDATION_SPECIFICATION_RULES),
    ...checkItems(spec.ValidationProfiles, `${path}.ValidationProfiles`, VALIDATION_PROFILE_RULES),
  ];
}

/** ModelLifeCycle: Stage and StageStatus are EntityNames; StageDescription is one line (`.{0,1024}`). */
const LIFE_CYCLE_RULES: Record<string, MemberRule> = {
  Stage: { type: 'string', required: true, min: 1, max: 63, pattern: [NAME, NAME_TEXT] },
  StageStatus: { type: 'string', required: true, min: 1, max: 63, pattern: [NAME, NAME_TEXT] },
  StageDescription: { type: 'string', max: 1024, pattern: [/^.{0,1024}$/, '.{0,1024}'] },
};

const MODEL_CARD_RULES: Record<string, MemberRule> = {
  ModelCardContent: { type: 'string', max: 100_000 },
  ModelCardStatus: { type: 'string', enum: MODEL_CARD_STATUSES },
};

/** Repository metadata that both CreateModelPackage and UpdateModelPackage set. */
function metadataViolations(body: Json): string[] {
  return [
    ...checkStructure(body.ModelLifeCycle, 'ModelLifeCycle', LIFE_CYCLE_RULES),
    ...checkStructure(body.ModelCard, 'ModelCard', MODEL_CARD_RULES),
  ];
}

const stableJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

// ---------------------------------------------------------------------------------------------
// ARNs and lookups

const arnPrefix = (b: Backend): string => `arn:aws:sagemaker:${b.region}:${b.accountId}:`;

/**
 * SageMaker lower-cases names in ARNs: a version of group `AbaloneModelPackageGroupName` is
 * `model-package/abalonemodelpackagegroupname/1` (AWS Developer Guide, pipeline tutorial).
 */
const packageArn = (b: Backend, path: string): string =>
  `${arnPrefix(b)}model-package/${path.toLowerCase()}`;

const groupArn = (b: Backend, name: string): string =>
  `${arnPrefix(b)}model-package-group/${name.toLowerCase()}`;

/**
 * Resolves a name or an ARN of resource type `type` to the part after `type/`; undefined for
 * an ARN of another account or type. An ARN of another region is an error.
 */
function resourcePart(b: Backend, ref: string, type: string): string | undefined {
  const match = ARN_PREFIX.exec(ref);
  if (!match) return ref;
  const [, region, account, refType, rest] = match;
  // Real message, seen in aws/amazon-sagemaker-examples#1438.
  if (region !== b.region) {
    throw validationError(`ARN should be scoped to correct region: ${b.region}`);
  }
  return account === b.accountId && refType === type ? rest : undefined;
}

/** Real message format: "ModelPackage arn:aws:sagemaker:...:model-package/x does not exist." */
const packageMissing = (arn: string): ServiceError =>
  validationError(`ModelPackage ${arn} does not exist.`);

function findPackage(b: Backend, ref: string): StoredPackage {
  const path = resourcePart(b, ref, 'model-package');
  const stored = path === undefined ? undefined : b.packages.get(packageArn(b, path));
  if (!stored) throw packageMissing(ref.startsWith('arn:') ? ref : packageArn(b, ref));
  return stored;
}

function findGroup(b: Backend, ref: string): StoredGroup {
  const name = resourcePart(b, ref, 'model-package-group');
  const stored = name === undefined ? undefined : b.groups.get(name.toLowerCase());
  // Real message format: ACK sagemaker-controller matches "ModelPackageGroup <arn> does not exist."
  if (!stored) {
    const arn = ref.startsWith('arn:') ? ref : groupArn(b, ref);
    throw validationError(`ModelPackageGroup ${arn} does not exist.`);
  }
  return stored;
}

function findTagged(b: Backend, arn: string): { tags: Tag[] } {
  const key = arn.toLowerCase();
  const found =
    [...b.packages.values()].find((p) => p.arn === key) ??
    [...b.groups.values()].find((g) => g.arn === key);
  if (!found) throw validationError(`Resource ${arn} does not exist.`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Validation played forward in time

function phaseOf(b: Backend, pkg: StoredPackage): Phase {
  const elapsed = b.now() - pkg.createdAt;
  if (elapsed < b.pendingMs) return 'Pending';
  if (elapsed < b.pendingMs + b.inProgressMs) return 'InProgress';
  return 'Done';
}

function statusItem(
  name: string,
  phase: Phase,
  final: { status: 'Completed' | 'Failed'; failureReason?: string },
): StatusItem {
  if (phase === 'Pending') return { Name: name, Status: 'NotStarted' };
  if (phase === 'InProgress') return { Name: name, Status: 'InProgress' };
  const item: StatusItem = { Name: name, Status: final.status };
  if (final.status === 'Failed') item.FailureReason = final.failureReason ?? 'Validation failed.';
  return item;
}

function profileNames(request: Json): string[] {
  const spec = request.ValidationSpecification;
  if (!isRecord(spec) || !Array.isArray(spec.ValidationProfiles)) return [];
  return spec.ValidationProfiles.flatMap((profile: unknown) =>
    isRecord(profile) && typeof profile.ProfileName === 'string' ? [profile.ProfileName] : [],
  );
}

function imageNames(request: Json): string[] {
  const spec = request.InferenceSpecification;
  if (
    request.CertifyForMarketplace !== true ||
    !isRecord(spec) ||
    !Array.isArray(spec.Containers)
  ) {
    return [];
  }
  return spec.Containers.flatMap((container: unknown) =>
    isRecord(container) && typeof container.Image === 'string' ? [container.Image] : [],
  );
}

function statusDetails(b: Backend, pkg: StoredPackage): Json {
  const phase = phaseOf(b, pkg);
  const scan = pkg.outcome.imageScan ?? { status: 'Completed' };
  return {
    ValidationStatuses: profileNames(pkg.request).map((name) =>
      statusItem(name, phase, pkg.outcome),
    ),
    ImageScanStatuses: imageNames(pkg.request).map((name) => statusItem(name, phase, scan)),
  };
}

function packageStatus(b: Backend, pkg: StoredPackage): string {
  const phase = phaseOf(b, pkg);
  if (phase !== 'Done') return phase;
  const scanFailed =
    imageNames(pkg.request).length > 0 && pkg.outcome.imageScan?.status === 'Failed';
  return pkg.outcome.status === 'Failed' || scanFailed ? 'Failed' : 'Completed';
}

/** The outcome is only consulted for packages that have something to validate. */
function decideOutcome(b: Backend, request: Json, names: string[]): ValidationOutcome {
  if (profileNames(request).length === 0) return { status: 'Completed' };
  for (const name of names) {
    const chosen = b.outcomes.get(name.toLowerCase());
    if (chosen) return chosen;
  }
  return b.outcome(request);
}

// ---------------------------------------------------------------------------------------------
// Operations

const seconds = (ms: number): number => ms / 1000;

const CLIENT_TOKEN_RULE: MemberRule = {
  type: 'string',
  min: 1,
  max: 36,
  pattern: [CLIENT_TOKEN, '^[a-zA-Z0-9-]+$'],
};

const SOURCE_URI_RULE: MemberRule = {
  type: 'string',
  max: 1024,
  pattern: [SOURCE_URI, SOURCE_URI_TEXT],
};

const CREATE_PACKAGE_RULES: Record<string, MemberRule> = {
  ModelPackageName: { type: 'string', min: 1, max: 63, pattern: [NAME, NAME_TEXT] },
  ModelPackageGroupName: {
    type: 'string',
    min: 1,
    max: 170,
    pattern: [NAME_OR_ARN, NAME_OR_ARN_TEXT],
  },
  ModelPackageDescription: { type: 'string', max: 1024 },
  ModelPackageRegistrationType: { type: 'string', enum: REGISTRATION_TYPES },
  InferenceSpecification: { type: 'structure' },
  ValidationSpecification: { type: 'structure' },
  SourceAlgorithmSpecification: { type: 'structure' },
  CertifyForMarketplace: { type: 'boolean' },
  Tags: { type: 'list', max: 50 },
  ModelApprovalStatus: { type: 'string', enum: APPROVAL_STATUSES },
  MetadataProperties: { type: 'structure' },
  ClientToken: CLIENT_TOKEN_RULE,
  CustomerMetadataProperties: { type: 'map', min: 1, max: 50 },
  AdditionalInferenceSpecifications: { type: 'list', min: 1, max: 15 },
  SkipModelValidation: { type: 'string', enum: SKIP_MODEL_VALIDATION },
  SourceUri: SOURCE_URI_RULE,
  ModelCard: { type: 'structure' },
  ModelLifeCycle: { type: 'structure' },
  ManagedStorageType: { type: 'string', enum: MANAGED_STORAGE_TYPES },
};

function createPackageViolations(body: Json): string[] {
  return [
    ...checkMembers(body, CREATE_PACKAGE_RULES),
    ...tagViolations(body.Tags, 'Tags'),
    ...inferenceSpecificationViolations(body.InferenceSpecification, 'InferenceSpecification'),
    ...validationSpecificationViolations(body.ValidationSpecification, 'ValidationSpecification'),
    ...additionalSpecificationsViolations(
      body.AdditionalInferenceSpecifications,
      'AdditionalInferenceSpecifications',
    ),
    ...metadataViolations(body),
  ];
}

/**
 * Rules between members. The first two messages are the service's as quoted by moto
 * (getmoto/moto#7165); the others are the emulator's wording for rules whose real
 * message is not documented.
 */
function checkPackageKind(body: Json): void {
  const versioned = body.ModelPackageGroupName !== undefined;
  if (versioned && body.ModelPackageName !== undefined) {
    throw validationError(
      'Both ModelPackageName and ModelPackageGroupName are provided in the input. Cannot determine which one to use.',
    );
  }
  if (!versioned && body.ModelPackageName === undefined) throw validationError('Missing ARN.');
  if (versioned && body.Tags !== undefined) {
    throw validationError('Tags are not supported for versioned model packages.');
  }
  if (versioned && body.CertifyForMarketplace !== undefined) {
    throw validationError('CertifyForMarketplace is not supported for versioned model packages.');
  }
  if (!versioned && body.ModelApprovalStatus !== undefined) {
    throw validationError('ModelApprovalStatus is only supported for versioned model packages.');
  }
  if (!versioned && !body.InferenceSpecification && !body.SourceAlgorithmSpecification) {
    throw validationError(
      'Either InferenceSpecification or SourceAlgorithmSpecification is required for unversioned model packages.',
    );
  }
  if (body.CertifyForMarketplace === true && !body.ValidationSpecification) {
    throw validationError(
      'ValidationSpecification is required when CertifyForMarketplace is true.',
    );
  }
}

/**
 * A repeated ClientToken of `operation`: the same request gets the same ARN (and changes
 * nothing again); another request a conflict.
 */
function replayedArn(b: Backend, operation: string, body: Json): string | undefined {
  const token = asString(body.ClientToken);
  const seen = token === undefined ? undefined : b.tokens.get(`${operation} ${token}`);
  if (!seen) return undefined;
  if (seen.fingerprint === stableJson(body)) return seen.arn;
  // Create- and UpdateModelPackage model ConflictException; the message is the emulator's.
  throw new ServiceError(
    'ConflictException',
    `ClientToken ${token ?? ''} was already used with a different request.`,
  );
}

function rememberToken(b: Backend, operation: string, body: Json, arn: string): void {
  const token = asString(body.ClientToken);
  if (token) b.tokens.set(`${operation} ${token}`, { fingerprint: stableJson(body), arn });
}

/** The caller as IAM names it: the emulated STS's role session, or a CI role for other keys. */
function callerArn(b: Backend, request: RecordedRequest): string {
  const key = request.accessKeyId;
  const issued = key === undefined ? undefined : b.credentials.get(key);
  const role = issued ? ROLE_ARN.exec(issued.roleArn) : null;
  return issued && role
    ? `arn:aws:sts::${role[1]}:assumed-role/${role[2]}/${issued.sessionName}`
    : `arn:aws:sts::${b.accountId}:assumed-role/ci/session`;
}

/**
 * IAM with a policy that allows only some stages (condition key
 * `sagemaker:ModelLifeCycle:stage`): a request setting a denied stage is refused in IAM's
 * words for an action that no identity-based policy allows. HTTP 400, as SageMaker's
 * AccessDeniedException. Requests without ModelLifeCycle are not affected.
 */
function checkStageAllowed(
  b: Backend,
  operation: string,
  body: Json,
  resource: string,
  request: RecordedRequest,
): void {
  const stage = isRecord(body.ModelLifeCycle) ? asString(body.ModelLifeCycle.Stage) : undefined;
  if (stage === undefined || !b.deniedStages.has(stage)) return;
  throw new ServiceError(
    'AccessDeniedException',
    `User: ${callerArn(b, request)} is not authorized to perform: sagemaker:${operation} on resource: ${resource} because no identity-based policy allows the sagemaker:${operation} action`,
  );
}

/** The ARN a CreateModelPackage request would create (IAM's resource): the group's next version. */
function createdArn(b: Backend, body: Json): string {
  const groupRef = asString(body.ModelPackageGroupName);
  if (groupRef === undefined) return packageArn(b, asString(body.ModelPackageName) ?? '');
  const group = findGroup(b, groupRef);
  return packageArn(b, `${group.name}/${group.lastVersion + 1}`);
}

/** Request members that UpdateModelPackage replaces, kept per package from CreateModelPackage on. */
const UPDATED_MEMBERS = [
  'ModelPackageRegistrationType',
  'InferenceSpecification',
  'AdditionalInferenceSpecifications',
  'SourceUri',
  'ModelCard',
  'ModelLifeCycle',
];

const pick = (body: Json, members: string[]): Json =>
  withoutUndefined(Object.fromEntries(members.map((member) => [member, body[member]])));

function newVersion(b: Backend, body: Json, groupRef: string): Omit<StoredPackage, 'outcome'> {
  const group = findGroup(b, groupRef);
  group.lastVersion += 1;
  const at = b.now();
  return {
    arn: packageArn(b, `${group.name}/${group.lastVersion}`),
    name: group.name,
    group: group.name,
    version: group.lastVersion,
    request: body,
    updated: pick(body, UPDATED_MEMBERS),
    createdAt: at,
    lastModifiedAt: at,
    approvalStatus: asString(body.ModelApprovalStatus) ?? 'PendingManualApproval',
    tags: [],
  };
}

function newUnversioned(b: Backend, body: Json, name: string): Omit<StoredPackage, 'outcome'> {
  const arn = packageArn(b, name);
  // sagemaker-python-sdk treats ValidationException "ModelPackage already exists" as a duplicate.
  if (b.packages.has(arn)) throw validationError(`ModelPackage already exists: ${arn}`);
  const at = b.now();
  return {
    arn,
    name,
    request: body,
    updated: pick(body, UPDATED_MEMBERS),
    createdAt: at,
    lastModifiedAt: at,
    tags: tagList(body.Tags),
  };
}

const tagList = (tags: unknown): Tag[] =>
  Array.isArray(tags)
    ? tags.flatMap((tag: unknown) =>
        isRecord(tag) && typeof tag.Key === 'string' && typeof tag.Value === 'string'
          ? [{ Key: tag.Key, Value: tag.Value }]
          : [],
      )
    : [];

const stringMap = (value: unknown): Record<string, string> | undefined =>
  isRecord(value)
    ? Object.fromEntries(
        Object.entries(value).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
      )
    : undefined;

function createModelPackage(b: Backend, body: Json, request: RecordedRequest): Json {
  throwIfViolations(createPackageViolations(body));
  checkPackageKind(body);
  if (isRecord(body.ModelLifeCycle)) {
    checkStageAllowed(b, 'CreateModelPackage', body, createdArn(b, body), request);
  }
  const replayed = replayedArn(b, 'CreateModelPackage', body);
  if (replayed) return { ModelPackageArn: replayed };
  const groupRef = asString(body.ModelPackageGroupName);
  const name = asString(body.ModelPackageName) ?? '';
  const base = groupRef ? newVersion(b, body, groupRef) : newUnversioned(b, body, name);
  const stored: StoredPackage = {
    ...base,
    customerMetadata: stringMap(body.CustomerMetadataProperties),
    outcome: decideOutcome(b, body, [base.name]),
  };
  b.packages.set(stored.arn, stored);
  const startsAt = stored.createdAt + b.pendingMs;
  if (b.playsJobs)
    b.jobs.packageCreated(
      stored.arn,
      body,
      { createdAt: stored.createdAt, startsAt, endsAt: startsAt + b.inProgressMs },
      stored.outcome.status,
    );
  rememberToken(b, 'CreateModelPackage', body, stored.arn);
  return { ModelPackageArn: stored.arn };
}

/**
 * Request members that DescribeModelPackage echoes: as CreateModelPackage sent them, or
 * as UpdateModelPackage last set them (UPDATED_MEMBERS).
 */
const ECHOED_MEMBERS = [
  'ModelPackageDescription',
  'ModelPackageRegistrationType',
  'InferenceSpecification',
  'SourceAlgorithmSpecification',
  'ValidationSpecification',
  'MetadataProperties',
  'ModelMetrics',
  'Domain',
  'Task',
  'SamplePayloadUrl',
  'DriftCheckBaselines',
  'AdditionalInferenceSpecifications',
  'SkipModelValidation',
  'SourceUri',
  'SecurityConfig',
  'ModelCard',
  'ModelLifeCycle',
  'ManagedStorageType',
];

const withoutUndefined = (value: Json): Json =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));

/** Versions carry no ModelPackageName (AWS Developer Guide's describe example; moto agrees). */
function identity(pkg: StoredPackage): Json {
  return pkg.group === undefined
    ? { ModelPackageName: pkg.name }
    : { ModelPackageGroupName: pkg.group, ModelPackageVersion: pkg.version };
}

/** A package as DescribeModelPackage describes it. */
function description(b: Backend, pkg: StoredPackage): Json {
  const echoed = Object.fromEntries(
    ECHOED_MEMBERS.map((member) => [
      member,
      UPDATED_MEMBERS.includes(member) ? pkg.updated[member] : pkg.request[member],
    ]),
  );
  return withoutUndefined({
    ...echoed,
    ...identity(pkg),
    ModelPackageArn: pkg.arn,
    CreationTime: seconds(pkg.createdAt),
    ModelPackageStatus: packageStatus(b, pkg),
    ModelPackageStatusDetails: statusDetails(b, pkg),
    CertifyForMarketplace: pkg.request.CertifyForMarketplace === true,
    ModelApprovalStatus: pkg.approvalStatus,
    ApprovalDescription: pkg.approvalDescription,
    CustomerMetadataProperties: pkg.customerMetadata,
    LastModifiedTime: seconds(pkg.lastModifiedAt),
  });
}

const DESCRIBE_PACKAGE_RULES: Record<string, MemberRule> = {
  ModelPackageName: {
    type: 'string',
    required: true,
    min: 1,
    max: 176,
    pattern: [PACKAGE_REF, PACKAGE_REF_TEXT],
  },
};

function describeModelPackage(b: Backend, body: Json): Json {
  throwIfViolations(checkMembers(body, DESCRIBE_PACKAGE_RULES));
  return description(b, findPackage(b, asString(body.ModelPackageName) ?? ''));
}

function batchSummary(b: Backend, pkg: StoredPackage): Json {
  return withoutUndefined({
    ModelPackageGroupName: pkg.group,
    ModelPackageVersion: pkg.version,
    ModelPackageArn: pkg.arn,
    ModelPackageDescription: pkg.request.ModelPackageDescription,
    CreationTime: seconds(pkg.createdAt),
    InferenceSpecification: pkg.updated.InferenceSpecification,
    ModelPackageStatus: packageStatus(b, pkg),
    ModelApprovalStatus: pkg.approvalStatus,
    ModelPackageRegistrationType: pkg.updated.ModelPackageRegistrationType,
  });
}

const BATCH_DESCRIBE_RULES: Record<string, MemberRule> = {
  ModelPackageArnList: { type: 'list', required: true, min: 1, max: 100 },
};

function batchDescribeModelPackage(b: Backend, body: Json): Json {
  throwIfViolations(checkMembers(body, BATCH_DESCRIBE_RULES));
  const summaries: Json = {};
  const errors: Json = {};
  const arns = Array.isArray(body.ModelPackageArnList) ? body.ModelPackageArnList : [];
  for (const arn of arns) {
    if (typeof arn !== 'string') {
      throw new ServiceError('SerializationException', 'Expected strings');
    }
    try {
      summaries[arn] = batchSummary(b, findPackage(b, arn));
    } catch (error) {
      if (!(error instanceof ServiceError)) throw error;
      errors[arn] = { ErrorCode: error.code, ErrorResponse: error.message };
    }
  }
  return { ModelPackageSummaries: summaries, BatchDescribeModelPackageErrorMap: errors };
}

const LIST_RULES: Record<string, MemberRule> = {
  MaxResults: { type: 'integer', min: 1, max: 100 },
  NameContains: { type: 'string', max: 63, pattern: [/^[a-zA-Z0-9-]+$/, '[a-zA-Z0-9\\-]+'] },
  ModelApprovalStatus: { type: 'string', enum: APPROVAL_STATUSES },
  ModelPackageGroupName: {
    type: 'string',
    min: 1,
    max: 170,
    pattern: [NAME_OR_ARN, NAME_OR_ARN_TEXT],
  },
  ModelPackageType: { type: 'string', enum: PACKAGE_TYPES },
  NextToken: { type: 'string', max: 8192 },
  SortBy: { type: 'string', enum: SORT_BY },
  SortOrder: { type: 'string', enum: SORT_ORDERS },
  CreationTimeAfter: { type: 'timestamp' },
  CreationTimeBefore: { type: 'timestamp' },
};

/**
 * Without a group, ModelPackageType defaults to Unversioned (API reference:
 * "UNVERSIONED ... This is the default value if no ModelPackageType is specified"). A group
 * filter lists that group's versions, whatever ModelPackageType says (a guess: the
 * reference does not say how the two combine).
 */
function listFilter(b: Backend, body: Json): (pkg: StoredPackage) => boolean {
  const groupRef = asString(body.ModelPackageGroupName);
  // A group of another account is a name that no group here has.
  const group =
    groupRef === undefined
      ? undefined
      : (resourcePart(b, groupRef, 'model-package-group') ?? '').toLowerCase();
  const type =
    group === undefined ? (asString(body.ModelPackageType) ?? 'Unversioned') : 'Versioned';
  const contains = asString(body.NameContains);
  const approval = asString(body.ModelApprovalStatus);
  const after =
    typeof body.CreationTimeAfter === 'number' ? body.CreationTimeAfter * 1000 : -Infinity;
  const before =
    typeof body.CreationTimeBefore === 'number' ? body.CreationTimeBefore * 1000 : Infinity;
  return (pkg) =>
    (type === 'Both' || (type === 'Versioned') === (pkg.version !== undefined)) &&
    (group === undefined || pkg.group?.toLowerCase() === group) &&
    (contains === undefined || pkg.name.includes(contains)) &&
    (approval === undefined || pkg.approvalStatus === approval) &&
    pkg.createdAt > after &&
    pkg.createdAt < before;
}

function listOrder(body: Json): (x: StoredPackage, y: StoredPackage) => number {
  const direction = body.SortOrder === 'Descending' ? -1 : 1;
  const byName = body.SortBy === 'Name';
  return (x, y) => {
    const primary = byName ? x.name.localeCompare(y.name) : x.createdAt - y.createdAt;
    const tie = (x.version ?? 0) - (y.version ?? 0) || x.arn.localeCompare(y.arn);
    return direction * (primary || tie);
  };
}

const encodeToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64');

function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!match?.[1]) throw validationError('Invalid pagination token.');
  return Number(match[1]);
}

function listSummary(b: Backend, pkg: StoredPackage): Json {
  return withoutUndefined({
    ...identity(pkg),
    ModelPackageArn: pkg.arn,
    ModelPackageDescription: pkg.request.ModelPackageDescription,
    CreationTime: seconds(pkg.createdAt),
    ModelPackageStatus: packageStatus(b, pkg),
    ModelApprovalStatus: pkg.approvalStatus,
    ModelLifeCycle: pkg.updated.ModelLifeCycle,
    ModelPackageRegistrationType: pkg.updated.ModelPackageRegistrationType,
  });
}

/** MaxResults defaults to 10 (undocumented; the usual SageMaker list default). */
function listModelPackages(b: Backend, body: Json): Json {
  throwIfViolations(checkMembers(body, LIST_RULES));
  const all = [...b.packages.values()].filter(listFilter(b, body)).sort(listOrder(body));
  const offset = decodeToken(asString(body.NextToken));
  const size = typeof body.MaxResults === 'number' ? body.MaxResults : 10;
  const page = all.slice(offset, offset + size);
  const next = offset + size < all.length ? encodeToken(offset + size) : undefined;
  return withoutUndefined({
    ModelPackageSummaryList: page.map((pkg) => listSummary(b, pkg)),
    NextToken: next,
  });
}

const CREATE_GROUP_RULES: Record<string, MemberRule> = {
  ModelPackageGroupName: {
    type: 'string',
    required: true,
    min: 1,
    max: 63,
    pattern: [NAME, NAME_TEXT],
  },
  ModelPackageGroupDescription: { type: 'string', max: 1024 },
  Tags: { type: 'list', max: 50 },
};

function createModelPackageGroup(b: Backend, body: Json): Json {
  throwIfViolations([
    ...checkMembers(body, CREATE_GROUP_RULES),
    ...tagViolations(body.Tags, 'Tags'),
  ]);
  const name = asString(body.ModelPackageGroupName) ?? '';
  const arn = groupArn(b, name);
  // Real: ValidationException "Model Package Group already exists: <arn>" (several public
  // callers match "Model Package Group already exists" on ValidationException).
  if (b.groups.has(name.toLowerCase())) {
    throw validationError(`Model Package Group already exists: ${arn}`);
  }
  b.groups.set(name.toLowerCase(), {
    name,
    arn,
    description: asString(body.ModelPackageGroupDescription),
    createdAt: b.now(),
    tags: tagList(body.Tags),
    lastVersion: 0,
  });
  return { ModelPackageGroupArn: arn };
}

const DESCRIBE_GROUP_RULES: Record<string, MemberRule> = {
  ModelPackageGroupName: {
    type: 'string',
    required: true,
    min: 1,
    max: 170,
    pattern: [NAME_OR_ARN, NAME_OR_ARN_TEXT],
  },
};

function describeModelPackageGroup(b: Backend, body: Json): Json {
  throwIfViolations(checkMembers(body, DESCRIBE_GROUP_RULES));
  const group = findGroup(b, asString(body.ModelPackageGroupName) ?? '');
  return withoutUndefined({
    ModelPackageGroupName: group.name,
    ModelPackageGroupArn: group.arn,
    ModelPackageGroupDescription: group.description,
    CreationTime: seconds(group.createdAt),
    CreatedBy: {},
    ModelPackageGroupStatus: 'Completed',
  });
}

/**
 * Approval rules are the emulator's (the real messages are undocumented): a version can be
 * approved only once its validation Completed; rejecting it is always possible.
 */
function checkApproval(b: Backend, pkg: StoredPackage, approval: string | undefined): void {
  if (approval === undefined) return;
  const status = packageStatus(b, pkg);
  if (approval === 'Approved' && status !== 'Completed') {
    throw validationError(
      `Cannot approve model package ${pkg.arn} because its status is ${status}; only a Completed model package can be approved.`,
    );
  }
}

/** Sent properties are added or replaced, then the listed keys removed. */
function updatedMetadata(
  current: Record<string, string> | undefined,
  body: Json,
): Record<string, string> | undefined {
  const merged = { ...current, ...stringMap(body.CustomerMetadataProperties) };
  const remove = body.CustomerMetadataPropertiesToRemove;
  for (const key of Array.isArray(remove) ? remove : []) {
    if (typeof key === 'string') delete merged[key];
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

const UPDATE_PACKAGE_RULES: Record<string, MemberRule> = {
  ModelPackageArn: {
    type: 'string',
    required: true,
    min: 1,
    max: 2048,
    pattern: [PACKAGE_ARN, PACKAGE_ARN_TEXT],
  },
  ModelApprovalStatus: { type: 'string', enum: APPROVAL_STATUSES },
  ModelPackageRegistrationType: { type: 'string', enum: REGISTRATION_TYPES },
  ApprovalDescription: { type: 'string', max: 1024 },
  CustomerMetadataProperties: { type: 'map', min: 1, max: 50 },
  CustomerMetadataPropertiesToRemove: { type: 'list' },
  AdditionalInferenceSpecificationsToAdd: { type: 'list', min: 1, max: 15 },
  InferenceSpecification: { type: 'structure' },
  SourceUri: SOURCE_URI_RULE,
  ModelCard: { type: 'structure' },
  ModelLifeCycle: { type: 'structure' },
  ClientToken: CLIENT_TOKEN_RULE,
};

function updatePackageViolations(body: Json): string[] {
  return [
    ...checkMembers(body, UPDATE_PACKAGE_RULES),
    ...additionalSpecificationsViolations(
      body.AdditionalInferenceSpecificationsToAdd,
      'AdditionalInferenceSpecificationsToAdd',
    ),
    ...inferenceSpecificationViolations(body.InferenceSpecification, 'InferenceSpecification'),
    ...metadataViolations(body),
  ];
}

/**
 * "Updates a versioned model" (API reference): the emulator refuses unversioned packages,
 * in its own words (the real message is undocumented).
 */
function checkVersioned(pkg: StoredPackage): void {
  if (pkg.version !== undefined) return;
  throw validationError(
    `Model package ${pkg.arn} is unversioned; UpdateModelPackage updates versioned model packages only.`,
  );
}

/**
 * ModelCardStatus Archived: "No more updates can be made to the model card content. If you
 * try to update the model card content, you will receive the message Model Card is in
 * Archived state" (API reference, ModelPackageModelCard). The emulator refuses any ModelCard.
 */
function checkModelCard(pkg: StoredPackage, body: Json): void {
  const card = pkg.updated.ModelCard;
  if (body.ModelCard !== undefined && isRecord(card) && card.ModelCardStatus === 'Archived') {
    throw validationError('Model Card is in Archived state');
  }
}

/**
 * The package's AdditionalInferenceSpecifications with the request's appended: at most 15
 * in all ("Total number of additional Inference Specifications can not exceed 15"), names
 * unique ("The name must be unique within the list"). The messages are the emulator's.
 */
function withAddedSpecifications(pkg: StoredPackage, body: Json): unknown[] | undefined {
  const current = pkg.updated.AdditionalInferenceSpecifications;
  const added = body.AdditionalInferenceSpecificationsToAdd;
  if (!Array.isArray(added)) return Array.isArray(current) ? current : undefined;
  const all: unknown[] = [...(Array.isArray(current) ? current : []), ...added];
  if (all.length > 15) {
    throw validationError(
      `Model package ${pkg.arn} would have ${all.length} AdditionalInferenceSpecifications; at most 15 are allowed.`,
    );
  }
  const names = all.map((spec) => (isRecord(spec) ? spec.Name : undefined));
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (typeof repeated === 'string') {
    throw validationError(
      `AdditionalInferenceSpecifications of model package ${pkg.arn} must have unique names; ${repeated} is used twice.`,
    );
  }
  return all;
}

/** Members sent replace the card's; a card sent without content keeps the content it had. */
const updatedCard = (current: unknown, sent: unknown): unknown =>
  isRecord(sent) ? { ...(isRecord(current) ? current : {}), ...sent } : current;

/**
 * Order of checks: the request's members, IAM (lifecycle stage), the package exists and is
 * a version, a repeated ClientToken, then the rules between the request and the package.
 */
function updateModelPackage(b: Backend, body: Json, request: RecordedRequest): Json {
  throwIfViolations(updatePackageViolations(body));
  const ref = asString(body.ModelPackageArn) ?? '';
  checkStageAllowed(b, 'UpdateModelPackage', body, ref, request);
  const pkg = findPackage(b, ref);
  checkVersioned(pkg);
  const replayed = replayedArn(b, 'UpdateModelPackage', body);
  if (replayed) return { ModelPackageArn: replayed };
  const approval = asString(body.ModelApprovalStatus);
  checkApproval(b, pkg, approval);
  checkModelCard(pkg, body);
  const additional = withAddedSpecifications(pkg, body);
  if (approval !== undefined) pkg.approvalStatus = approval;
  if (body.ApprovalDescription !== undefined) {
    pkg.approvalDescription = asString(body.ApprovalDescription);
  }
  pkg.customerMetadata = updatedMetadata(pkg.customerMetadata, body);
  pkg.updated = withoutUndefined({
    ...pkg.updated,
    ...pick(body, [
      'ModelPackageRegistrationType',
      'InferenceSpecification',
      'SourceUri',
      'ModelLifeCycle',
    ]),
    AdditionalInferenceSpecifications: additional,
    ModelCard: updatedCard(pkg.updated.ModelCard, body.ModelCard),
  });
  pkg.lastModifiedAt = b.now();
  rememberToken(b, 'UpdateModelPackage', body, pkg.arn);
  return { ModelPackageArn: pkg.arn };
}

const RESOURCE_ARN_RULE: MemberRule = {
  type: 'string',
  required: true,
  max: 256,
  pattern: [RESOURCE_ARN, 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:.+'],
};

const LIST_TAGS_RULES: Record<string, MemberRule> = { ResourceArn: RESOURCE_ARN_RULE };

function listTags(b: Backend, body: Json): Json {
  throwIfViolations(checkMembers(body, LIST_TAGS_RULES));
  return { Tags: findTagged(b, asString(body.ResourceArn) ?? '').tags };
}

const ADD_TAGS_RULES: Record<string, MemberRule> = {
  ResourceArn: RESOURCE_ARN_RULE,
  Tags: { type: 'list', required: true, max: 50 },
};

function addTags(b: Backend, body: Json): Json {
  throwIfViolations([...checkMembers(body, ADD_TAGS_RULES), ...tagViolations(body.Tags, 'Tags')]);
  const resource = findTagged(b, asString(body.ResourceArn) ?? '');
  const added = tagList(body.Tags);
  const keys = new Set(added.map((tag) => tag.Key));
  const merged = [...resource.tags.filter((tag) => !keys.has(tag.Key)), ...added];
  if (merged.length > 50) throw validationError('A resource can have at most 50 tags.');
  resource.tags = merged;
  return { Tags: added };
}

// ---------------------------------------------------------------------------------------------
// Search, for Resource ModelPackage only

const SEARCH_RULES: Record<string, MemberRule> = {
  Resource: { type: 'string', required: true, enum: RESOURCE_TYPES },
  SearchExpression: { type: 'structure' },
  SortBy: { type: 'string', min: 1, max: 255 },
  SortOrder: { type: 'string', enum: SORT_ORDERS },
  NextToken: { type: 'string', max: 8192 },
  MaxResults: { type: 'integer', min: 1, max: 100 },
  CrossAccountFilterOption: { type: 'string', enum: CROSS_ACCOUNT_OPTIONS },
  VisibilityConditions: { type: 'list', min: 1, max: 5 },
};

const SEARCH_EXPRESSION_RULES: Record<string, MemberRule> = {
  Filters: { type: 'list', min: 1, max: 20 },
  NestedFilters: { type: 'list', min: 1, max: 20 },
  SubExpressions: { type: 'list', min: 1, max: 20 },
  Operator: { type: 'string', enum: BOOLEAN_OPERATORS },
};

const FILTER_RULES: Record<string, MemberRule> = {
  Name: { type: 'string', required: true, min: 1, max: 255 },
  Operator: { type: 'string', enum: OPERATORS },
  Value: { type: 'string', min: 1, max: 1024 },
};

const NESTED_FILTERS_RULES: Record<string, MemberRule> = {
  NestedPropertyName: { type: 'string', required: true, min: 1, max: 255 },
  Filters: { type: 'list', required: true, min: 1, max: 20 },
};

const VISIBILITY_CONDITION_RULES: Record<string, MemberRule> = {
  Key: { type: 'string', min: 1, max: 128 },
  Value: { type: 'string', max: 256 },
};

const records = (list: unknown): Json[] => (Array.isArray(list) ? list.filter(isRecord) : []);

function searchExpressionViolations(expression: unknown, path: string): string[] {
  if (!isRecord(expression)) return [];
  return [
    ...checkStructure(expression, path, SEARCH_EXPRESSION_RULES),
    ...checkItems(expression.Filters, `${path}.Filters`, FILTER_RULES),
    ...checkItems(expression.NestedFilters, `${path}.NestedFilters`, NESTED_FILTERS_RULES),
    ...records(expression.NestedFilters).flatMap((nested, index) =>
      checkItems(nested.Filters, `${path}.NestedFilters.${index + 1}.member.Filters`, FILTER_RULES),
    ),
    ...checkItems(expression.SubExpressions, `${path}.SubExpressions`, {}),
    ...records(expression.SubExpressions).flatMap((sub, index) =>
      searchExpressionViolations(sub, `${path}.SubExpressions.${index + 1}.member`),
    ),
  ];
}

function searchViolations(body: Json): string[] {
  return [
    ...checkMembers(body, SEARCH_RULES),
    ...searchExpressionViolations(body.SearchExpression, 'SearchExpression'),
    ...checkItems(body.VisibilityConditions, 'VisibilityConditions', VISIBILITY_CONDITION_RULES),
  ];
}

/** The properties the emulator's Search filters ModelPackage on, besides `Tags.<key>`. */
const SEARCH_PROPERTIES = [
  'ModelPackageArn',
  'ModelPackageName',
  'ModelPackageGroupName',
  'ModelPackageVersion',
  'ModelPackageStatus',
  'ModelApprovalStatus',
  'ModelLifeCycle.Stage',
  'ModelLifeCycle.StageStatus',
];
const SEARCH_OPERATORS = ['Equals', 'NotEquals', 'Exists', 'NotExists', 'Contains', 'In'];
const SEARCH_SORT_BY = ['LastModifiedTime', 'CreationTime'];

/** A property of a search record, by its dotted name; `Tags.<key>` is the tag's value. */
function propertyOf(record: Json, name: string): string | undefined {
  if (name.startsWith('Tags.')) {
    return records(record.Tags).find((tag) => tag.Key === name.slice('Tags.'.length))?.Value as
      string | undefined;
  }
  let value: unknown = record;
  for (const part of name.split('.')) value = isRecord(value) ? value[part] : undefined;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

type RecordMatch = (record: Json) => boolean;

/**
 * Operators as the Filter reference defines them; a missing property is not Equal to any
 * value (so NotEquals matches it). What the emulator does not support is refused in its own
 * words, naming what it supports.
 */
function filterMatch(filter: Json): RecordMatch {
  const name = asString(filter.Name) ?? '';
  const operator = asString(filter.Operator) ?? 'Equals';
  const value = asString(filter.Value);
  if (!name.startsWith('Tags.') && !SEARCH_PROPERTIES.includes(name)) {
    throw validationError(
      `The emulator's Search filters ModelPackage on ${SEARCH_PROPERTIES.join(', ')} and Tags.<key>, not on ${name}.`,
    );
  }
  if (!SEARCH_OPERATORS.includes(operator)) {
    throw validationError(
      `The emulator's Search supports the operators ${SEARCH_OPERATORS.join(', ')}, not ${operator}.`,
    );
  }
  if (value === undefined && operator !== 'Exists' && operator !== 'NotExists') {
    throw validationError(`The filter on ${name} with operator ${operator} needs a Value.`);
  }
  const wanted = value ?? '';
  const tests: Record<string, (actual: string | undefined) => boolean> = {
    Equals: (actual) => actual === wanted,
    NotEquals: (actual) => actual !== wanted,
    Exists: (actual) => actual !== undefined,
    NotExists: (actual) => actual === undefined,
    Contains: (actual) => actual?.includes(wanted) ?? false,
    In: (actual) => actual !== undefined && wanted.split(',').includes(actual),
  };
  const test = tests[operator]!;
  return (record) => test(propertyOf(record, name));
}

/** At most 50 Filters, NestedFilters and SubExpressions in all (SearchRequest reference). */
function conditionCount(expression: Json): number {
  const subs = records(expression.SubExpressions);
  return (
    records(expression.Filters).length +
    records(expression.NestedFilters).length +
    subs.length +
    subs.reduce((sum, sub) => sum + conditionCount(sub), 0)
  );
}

function expressionMatch(expression: Json): RecordMatch {
  if (expression.NestedFilters !== undefined) {
    throw validationError(
      "The emulator's Search does not support NestedFilters; use Filters and SubExpressions.",
    );
  }
  const matches = [
    ...records(expression.Filters).map(filterMatch),
    ...records(expression.SubExpressions).map(expressionMatch),
  ];
  if (matches.length === 0) {
    throw validationError(
      'A SearchExpression must have at least one of Filters, NestedFilters or SubExpressions.',
    );
  }
  return expression.Operator === 'Or'
    ? (record) => matches.some((match) => match(record))
    : (record) => matches.every((match) => match(record));
}

/** VisibilityConditions: `Tags.<key>` keys; the package must have the tag (with the value, if given). */
function visibilityMatch(conditions: Json[]): RecordMatch {
  const tags = conditions.map((condition) => {
    const key = asString(condition.Key) ?? '';
    if (!key.startsWith('Tags.')) {
      throw validationError(`VisibilityConditions keys have the form Tags.<key>, not ${key}.`);
    }
    return { name: key, value: asString(condition.Value) };
  });
  return (record) =>
    tags.every(({ name, value }) => {
      const actual = propertyOf(record, name);
      return actual !== undefined && (value === undefined || actual === value);
    });
}

/** A ModelPackage search record: DescribeModelPackage's description (as the ModelPackage shape has it) and the tags. */
function searchRecord(b: Backend, pkg: StoredPackage): Json {
  const described = description(b, pkg);
  delete described.ManagedStorageType;
  return { ...described, Tags: pkg.tags };
}

function searchOrder(body: Json): (x: StoredPackage, y: StoredPackage) => number {
  const sortBy = asString(body.SortBy) ?? 'LastModifiedTime';
  if (!SEARCH_SORT_BY.includes(sortBy)) {
    throw validationError(
      `The emulator's Search sorts ModelPackage by ${SEARCH_SORT_BY.join(' or ')}, not ${sortBy}.`,
    );
  }
  const direction = body.SortOrder === 'Ascending' ? 1 : -1;
  const time = (pkg: StoredPackage) =>
    sortBy === 'CreationTime' ? pkg.createdAt : pkg.lastModifiedAt;
  return (x, y) =>
    direction *
    (time(x) - time(y) || (x.version ?? 0) - (y.version ?? 0) || x.arn.localeCompare(y.arn));
}

/**
 * Search with Resource ModelPackage: versions and unversioned packages of this account,
 * by default the last modified first (SortBy LastModifiedTime, SortOrder Descending, as the
 * reference says). MaxResults defaults to 10 (undocumented).
 */
function search(b: Backend, body: Json): Json {
  throwIfViolations(searchViolations(body));
  const resource = asString(body.Resource);
  if (resource !== 'ModelPackage') {
    throw validationError(
      `The emulator's Search supports Resource ModelPackage only, not ${resource ?? ''}.`,
    );
  }
  const expression = isRecord(body.SearchExpression) ? body.SearchExpression : undefined;
  if (expression && conditionCount(expression) > 50) {
    throw validationError(
      `A SearchExpression can have at most 50 Filters, NestedFilters and SubExpressions in all; this one has ${conditionCount(expression)}.`,
    );
  }
  const matches = expression ? expressionMatch(expression) : () => true;
  const visible = visibilityMatch(records(body.VisibilityConditions));
  const order = searchOrder(body);
  // No model package of another account is discoverable here.
  const own = body.CrossAccountFilterOption !== 'CrossAccount';
  const found = [...b.packages.values()]
    .filter(() => own)
    .sort(order)
    .map((pkg) => searchRecord(b, pkg))
    .filter((record) => matches(record) && visible(record));
  const offset = decodeToken(asString(body.NextToken));
  const size = typeof body.MaxResults === 'number' ? body.MaxResults : 10;
  const next = offset + size < found.length ? encodeToken(offset + size) : undefined;
  return withoutUndefined({
    Results: found.slice(offset, offset + size).map((record) => ({ ModelPackage: record })),
    NextToken: next,
    TotalHits: { Value: found.length, Relation: 'EqualTo' },
  });
}

type Handler = (b: Backend, body: Json, request: RecordedRequest) => Json;

const HANDLERS: Record<string, Handler> = {
  CreateModelPackage: createModelPackage,
  DescribeModelPackage: describeModelPackage,
  BatchDescribeModelPackage: batchDescribeModelPackage,
  ListModelPackages: listModelPackages,
  CreateModelPackageGroup: createModelPackageGroup,
  DescribeModelPackageGroup: describeModelPackageGroup,
  UpdateModelPackage: updateModelPackage,
  ListTags: listTags,
  AddTags: addTags,
  Search: search,
};

/**
 * The member rules, by the name of the SDK's shape they check (the SDK's service model has
 * the members and which are required; its constraints are in the API reference).
 */
export const MEMBER_RULES: Record<string, Record<string, MemberRule>> = {
  CreateModelPackageInput: CREATE_PACKAGE_RULES,
  UpdateModelPackageInput: UPDATE_PACKAGE_RULES,
  DescribeModelPackageInput: DESCRIBE_PACKAGE_RULES,
  BatchDescribeModelPackageInput: BATCH_DESCRIBE_RULES,
  ListModelPackagesInput: LIST_RULES,
  CreateModelPackageGroupInput: CREATE_GROUP_RULES,
  DescribeModelPackageGroupInput: DESCRIBE_GROUP_RULES,
  ListTagsInput: LIST_TAGS_RULES,
  AddTagsInput: ADD_TAGS_RULES,
  SearchRequest: SEARCH_RULES,
  SearchExpression: SEARCH_EXPRESSION_RULES,
  Filter: FILTER_RULES,
  NestedFilters: NESTED_FILTERS_RULES,
  VisibilityConditions: VISIBILITY_CONDITION_RULES,
  Tag: TAG_RULES,
  InferenceSpecification: INFERENCE_SPECIFICATION_RULES,
  ModelPackageContainerDefinition: CONTAINER_RULES,
  AdditionalInferenceSpecificationDefinition: ADDITIONAL_SPECIFICATION_RULES,
  ModelPackageValidationSpecification: VALIDATION_SPECIFICATION_RULES,
  ModelPackageValidationProfile: VALIDATION_PROFILE_RULES,
  ModelLifeCycle: LIFE_CYCLE_RULES,
  ModelPackageModelCard: MODEL_CARD_RULES,
};

// ---------------------------------------------------------------------------------------------
// HTTP

const FAULT_ERRORS: Record<Exclude<Fault['kind'], 'drop-connection'>, ServiceError> = {
  throttle: new ServiceError('ThrottlingException', 'Rate exceeded'),
  'internal-error': new ServiceError('InternalFailure', 'An internal error occurred.', 500),
  unavailable: new ServiceError('ServiceUnavailable', 'Service is unavailable.', 503),
  'expired-token': new ServiceError(
    'ExpiredTokenException',
    'The security token included in the request is expired',
  ),
};

type ServiceResponse = ServerResponse<IncomingMessage>;

function send(
  response: ServiceResponse,
  status: number,
  payload: Json,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

function sendError(response: ServiceResponse, error: ServiceError): void {
  send(
    response,
    error.status,
    { __type: error.code, message: error.message },
    { 'x-amzn-errortype': error.code },
  );
}

// ---------------------------------------------------------------------------------------------
// STS AssumeRoleWithWebIdentity (awsQuery: a form body, XML answers)

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const xmlEscape = (text: string): string =>
  text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The claims of a JWT, signed or not (the emulator trusts the GitHub emulator's tokens). */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return isRecord(claims) ? claims : undefined;
  } catch {
    return undefined;
  }
}

const stsValidation = (member: string, value: string, constraint: string): ServiceError =>
  new ServiceError(
    'ValidationError',
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );

/** Checks the request and the token as STS does; the messages are STS's where known. */
function checkWebIdentityRequest(
  b: Backend,
  params: URLSearchParams,
): { claims: Record<string, unknown>; roleArn: string; sessionName: string; seconds: number } {
  const roleArn = params.get('RoleArn') ?? '';
  const sessionName = params.get('RoleSessionName') ?? '';
  const seconds = Number(params.get('DurationSeconds') ?? '3600');
  if (!ROLE_ARN.test(roleArn)) {
    throw stsValidation(
      'roleArn',
      roleArn,
      'Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
    );
  }
  if (!SESSION_NAME.test(sessionName)) {
    throw stsValidation(
      'roleSessionName',
      sessionName,
      'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
    );
  }
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) {
    throw stsValidation(
      'durationSeconds',
      String(seconds),
      'Member must have value between 900 and 43200',
    );
  }
  const claims = jwtClaims(params.get('WebIdentityToken') ?? '');
  if (!claims) {
    throw new ServiceError(
      'InvalidIdentityToken',
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
    );
  }
  const audience = b.sts.audience ?? 'sts.amazonaws.com';
  const aud = claims.aud;
  if (Array.isArray(aud) ? !aud.includes(audience) : aud !== audience) {
    throw new ServiceError('InvalidIdentityToken', 'Incorrect token audience');
  }
  const now = b.now();
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  if (exp <= now) {
    throw new ServiceError(
      'ExpiredTokenException',
      `Token expired: current date/time ${Math.floor(now / 1000)} must be before the expiration date/time ${Math.floor(exp / 1000)}`,
    );
  }
  const iat = typeof claims.iat === 'number' ? claims.iat * 1000 : 0;
  if (b.sts.maxTokenAgeMs !== undefined && now - iat > b.sts.maxTokenAgeMs) {
    // The emulator's own rule and wording: a token older than allowed is refused.
    throw new ServiceError(
      'ExpiredTokenException',
      `Token too old: issued ${Math.round((now - iat) / 1000)} seconds ago`,
    );
  }
  if (b.sts.trusts && !b.sts.trusts(roleArn, claims)) {
    throw new ServiceError(
      'AccessDenied',
      'Not authorized to perform sts:AssumeRoleWithWebIdentity',
      403,
    );
  }
  return { claims, roleArn, sessionName, seconds };
}

/** An access key id of temporary credentials: ASIA and 16 capitals or digits. */
const accessKeyId = (): string =>
  `ASIA${[...randomBytes(16)].map((byte) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[byte % 32]).join('')}`;

function assumeRoleWithWebIdentity(b: Backend, params: URLSearchParams): string {
  const { claims, roleArn, sessionName, seconds } = checkWebIdentityRequest(b, params);
  const issuedAt = b.now();
  const lifetime = Math.min(seconds * 1000, b.sts.maxLifetimeMs ?? Infinity);
  const issued = {
    accessKeyId: accessKeyId(),
    roleArn,
    sessionName,
    issuedAt,
    expiresAt: issuedAt + lifetime,
    claims,
    sessionToken: randomBytes(96).toString('base64'),
  };
  const secret = randomBytes(30).toString('base64');
  b.credentials.set(issued.accessKeyId, { ...issued, secret });
  const [, account, role] = ROLE_ARN.exec(roleArn)!;
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  return `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xmlEscape(subject)}</SubjectFromWebIdentityToken>
    <Audience>${xmlEscape(String(claims.aud))}</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${account}:assumed-role/${xmlEscape(role!)}/${xmlEscape(sessionName)}</Arn>
      <AssumedRoleId>AROA${issued.accessKeyId.slice(4)}:${xmlEscape(sessionName)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <SecretAccessKey>${secret}</SecretAccessKey>
      <Expiration>${new Date(issued.expiresAt).toISOString()}</Expiration>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>${xmlEscape(String(claims.iss ?? ''))}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
}

function sendXml(response: ServiceResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/xml',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}

function sendStsError(response: ServiceResponse, error: ServiceError): void {
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  sendXml(
    response,
    error.status,
    `<ErrorResponse xmlns="${STS_NS}">
  <Error>
    <Type>${type}</Type>
    <Code>${error.code}</Code>
    <Message>${xmlEscape(error.message)}</Message>
  </Error>
  <RequestId>${randomUUID()}</RequestId>
</ErrorResponse>`,
  );
}

function isStsRequest(request: IncomingMessage): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/** The STS request's parameters as recorded: the token replaced by its claims. */
function recordedStsBody(params: URLSearchParams): Json {
  const { WebIdentityToken: token, ...rest } = Object.fromEntries(params);
  return { ...rest, WebIdentityTokenClaims: token ? (jwtClaims(token) ?? null) : null };
}

/** Records a request, and hands it to the tests that wait for one like it. */
function recordRequest(b: Backend, record: RecordedRequest): void {
  b.requests.push(record);
  for (const waiter of b.waiters.filter((w) => w.match(record))) {
    b.waiters.splice(b.waiters.indexOf(waiter), 1);
    waiter.resolve(record);
  }
}

async function handleSts(
  b: Backend,
  request: IncomingMessage,
  response: ServiceResponse,
  text: string,
): Promise<void> {
  const params = new URLSearchParams(text);
  const operation = params.get('Action') ?? '';
  const record: RecordedRequest = {
    operation,
    body: recordedStsBody(params),
    headers: { ...request.headers },
    at: b.now(),
  };
  recordRequest(b, record);
  const fault = takeFault(b, operation);
  if (fault?.kind === 'drop-connection') {
    request.socket.destroy();
    return;
  }
  if (fault) return sendStsError(response, FAULT_ERRORS[fault.kind]);
  if (request.method !== 'POST' || operation !== 'AssumeRoleWithWebIdentity') {
    return sendStsError(
      response,
      new ServiceError(
        'InvalidAction',
        `Could not find operation ${operation || '(none)'} for version 2011-06-15`,
      ),
    );
  }
  try {
    sendXml(response, 200, assumeRoleWithWebIdentity(b, params));
  } catch (error) {
    const refused =
      error instanceof ServiceError
        ? error
        : new ServiceError('InternalFailure', String(error), 500);
    record.refused = refused.code;
    sendStsError(response, refused);
  }
}

/** The access key id of a SigV4 Authorization header. */
function signingKey(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  return typeof authorization === 'string'
    ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1]
    : undefined;
}

/**
 * Credentials the emulated STS issued work until they expire, with their own session
 * token; other keys (static test keys) are accepted as they are.
 */
function checkIssuedCredentials(
  b: Backend,
  request: IncomingMessage,
  key: string | undefined,
): void {
  const issued = key === undefined ? undefined : b.credentials.get(key);
  if (!issued) return;
  if (request.headers['x-amz-security-token'] !== issued.sessionToken) {
    throw new ServiceError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (b.now() >= issued.expiresAt) {
    throw new ServiceError(
      'ExpiredTokenException',
      'The security token included in the request is expired',
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

function operationOf(request: IncomingMessage): string {
  const target = request.headers['x-amz-target'];
  const value = Array.isArray(target) ? target[0] : target;
  return value?.startsWith('SageMaker.') ? value.slice('SageMaker.'.length) : (value ?? '');
}

function takeFault(b: Backend, operation: string): Fault | undefined {
  const index = b.faults.findIndex(
    (queued) => queued.operation === undefined || queued.operation === operation,
  );
  const queued = b.faults[index];
  if (!queued) return undefined;
  queued.remaining -= 1;
  if (queued.remaining <= 0) b.faults.splice(index, 1);
  return queued.fault;
}

/**
 * Without a SigV4 signature the service answers like other awsJson services (DynamoDB):
 * 400 MissingAuthenticationTokenException.
 */
function checkAuthentication(request: IncomingMessage): void {
  const authorization = request.headers.authorization;
  if (
    typeof authorization !== 'string' ||
    !authorization.startsWith('AWS4-HMAC-SHA256 Credential=')
  ) {
    throw new ServiceError(
      'MissingAuthenticationTokenException',
      'Request is missing Authentication Token',
    );
  }
}

function dispatch(
  b: Backend,
  request: IncomingMessage,
  operation: string,
  body: Json | undefined,
  record: RecordedRequest,
): Json {
  checkAuthentication(request);
  try {
    checkIssuedCredentials(b, request, record.accessKeyId);
  } catch (error) {
    if (error instanceof ServiceError) record.refused = error.code;
    throw error;
  }
  const jobs = b.jobs.handlers[operation];
  const handler: Handler | undefined =
    HANDLERS[operation] ?? (jobs && ((_b: Backend, body: Json) => jobs(body)));
  if (request.method !== 'POST' || !handler) {
    throw new ServiceError(
      'UnknownOperationException',
      `Unknown operation ${operation || '(none)'}`,
    );
  }
  if (body === undefined) throw new ServiceError('SerializationException', 'Malformed JSON body');
  try {
    if (b.jobs.denied.has(operation)) throw accessDenied(operation, b.accountId);
    return handler(b, body, record);
  } catch (error) {
    if (error instanceof ServiceFailure) {
      throw new ServiceError(error.code, error.message, error.status);
    }
    throw error;
  }
}

async function handle(
  b: Backend,
  request: IncomingMessage,
  response: ServiceResponse,
): Promise<void> {
  const text = await readBody(request);
  if (isStsRequest(request)) return handleSts(b, request, response, text);
  const body = parseBody(text);
  const operation = operationOf(request);
  const record: RecordedRequest = {
    operation,
    body: body ?? {},
    headers: { ...request.headers },
    at: b.now(),
    accessKeyId: signingKey(request),
  };
  recordRequest(b, record);
  const fault = takeFault(b, operation);
  if (fault?.kind === 'drop-connection') {
    request.socket.destroy();
    return;
  }
  if (fault) return sendError(response, FAULT_ERRORS[fault.kind]);
  try {
    send(response, 200, dispatch(b, request, operation, body, record));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    sendError(
      response,
      error instanceof ServiceError ? error : new ServiceError('InternalFailure', message, 500),
    );
  }
}

/** A request for preflight's S3, ECR or DescribeAlgorithm (storage-emulator.ts), recorded here. */
async function handleStorage(
  b: Backend,
  storage: Storage,
  request: IncomingMessage,
  response: ServiceResponse,
): Promise<void> {
  const text = await readBody(request);
  storage.handle(request, response, text, (operation, body) =>
    recordRequest(b, {
      operation,
      body,
      headers: { ...request.headers },
      at: b.now(),
      accessKeyId: signingKey(request),
    }),
  );
}

function createBackend(options: EmulatorOptions): Backend {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const now = options.now ?? Date.now;
  return {
    region,
    accountId,
    now,
    jobs: transformJobs(options.transformJobs ?? {}, { region, accountId, now }),
    playsJobs: options.transformJobs !== undefined,
    pendingMs: options.pendingMs ?? 1000,
    inProgressMs: options.inProgressMs ?? 2000,
    outcome: options.outcome ?? (() => ({ status: 'Completed' })),
    outcomes: new Map(),
    groups: new Map(),
    packages: new Map(),
    tokens: new Map(),
    deniedStages: new Set(options.deniedStages ?? []),
    faults: [],
    requests: [],
    waiters: [],
    sts: options.sts ?? {},
    credentials: new Map(),
  };
}

function countByOperation(requests: RecordedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { operation } of requests) counts[operation] = (counts[operation] ?? 0) + 1;
  return counts;
}

export async function startSageMakerEmulator(
  options: EmulatorOptions = {},
): Promise<SageMakerEmulator> {
  const b = createBackend(options);
  const storage = createStorage(b.region);
  const server: Server = createServer((request, response) => {
    (storage.handles(request)
      ? handleStorage(b, storage, request, response)
      : handle(b, request, response)
    ).catch(() => request.socket.destroy());
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
    setBucketRegion: storage.setBucketRegion,
    putObject: storage.putObject,
    putImage: storage.putImage,
    putAlgorithm: storage.putAlgorithm,
    deny: storage.deny,
    inject: (fault, { count = 1, operation } = {}) => {
      if (count >= 1) b.faults.push({ fault, remaining: count, operation });
    },
    setOutcome: (name, outcome) => {
      b.outcomes.set(name.toLowerCase(), outcome);
    },
    setDeniedStages: (stages) => {
      b.deniedStages = new Set(stages);
    },
    counts: () => countByOperation(b.requests),
    issued: () =>
      [...b.credentials.values()].map(({ sessionToken: _token, secret: _secret, ...issued }) => ({
        ...issued,
      })),
    secrets: () => [...b.credentials.values()].flatMap((c) => [c.secret, c.sessionToken]),
    transformJobs: {
      jobs: b.jobs.jobs,
      deny: (operation) => {
        b.jobs.denied.add(operation);
      },
    },
    expireCredentials: () => {
      const now = b.now();
      for (const issued of b.credentials.values()) {
        issued.expiresAt = Math.min(issued.expiresAt, now);
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
