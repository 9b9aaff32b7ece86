/**
 * Real requests are accepted: what the SageMaker Python SDK's `model.register()` sends
 * (__tests__/fixtures/sdk-requests/) and the project's examples, with no errors and
 * exactly the warnings expected.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { check } from './harness/manifests.js';

const read = (path: string) => readFileSync(path, 'utf8');

/** The 1-based line that starts with `prefix` (after indentation). */
function lineOf(text: string, prefix: string): number {
  const index = text.split('\n').findIndex((line) => line.trimStart().startsWith(prefix));
  if (index < 0) throw new Error(`no line starts with ${prefix}`);
  return index + 1;
}

/** Severity, member and line of each problem: what a reader of the log would see. */
function summary(text: string) {
  const result = check(text);
  return {
    valid: result.request !== undefined,
    problems: result.problems.map((p) => ({
      severity: p.severity,
      member: p.member,
      line: p.line,
    })),
  };
}

describe('requests of the SageMaker Python SDK', () => {
  it('a new version (register with a model package group) passes without a word', () => {
    const text = read('__tests__/fixtures/sdk-requests/register-version.yml');
    expect(summary(text)).toEqual({ valid: true, problems: [] });
    const request = check(text).request!;
    // What the SDK always sends is kept and passed on.
    expect(request.CertifyForMarketplace).toBe(false);
    expect(request.ModelApprovalStatus).toBe('PendingManualApproval');
    expect(request.SkipModelValidation).toBe('None');
  });

  it('an unversioned package: ModelApprovalStatus has no effect, and says so', () => {
    const text = read('__tests__/fixtures/sdk-requests/register-unversioned.yml');
    expect(summary(text)).toEqual({
      valid: true,
      problems: [
        {
          severity: 'warning',
          member: 'ModelApprovalStatus',
          line: lineOf(text, 'ModelApprovalStatus:'),
        },
      ],
    });
  });

  it('a version with marketplace_cert=True: CertifyForMarketplace has no effect, and says so', () => {
    const text = read('__tests__/fixtures/sdk-requests/register-version-marketplace.yml');
    expect(summary(text)).toEqual({
      valid: true,
      problems: [
        {
          severity: 'warning',
          member: 'CertifyForMarketplace',
          line: lineOf(text, 'CertifyForMarketplace:'),
        },
      ],
    });
  });

  it('the same requests as JSON, as the SDK sends them', () => {
    for (const name of [
      'register-version',
      'register-unversioned',
      'register-version-marketplace',
    ]) {
      const text = read(`__tests__/fixtures/sdk-requests/${name}.yml`);
      const json = JSON.stringify(check(text).request);
      expect(summary(json).valid).toBe(true);
      expect(summary(json).problems.map((p) => [p.severity, p.member])).toEqual(
        summary(text).problems.map((p) => [p.severity, p.member]),
      );
    }
  });
});

describe('the examples', () => {
  it.each(['marketplace', 'registry', 'algorithm'])(
    'examples/%s is valid without warnings',
    (name) => {
      const text = read(`examples/${name}/model-package.yml`);
      expect(summary(text)).toEqual({ valid: true, problems: [] });
    },
  );
});
