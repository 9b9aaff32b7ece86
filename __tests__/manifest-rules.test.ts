/**
 * Each mistake alone in an otherwise valid manifest is one error at its line and
 * column, naming the member and what was expected.
 */
import { describe, expect, it } from '@jest/globals';
import {
  check,
  errors,
  MARKETPLACE,
  removeLines,
  replaceLine,
  VERSIONED,
  warnings,
} from './harness/manifests.js';

function onlyError(text: string, options?: Parameters<typeof check>[1]) {
  const result = check(text, options);
  const found = errors(result.problems);
  expect(found).toHaveLength(1);
  expect(result.request).toBeUndefined();
  return found[0]!;
}

describe('the valid manifests', () => {
  it('accepts the Marketplace and versioned bases without problems', () => {
    expect(check(MARKETPLACE).problems).toEqual([]);
    expect(check(VERSIONED).problems).toEqual([]);
    expect(check(MARKETPLACE).request?.ModelPackageName).toBe('churn-predictor');
  });
});

describe('one mistake, one error at its position', () => {
  it('a name with an underscore', () => {
    const e = onlyError(
      replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: churn_predictor'),
    );
    expect(e).toMatchObject({ line: 1, column: 19, member: 'ModelPackageName' });
    expect(e.message).toContain('letters (a-z, A-Z), digits and hyphens');
  });

  it('both ModelPackageName and ModelPackageGroupName', () => {
    const text = MARKETPLACE.replace(
      'ModelPackageName: churn-predictor\n',
      'ModelPackageName: churn-predictor\nModelPackageGroupName: churn\n',
    );
    const e = onlyError(text);
    expect(e).toMatchObject({ line: 2, member: 'ModelPackageGroupName' });
    expect(e.message).toContain('exclude each other');
  });

  it('neither ModelPackageName nor ModelPackageGroupName', () => {
    const e = onlyError(removeLines(MARKETPLACE, 'ModelPackageName:'));
    expect(e).toMatchObject({ line: 1, column: 1, member: '' });
    expect(e.message).toMatch(/neither ModelPackageName nor ModelPackageGroupName/);
  });

  it('a misspelled top-level member, with the right name suggested', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ModelPackageDescription:',
        'ModelPackageDescripton: Predicts churn.',
      ),
    );
    expect(e).toMatchObject({ line: 2, column: 1, member: 'ModelPackageDescripton' });
    expect(e.message).toBe(
      "unknown member 'ModelPackageDescripton' (did you mean 'ModelPackageDescription'?)",
    );
  });

  it('an InstanceCount that is not a whole number', () => {
    const e = onlyError(replaceLine(MARKETPLACE, 'InstanceCount:', '          InstanceCount: 1.5'));
    expect(e).toMatchObject({
      line: 23,
      column: 26,
      member:
        'ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformResources.InstanceCount',
    });
    expect(e.message).toBe('expected a whole number, found the number 1.5');
  });

  it('two validation profiles', () => {
    const profile = MARKETPLACE.split('\n').slice(14, 23).join('\n').replace('sample', 'second');
    const text = MARKETPLACE.replace('Tags:\n', `${profile}\nTags:\n`);
    const e = onlyError(text);
    expect(e).toMatchObject({
      line: 14,
      column: 3,
      member: 'ValidationSpecification.ValidationProfiles',
    });
    expect(e.message).toBe('must have at most 1 item (has 2)');
  });

  it('a Marketplace package without ValidationSpecification', () => {
    const lines = MARKETPLACE.split('\n');
    const text = [...lines.slice(0, 11), ...lines.slice(23)].join('\n');
    const e = onlyError(text);
    expect(e).toMatchObject({ line: 3, member: 'ValidationSpecification' });
    expect(e.message).toContain('CertifyForMarketplace: true needs a ValidationSpecification');
  });

  it('Tags on a versioned package', () => {
    const e = onlyError(`${VERSIONED}Tags:\n  - {Key: team, Value: ml}\n`);
    expect(e).toMatchObject({ line: 9, column: 1, member: 'Tags' });
    expect(e.message).toContain('only on unversioned packages');
  });

  it('a malformed role ARN', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ValidationRole:',
        '  ValidationRole: arn:aws:iam::12345:role/Validation',
      ),
    );
    expect(e).toMatchObject({
      line: 13,
      column: 19,
      member: 'ValidationSpecification.ValidationRole',
    });
    expect(e.message).toContain('IAM role ARN');
  });

  it('an http:// ModelDataUrl', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ModelDataUrl:',
        '      ModelDataUrl: http://models/churn/model.tar.gz',
      ),
    );
    expect(e).toMatchObject({
      line: 7,
      column: 21,
      member: 'InferenceSpecification.Containers[0].ModelDataUrl',
    });
    expect(e.message).toBe('expected an s3:// or https:// URL');
  });

  it('an ECR image in another region: an error for Marketplace, a warning otherwise', () => {
    const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    const e = onlyError(MARKETPLACE.replace('123456789012.dkr.ecr.us-east-1.amazonaws.com', image));
    expect(e).toMatchObject({
      line: 6,
      column: 14,
      member: 'InferenceSpecification.Containers[0].Image',
    });
    expect(e.message).toContain('in eu-west-1 but the package is created in us-east-1');

    const result = check(VERSIONED.replace('123456789012.dkr.ecr.us-east-1.amazonaws.com', image));
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toMatchObject([
      { line: 5, column: 14, member: 'InferenceSpecification.Containers[0].Image' },
    ]);
    expect(result.request).toBeDefined();
  });

  it('${{ secrets.X }}', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ModelPackageDescription:',
        'ModelPackageDescription: Model ${{ secrets.X }}',
      ),
    );
    expect(e).toMatchObject({ line: 2, column: 32, member: 'ModelPackageDescription' });
    expect(e.message).toContain("unknown context 'secrets'");
  });

  it('a missing env variable', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ModelPackageDescription:',
        'ModelPackageDescription: v${{ env.NOPE }}',
      ),
    );
    expect(e).toMatchObject({ line: 2, column: 27, member: 'ModelPackageDescription' });
    expect(e.message).toBe('${{ env.NOPE }}: environment variable NOPE is not set');
  });

  it('a YAML syntax error', () => {
    const e = onlyError(replaceLine(MARKETPLACE, 'Tags:', 'Tags: [unclosed'));
    expect(e).toMatchObject({ line: 24, column: 8, member: '' });
    expect(e.message).toMatch(/^YAML: /);
  });

  it('ClientToken', () => {
    const e = onlyError(`${MARKETPLACE}ClientToken: abc\n`);
    expect(e).toMatchObject({ line: 26, column: 1, member: 'ClientToken' });
    expect(e.message).toContain('set by the action');
  });

  it('a description over 1,024 characters', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'ModelPackageDescription:',
        `ModelPackageDescription: ${'x'.repeat(1025)}`,
      ),
    );
    expect(e).toMatchObject({ line: 2, column: 26, member: 'ModelPackageDescription' });
    expect(e.message).toBe('must be at most 1024 characters long (is 1025)');
  });

  it('a response MIME type without a slash', () => {
    const e = onlyError(
      replaceLine(
        MARKETPLACE,
        'SupportedResponseMIMETypes:',
        '  SupportedResponseMIMETypes: [textcsv]',
      ),
    );
    expect(e).toMatchObject({
      line: 11,
      column: 32,
      member: 'InferenceSpecification.SupportedResponseMIMETypes[0]',
    });
    expect(e.message).toContain("'type/subtype'");
  });

  it('an unversioned package missing one instance-type list', () => {
    const e = onlyError(removeLines(MARKETPLACE, 'SupportedRealtimeInferenceInstanceTypes:'));
    expect(e).toMatchObject({
      line: 4,
      column: 1,
      member: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes',
    });
  });

  it('an empty file', () => {
    for (const text of ['', '\n', '# only a comment\n']) {
      const e = onlyError(text);
      expect(e).toMatchObject({ line: 1, column: 1, member: '' });
      expect(e.message).toContain('the manifest is empty');
    }
  });

  it('a top level that is not a mapping', () => {
    const e = onlyError('- ModelPackageName: a\n');
    expect(e).toMatchObject({ line: 1, column: 1 });
    expect(e.message).toContain('found a list');
  });
});

describe('several mistakes', () => {
  it('reports all of them at once', () => {
    let text = replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: churn_predictor');
    text = replaceLine(text, 'InstanceCount:', '          InstanceCount: 1.5');
    text = `${text}ClientToken: abc\n`;
    const found = errors(check(text).problems);
    expect(found.map((e) => [e.line, e.member])).toEqual([
      [1, 'ModelPackageName'],
      [
        23,
        'ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformResources.InstanceCount',
      ],
      [26, 'ClientToken'],
    ]);
  });

  it('does not hide the rules between members behind other errors', () => {
    let text = replaceLine(VERSIONED, 'ModelApprovalStatus:', 'ModelApprovalStatus: Aproved');
    text = `${text}Tags:\n  - {Key: team, Value: ml}\n`;
    const found = errors(check(text).problems);
    expect(found.map((e) => e.member)).toEqual(['ModelApprovalStatus', 'Tags']);
    expect(found[0]!.message).toContain("(did you mean 'Approved'?)");
  });
});

/** A manifest with one instance type replaced by `value` (as written in YAML), and where it is. */
interface InstanceTypePlace {
  member: string;
  line: number;
  text: (value: string) => string;
}

const ADDITIONAL = (transform: string, realtime: string) => `AdditionalInferenceSpecifications:
  - Name: gpu
    Containers:
      - Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0-gpu
    SupportedTransformInstanceTypes: [${transform}]
    SupportedRealtimeInferenceInstanceTypes: [${realtime}]
`;

const INSTANCE_TYPE_PLACES: InstanceTypePlace[] = [
  {
    member: 'InferenceSpecification.SupportedTransformInstanceTypes[0]',
    line: 8,
    text: (v) =>
      replaceLine(
        MARKETPLACE,
        'SupportedTransformInstanceTypes:',
        `  SupportedTransformInstanceTypes: [${v}]`,
      ),
  },
  {
    member: 'InferenceSpecification.SupportedRealtimeInferenceInstanceTypes[0]',
    line: 9,
    text: (v) =>
      replaceLine(
        MARKETPLACE,
        'SupportedRealtimeInferenceInstanceTypes:',
        `  SupportedRealtimeInferenceInstanceTypes: [${v}]`,
      ),
  },
  {
    member:
      'ValidationSpecification.ValidationProfiles[0].TransformJobDefinition.TransformResources.InstanceType',
    line: 22,
    text: (v) => replaceLine(MARKETPLACE, 'InstanceType:', `          InstanceType: ${v}`),
  },
  {
    member: 'AdditionalInferenceSpecifications[0].SupportedTransformInstanceTypes[0]',
    line: 30,
    text: (v) => `${MARKETPLACE}${ADDITIONAL(v, 'ml.g5.xlarge')}`,
  },
  {
    member: 'AdditionalInferenceSpecifications[0].SupportedRealtimeInferenceInstanceTypes[0]',
    line: 31,
    text: (v) => `${MARKETPLACE}${ADDITIONAL('ml.m5.large', v)}`,
  },
];

/** The column where `value` starts on line `line` of `text`. */
function columnOf(text: string, line: number, value: string): number {
  const lineText = text.split('\n')[line - 1]!;
  const index = lineText.lastIndexOf(value);
  if (index < 0) throw new Error(`${value} is not on line ${line}`);
  return index + 1;
}

describe('instance types', () => {
  it('warns about a name the SDK does not know, with the nearest known names', () => {
    const result = check(
      replaceLine(
        MARKETPLACE,
        'SupportedTransformInstanceTypes:',
        '  SupportedTransformInstanceTypes: [ml.m5.larg]',
      ),
    );
    expect(errors(result.problems)).toEqual([]);
    const [w] = warnings(result.problems);
    expect(w).toMatchObject({
      line: 8,
      column: 37,
      member: 'InferenceSpecification.SupportedTransformInstanceTypes[0]',
    });
    expect(w!.message).toContain('nearest known: ml.m5.large');
    expect(result.request).toBeDefined();
  });

  it('accepts the places with known names as they are', () => {
    for (const place of INSTANCE_TYPE_PLACES) {
      expect(check(place.text('ml.m5.large')).problems).toEqual([]);
    }
  });

  describe.each(INSTANCE_TYPE_PLACES)('at $member', (place) => {
    it.each([
      ["'ml.m5.large '", 'has spaces around it', "write 'ml.m5.large'"],
      ["' ml.m5.large'", 'has spaces around it', "write 'ml.m5.large'"],
      ['ML.M5.LARGE', 'has upper-case letters', "write 'ml.m5.large'"],
      ['ml.M5.large', 'has upper-case letters', "write 'ml.m5.large'"],
      ['m5.large', "is not of the form 'ml.<family>.<size>'", "write 'ml.m5.large'"],
      ['ml.m5', "is not of the form 'ml.<family>.<size>'", "such as 'ml.m5.large'"],
      ['ml_m5_large', "is not of the form 'ml.<family>.<size>'", 'write a name such as'],
      ["''", "is not of the form 'ml.<family>.<size>'", 'write a name such as'],
    ])('%s is an error that says why and what to write', (value, why, fix) => {
      const text = place.text(value);
      const result = check(text);
      expect(warnings(result.problems)).toEqual([]);
      const e = onlyError(text);
      expect(e).toMatchObject({
        member: place.member,
        line: place.line,
        column: columnOf(text, place.line, value),
      });
      expect(e.message).toContain('can never be an instance type');
      expect(e.message).toContain(why);
      expect(e.message).toContain(fix);
    });

    it('a well-formed name the SDK does not know is a warning', () => {
      const result = check(place.text('ml.m9.large'));
      expect(errors(result.problems)).toEqual([]);
      expect(warnings(result.problems)).toMatchObject([{ member: place.member, line: place.line }]);
      expect(warnings(result.problems)[0]!.message).toMatch(
        /^'ml\.m9\.large' is not a (batch transform|real-time inference) instance type known to this version of the AWS SDK \(nearest known: ml\.m5\.large/,
      );
      expect(result.request).toBeDefined();
    });
  });

  it('accepts families with a hyphen, which the service has', () => {
    expect(check(INSTANCE_TYPE_PLACES[1]!.text('ml.p6-b200.48xlarge')).problems).toEqual([]);
    // Not a batch transform type the SDK knows, but well-formed: a warning.
    const result = check(INSTANCE_TYPE_PLACES[0]!.text('ml.p6-b200.48xlarge'));
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toHaveLength(1);
  });
});

describe('what SageMaker accepts but ignores', () => {
  it('CertifyForMarketplace: false on a version is silent', () => {
    expect(check(`${VERSIONED}CertifyForMarketplace: false\n`).problems).toEqual([]);
  });

  it('CertifyForMarketplace: true on a version is a warning, without the Marketplace rules', () => {
    // VERSIONED has no ValidationSpecification, which a Marketplace package needs.
    const result = check(`${VERSIONED}CertifyForMarketplace: true\n`);
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toEqual([
      expect.objectContaining({ line: 9, column: 24, member: 'CertifyForMarketplace' }),
    ]);
    expect(result.problems[0]!.message).toContain('has no effect on a version');
    expect(result.problems[0]!.message).toContain('remove it');
    expect(result.request?.CertifyForMarketplace).toBe(true);
  });

  it('an image in another region on a version with CertifyForMarketplace: true is a warning', () => {
    const text = `${VERSIONED}CertifyForMarketplace: true\n`.replace(
      '123456789012.dkr.ecr.us-east-1.amazonaws.com',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    );
    const result = check(text);
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems).map((w) => w.member)).toEqual([
      'InferenceSpecification.Containers[0].Image',
      'CertifyForMarketplace',
    ]);
  });

  it('ModelApprovalStatus on an unversioned package is a warning', () => {
    const result = check(`${MARKETPLACE}ModelApprovalStatus: PendingManualApproval\n`);
    expect(errors(result.problems)).toEqual([]);
    expect(warnings(result.problems)).toEqual([
      expect.objectContaining({ line: 26, column: 22, member: 'ModelApprovalStatus' }),
    ]);
    expect(result.problems[0]!.message).toContain('has no effect on an unversioned package');
    expect(result.request?.ModelApprovalStatus).toBe('PendingManualApproval');
  });

  it('an unknown ModelApprovalStatus on an unversioned package is still an error', () => {
    const result = check(`${MARKETPLACE}ModelApprovalStatus: Aproved\n`);
    expect(errors(result.problems)).toMatchObject([{ member: 'ModelApprovalStatus' }]);
  });
});

describe("room for the action's own entries", () => {
  const tags = (n: number) =>
    Array.from({ length: n }, (_, i) => `  - {Key: tag${i}, Value: v}\n`).join('');
  const properties = (n: number) => Array.from({ length: n }, (_, i) => `  key${i}: v\n`).join('');
  const withTags = (n: number) => MARKETPLACE.replace('  - {Key: team, Value: ml}\n', tags(n));

  it('an unversioned package may have 47 tags, not 48: the action adds 3', () => {
    expect(check(withTags(47)).problems).toEqual([]);
    const e = onlyError(withTags(48));
    expect(e).toMatchObject({ line: 24, column: 1, member: 'Tags' });
    expect(e.message).toBe(
      'Tags has 48 entries, but SageMaker allows 50 and the action adds 3 entries of its own (its fingerprint, its manifest and where it is reported): a manifest may have at most 47 entries here; remove 1',
    );
  });

  it('more tags than the API allows is one error, that says the same', () => {
    const e = onlyError(withTags(55));
    expect(e).toMatchObject({ line: 24, member: 'Tags' });
    expect(e.message).toContain('at most 47 entries here; remove 8');
  });

  it('a version may have 47 customer metadata properties, not 48', () => {
    expect(check(`${VERSIONED}CustomerMetadataProperties:\n${properties(47)}`).problems).toEqual(
      [],
    );
    const e = onlyError(`${VERSIONED}CustomerMetadataProperties:\n${properties(48)}`);
    expect(e).toMatchObject({ line: 9, column: 1, member: 'CustomerMetadataProperties' });
    expect(e.message).toContain(
      'the action adds 3 entries of its own (its fingerprint, its manifest and where it is reported)',
    );
    expect(e.message).toContain('at most 47 entries here; remove 1');
  });

  it('an unversioned package keeps all 50 customer metadata properties: the action tags it', () => {
    expect(check(`${MARKETPLACE}CustomerMetadataProperties:\n${properties(50)}`).problems).toEqual(
      [],
    );
    const e = onlyError(`${MARKETPLACE}CustomerMetadataProperties:\n${properties(51)}`);
    expect(e).toMatchObject({ line: 26, member: 'CustomerMetadataProperties' });
    expect(e.message).toBe(
      'CustomerMetadataProperties has 51 entries; SageMaker allows at most 50: remove 1',
    );
  });

  it("refuses a tag key with the action's prefix", () => {
    const e = onlyError(
      MARKETPLACE.replace('{Key: team,', '{Key: "sagemaker-model-package-action:fingerprint",'),
    );
    expect(e).toMatchObject({ line: 25, column: 11, member: 'Tags[0].Key' });
    expect(e.message).toBe(
      "'sagemaker-model-package-action:fingerprint' starts with 'sagemaker-model-package-action:', which is reserved for the action's own entries; rename the key",
    );
  });

  it("refuses a customer metadata property key with the action's prefix, at the key", () => {
    const e = onlyError(
      `${VERSIONED}CustomerMetadataProperties:\n  team: ml\n  sagemaker-model-package-action:run: x\n`,
    );
    expect(e).toMatchObject({
      line: 11,
      column: 3,
      member: 'CustomerMetadataProperties["sagemaker-model-package-action:run"]',
    });
    expect(e.message).toContain('reserved for the action');
  });

  it('a refused key is one error, and still counts as an entry', () => {
    const only = `${VERSIONED}CustomerMetadataProperties:\n  sagemaker-model-package-action:fingerprint: x\n`;
    expect(errors(check(only).problems).map((e) => e.member)).toEqual([
      'CustomerMetadataProperties["sagemaker-model-package-action:fingerprint"]',
    ]);
    const full = `${VERSIONED}CustomerMetadataProperties:\n${properties(49)}  sagemaker-model-package-action:run: x\n`;
    const found = errors(check(full).problems);
    expect(found.map((e) => e.member)).toEqual([
      'CustomerMetadataProperties',
      'CustomerMetadataProperties["sagemaker-model-package-action:run"]',
    ]);
    expect(found[0]!.message).toContain('has 50 entries');
  });

  it('accepts keys that only look like the prefix', () => {
    const text = `${VERSIONED}CustomerMetadataProperties:\n  sagemaker-model-package-action: x\n  team:sagemaker-model-package-action:x: y\n`;
    expect(check(text).problems).toEqual([]);
  });
});

describe('JSON manifests', () => {
  it('are accepted, with positions', () => {
    const json = JSON.stringify(check(MARKETPLACE).request, null, 2);
    expect(check(json).problems).toEqual([]);
    const broken = json.replace('"ml.m5.large"', '"ml.m5.large", 3');
    const e = onlyError(broken);
    expect(e.member).toBe('InferenceSpecification.SupportedTransformInstanceTypes[1]');
    expect(e.line).toBe(broken.split('\n').findIndex((l) => l.includes(', 3')) + 1);
    expect(e.message).toBe('expected a string, found the number 3');
  });
});
