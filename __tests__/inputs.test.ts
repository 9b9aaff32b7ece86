import { afterEach, describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

function withInputs(inputs: Record<string, string>, env: Record<string, string> = {}) {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_') || key.startsWith('AWS_')) delete process.env[key];
  }
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  Object.assign(process.env, env);
  return getInputs(process.env);
}

describe('getInputs', () => {
  it('has the defaults of action.yml when inputs are absent', () => {
    expect(withInputs({})).toEqual({
      manifests: ['model-package.yml'],
      region: undefined,
      wait: true,
      waitTimeoutMinutes: 300,
      failOnValidationFailure: true,
      comment: 'update',
      githubToken: '',
      dryRun: false,
      createGroup: true,
      approveOnSuccess: false,
    });
  });

  it('reads hyphenated inputs, multi-line manifests and decimal timeouts', () => {
    const settings = withInputs({
      manifest: 'a.yml\n  models/*.yml  \n',
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
    expect(withInputs({ region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' }).region).toBe(
      'eu-west-1',
    );
    expect(
      withInputs({}, { AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-west-2' }).region,
    ).toBe('us-east-1');
    expect(withInputs({}, { AWS_DEFAULT_REGION: 'cn-north-1' }).region).toBe('cn-north-1');
    expect(withInputs({ region: 'us-gov-west-1' }).region).toBe('us-gov-west-1');
  });

  it('names the input whose value is wrong', () => {
    expect(() => withInputs({ 'dry-run': 'yes' })).toThrow(
      "input 'dry-run' must be true or false, not 'yes'",
    );
    expect(() => withInputs({ 'wait-timeout-minutes': '0' })).toThrow(
      "input 'wait-timeout-minutes'",
    );
    expect(() => withInputs({ 'wait-timeout-minutes': 'soon' })).toThrow("not 'soon'");
    expect(() => withInputs({ comment: 'sometimes' })).toThrow(
      "input 'comment' must be one of update, new, off, not 'sometimes'",
    );
    expect(() => withInputs({ region: 'US East' })).toThrow(
      "input 'region': 'US East' is not an AWS region",
    );
  });
});
