import { describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { memoryRunner } from './harness/memory-runner.js';

const read = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  getInputs(memoryRunner(inputs), env);

describe('getInputs', () => {
  it("has action.yml's defaults when inputs are absent", () => {
    expect(read({})).toEqual({
      manifests: ['model-package.yml'],
      maxManifests: 20,
      region: undefined,
      wait: true,
      waitTimeoutMinutes: 300,
      failOnValidationFailure: true,
      comment: 'update',
      githubToken: '',
      dryRun: false,
      createGroup: true,
      approveOnSuccess: false,
      role: undefined,
    });
  });

  it('reads the inputs it is given, not the process environment', () => {
    expect(read({ manifest: 'custom/*.yml' }).manifests).toEqual(['custom/*.yml']);
  });

  it('reads multi-line manifests, YAML booleans and decimal timeouts', () => {
    const settings = read({
      manifest: 'a.yml\n  models/*.yml  \n\n',
      'dry-run': 'true',
      'wait-timeout-minutes': '0.1',
      'fail-on-validation-failure': 'False',
      comment: 'new',
      'approve-on-success': 'TRUE',
    });
    expect(settings).toMatchObject({
      manifests: ['a.yml', 'models/*.yml'],
      dryRun: true,
      waitTimeoutMinutes: 0.1,
      failOnValidationFailure: false,
      comment: 'new',
      approveOnSuccess: true,
    });
  });

  it('takes the region from the input, then AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(read({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' }).region).toBe('eu-west-1');
    expect(read({}, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe(
      'us-east-1',
    );
    expect(read({}, { AWS_DEFAULT_REGION: 'cn-north-1' }).region).toBe('cn-north-1');
    expect(read({ region: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
  });

  it('names the input, or the variable, whose value is wrong', () => {
    expect(() => read({ 'dry-run': 'yes' })).toThrow(
      "input 'dry-run' must be true or false, not 'yes'",
    );
    expect(() => read({ 'wait-timeout-minutes': '0' })).toThrow("input 'wait-timeout-minutes'");
    expect(() => read({ 'max-manifests': '2.5' })).toThrow(
      "input 'max-manifests' must be a whole number of at least 1, not '2.5'",
    );
    expect(() => read({ 'wait-timeout-minutes': 'soon' })).toThrow("not 'soon'");
    expect(() => read({ comment: 'sometimes' })).toThrow(
      "input 'comment' must be one of update, new, off, not 'sometimes'",
    );
    expect(() => read({ region: 'US East' })).toThrow(
      "input 'region': 'US East' is not an AWS region",
    );
    expect(() => read({}, { AWS_REGION: 'us_east_1' })).toThrow(
      "environment variable AWS_REGION: 'us_east_1' is not an AWS region",
    );
  });
});
