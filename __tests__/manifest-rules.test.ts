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

  it('ModelApprovalStatus on an unversioned package', () => {
    const e = onlyError(`${MARKETPLACE}ModelApprovalStatus: Approved\n`);
    expect(e).toMatchObject({ line: 26, member: 'ModelApprovalStatus' });
    expect(e.message).toContain('only to versioned packages');
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
