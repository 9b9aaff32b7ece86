/**
 * Model package ARNs as this action reads them from outside: a dispatched event's payload
 * (sync/dispatch.ts) and the `model-package-arn` input of `verify` (SPEC §10). Both come
 * from text a workflow or an event supplied, so only what SageMaker's ARNs allow is taken.
 */

/** A model package's ARN: its region, and its name (with the version of a version). */
export const PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:([a-z0-9-]+):\d{12}:model-package\/(.+)$/;

/** The longest ARN SageMaker takes (ModelPackageArn: 2048 characters). */
const MAX_ARN = 2048;

/** A package name (or group name), and for a version its number: SageMaker's patterns. */
const NAME = /^([A-Za-z0-9](?:-*[A-Za-z0-9]){0,62})(?:\/(\d{1,10}))?$/;

export interface PackageArn {
  arn: string;
  region: string;
  /** The group of a version, or the name of an unversioned package, as the ARN spells it. */
  name: string;
  /** A version's number; none for an unversioned package. */
  version?: number;
}

/** The parts of a model package's ARN; none when `value` is not one. */
export function parsePackageArn(value: string): PackageArn | undefined {
  const match = value.length <= MAX_ARN ? PACKAGE_ARN.exec(value) : null;
  const name = match ? NAME.exec(match[2]!) : null;
  if (!match || !name) return undefined;
  return {
    arn: value,
    region: match[1]!,
    name: name[1]!,
    ...(name[2] === undefined ? {} : { version: Number(name[2]) }),
  };
}

/** How a package's ARN is spelled, for messages. */
export const ARN_FORM = 'arn:aws:sagemaker:<region>:<account>:model-package/<name>[/<version>]';

/**
 * Whether two ARNs name the same package. SageMaker writes names in ARNs in lower case,
 * so an ARN and a name are compared without case.
 */
export function sameArn(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Whether a manifest's group (versioned) or name (unversioned) is the ARN's. */
export function namesPackageOf(
  arn: PackageArn,
  identity: { name?: string; group?: string },
): boolean {
  const own = arn.version === undefined ? identity.name : identity.group;
  return typeof own === 'string' && own.toLowerCase() === arn.name.toLowerCase();
}
