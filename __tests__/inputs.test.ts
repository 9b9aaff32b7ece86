import { describe, expect, it } from '@jest/globals';
import { getInputs } from '../src/inputs.js';
import { memoryRunner } from './harness/memory-runner.js';

/** The inputs read in an environment that names a region, unless `env` is given. */
const read = (
  inputs: Record<string, string>,
  env: Record<string, string> = { AWS_REGION: 'us-east-1' },
) => getInputs(memoryRunner({ 'github-token': 'ghs_x', ...inputs }), env);

describe('getInputs', () => {
  it("has action.yml's defaults when inputs are absent", () => {
    expect(getInputs(memoryRunner({ 'dry-run': 'true' }), {})).toEqual({
      marketplace: 'off',
      marketplaceTimeoutMinutes: 60,
      mode: 'publish',
      manifests: ['model-package.yml'],
      maxManifests: 20,
      region: undefined,
      wait: true,
      waitTimeoutMinutes: 300,
      failOnValidationFailure: true,
      comment: 'update',
      githubToken: '',
      dryRun: true,
      createGroup: true,
      approveOnSuccess: false,
      requireApproval: false,
      compareTo: { kind: 'approved' },
      requireStage: undefined,
      stageOnSuccess: undefined,
      checkRun: true,
      preflight: true,
      label: undefined,
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
      mode: 'verify',
      'require-approval': 'true',
    });
    expect(settings).toMatchObject({
      manifests: ['a.yml', 'models/*.yml'],
      dryRun: true,
      waitTimeoutMinutes: 0.1,
      failOnValidationFailure: false,
      comment: 'new',
      approveOnSuccess: true,
      mode: 'verify',
      requireApproval: true,
    });
  });

  it('reads every comment mode', () => {
    for (const mode of ['update', 'new', 'combined', 'off']) {
      expect(read({ comment: mode }).comment).toBe(mode);
    }
  });

  it('reads the mode, and refuses one it does not know with the modes it does', () => {
    expect(read({ mode: 'sync' }).mode).toBe('sync');
    expect(read({ mode: ' publish ' }).mode).toBe('publish');
    expect(read({ mode: 'verify' }).mode).toBe('verify');
    expect(read({ mode: 'sync' }).mode).toBe('sync');
    for (const mode of ['Verify', 'Sync', 'publish,sync']) {
      expect(() => read({ mode })).toThrow(
        `input 'mode' must be one of publish, verify, sync, not '${mode}'`,
      );
    }
  });

  it('reads check-run and a label, and refuses a label that is not one short line', () => {
    expect(read({ 'check-run': 'false', label: 'gpu (us-east-1)' })).toMatchObject({
      checkRun: false,
      label: 'gpu (us-east-1)',
    });
    expect(read({ label: 'é'.repeat(64) }).label).toBe('é'.repeat(64));
    for (const label of ['x'.repeat(65), 'a\nb', 'a\tb', 'a\u2028b', 'a\u0000b']) {
      expect(() => read({ label })).toThrow(
        "input 'label' must be one line of at most 64 characters without control characters",
      );
    }
    expect(() => read({ 'check-run': 'maybe' })).toThrow(
      "input 'check-run' must be true or false, not 'maybe'",
    );
  });

  it('needs a region unless a dry run; sync needs a token, and a region only for role-to-assume', () => {
    const none = {};
    expect(() => getInputs(memoryRunner({}), none)).toThrow(/^no region: set the 'region' input/);
    expect(() => getInputs(memoryRunner({ mode: 'verify' }), none)).toThrow(/^no region/);
    expect(getInputs(memoryRunner({ 'dry-run': 'true' }), none).region).toBeUndefined();
    expect(() => getInputs(memoryRunner({ mode: 'sync' }), none)).toThrow(
      "mode 'sync' needs a 'github-token' that may write check runs",
    );
    const sync = { mode: 'sync', 'github-token': 'ghs_x' };
    expect(getInputs(memoryRunner(sync), none).region).toBeUndefined();
    const role = 'arn:aws:iam::123456789012:role/publisher';
    expect(() => getInputs(memoryRunner({ ...sync, 'role-to-assume': role }), none)).toThrow(
      "no region for role-to-assume: set the 'region' input, or AWS_REGION",
    );
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
    expect(() => read({ mode: 'release' })).toThrow(
      "input 'mode' must be one of publish, verify, sync, not 'release'",
    );
    expect(() => read({ 'require-approval': 'yes' })).toThrow("input 'require-approval'");
    expect(() => read({ comment: 'sometimes' })).toThrow(
      "input 'comment' must be one of update, new, combined, off, not 'sometimes'",
    );
    expect(() => read({ region: 'US East' })).toThrow(
      "input 'region': 'US East' is not an AWS region",
    );
    expect(() => read({}, { AWS_REGION: 'us_east_1' })).toThrow(
      "environment variable AWS_REGION: 'us_east_1' is not an AWS region",
    );
  });

  it('reads role-to-assume with its session name, duration and audience', () => {
    const arn = 'arn:aws:iam::123456789012:role/ci/model-publisher';
    expect(
      read(
        { 'role-to-assume': arn },
        { AWS_REGION: 'us-east-1', GITHUB_RUN_ID: '1000', GITHUB_RUN_ATTEMPT: '2' },
      ).role,
    ).toEqual({
      arn,
      sessionName: 'sagemaker-model-package-1000-2',
      durationSeconds: 3600,
      audience: 'sts.amazonaws.com',
    });
    expect(read({ 'role-to-assume': arn }).role?.sessionName).toBe(
      'sagemaker-model-package-local-1',
    );
    expect(
      read({
        'role-to-assume': 'arn:aws-cn:iam::123456789012:role/publisher',
        'role-session-name': 'release@octo-org',
        'role-duration-seconds': '43200',
        audience: 'sts.amazonaws.com.cn',
      }).role,
    ).toEqual({
      arn: 'arn:aws-cn:iam::123456789012:role/publisher',
      sessionName: 'release@octo-org',
      durationSeconds: 43200,
      audience: 'sts.amazonaws.com.cn',
    });
  });

  it('names the role input whose value is wrong', () => {
    const arn = 'arn:aws:iam::123456789012:role/publisher';
    expect(() => read({ 'role-to-assume': 'publisher' })).toThrow(
      "input 'role-to-assume' must be an IAM role ARN such as arn:aws:iam::123456789012:role/model-publisher, not 'publisher'",
    );
    expect(() => read({ 'role-to-assume': 'arn:aws:iam::123456789012:user/me' })).toThrow(
      "input 'role-to-assume'",
    );
    expect(() => read({ 'role-to-assume': arn, 'role-session-name': 'has space' })).toThrow(
      "input 'role-session-name' must be 2 to 64 letters, digits and _+=,.@- (STS's rule), not 'has space'",
    );
    expect(() => read({ 'role-to-assume': arn, 'role-session-name': 'x'.repeat(65) })).toThrow(
      "input 'role-session-name'",
    );
    for (const duration of ['899', '43201', '3600.5', 'an hour']) {
      expect(() => read({ 'role-to-assume': arn, 'role-duration-seconds': duration })).toThrow(
        `input 'role-duration-seconds' must be a whole number of seconds from 900 to 43200, not '${duration}'`,
      );
    }
    expect(() => read({ 'role-to-assume': arn, audience: 'two words' })).toThrow(
      "input 'audience' must be 1 to 256 printable characters",
    );
  });
});
