/**
 * Model package ARNs taken from outside (a dispatched payload, `model-package-arn`), and
 * the manifests a verify run for one of them acts on.
 */
import { describe, expect, it } from '@jest/globals';
import type { CheckedManifest } from '../src/manifest/load.js';
import { manifestsOfPackage } from '../src/manifest/select.js';
import { namesPackageOf, parsePackageArn, sameArn } from '../src/package/arn.js';

const VERSION = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/fraud-detector/12';
const UNVERSIONED = 'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:model-package/churn-2';

describe('parsePackageArn', () => {
  it("reads a version's group and number, and an unversioned package's name", () => {
    expect(parsePackageArn(VERSION)).toEqual({
      arn: VERSION,
      region: 'us-east-1',
      name: 'fraud-detector',
      version: 12,
    });
    expect(parsePackageArn(UNVERSIONED)).toEqual({
      arn: UNVERSIONED,
      region: 'us-gov-west-1',
      name: 'churn-2',
    });
  });

  it.each([
    ['a model', VERSION.replace('model-package', 'model')],
    ['a group with a slash', `${VERSION}/`],
    ['a path', `${VERSION}/../13`],
    ['a name with an underscore', VERSION.replace('fraud-detector', 'fraud_detector')],
    ['a name of 64 characters', VERSION.replace('fraud-detector', 'a'.repeat(64))],
    ['a line break', `${VERSION}\n::error::x`],
    ['a leading blank', ` ${VERSION}`],
    ['a short account', VERSION.replace('123456789012', '1234')],
    ['too long', `${VERSION}${'0'.repeat(2100)}`],
  ])('refuses %s', (_, value) => {
    expect(parsePackageArn(value)).toBeUndefined();
  });

  it('takes names at their limit', () => {
    const longest = VERSION.replace('fraud-detector', `a${'-b'.repeat(31)}`);
    expect(parsePackageArn(longest)?.name).toHaveLength(63);
  });
});

describe('names without case', () => {
  it('compares ARNs and names as SageMaker spells them, in lower case', () => {
    expect(sameArn(VERSION, VERSION.toUpperCase())).toBe(true);
    expect(sameArn(VERSION, VERSION.replace('/12', '/1'))).toBe(false);
    const arn = parsePackageArn(VERSION)!;
    expect(namesPackageOf(arn, { group: 'Fraud-Detector' })).toBe(true);
    expect(namesPackageOf(arn, { name: 'fraud-detector' })).toBe(false);
    expect(namesPackageOf(parsePackageArn(UNVERSIONED)!, { name: 'churn-2' })).toBe(true);
    expect(namesPackageOf(parsePackageArn(UNVERSIONED)!, { group: 'churn-2' })).toBe(false);
  });
});

describe('manifestsOfPackage', () => {
  const manifest = (file: string, identity?: CheckedManifest['identity']): CheckedManifest => ({
    file,
    problems: [],
    omitted: { errors: 0, warnings: 0 },
    ...(identity ? { identity } : {}),
  });
  const checked = [
    manifest('a/model-package.yml', { group: 'fraud-detector' }),
    manifest('b/model-package.yml', { group: 'churn' }),
    manifest('c/model-package.yml', { name: 'fraud-detector' }),
    manifest('d/model-package.yml'),
  ];

  it("keeps the manifests of the ARN's group, and those whose identity could not be read", () => {
    expect(manifestsOfPackage(checked, parsePackageArn(VERSION)!)).toEqual({
      selected: [checked[0], checked[3]],
    });
  });

  it('says when no manifest makes the package', () => {
    const none = manifestsOfPackage(
      checked,
      parsePackageArn(VERSION.replace('fraud-detector', 'other'))!,
    );
    expect(none).toEqual({
      none: 'model-package-arn names version 12 of the group other, and none of the 4 manifests the manifest input matches makes versions of that group',
    });
    // A manifest that cannot be read does not count as the package's.
    expect(manifestsOfPackage([checked[3]!], parsePackageArn(UNVERSIONED)!)).toHaveProperty('none');
  });
});
