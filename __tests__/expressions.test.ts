import { describe, expect, it } from '@jest/globals';
import {
  expressionContextOf,
  resolveExpressions,
  substitute,
  type ExpressionError,
} from '../src/manifest/expressions.js';
import { check, CONTEXT, errors, MARKETPLACE, replaceLine } from './harness/manifests.js';
import { runContext } from './harness/run-context.js';

function run(value: string, context = CONTEXT) {
  const found: ExpressionError[] = [];
  const out = substitute(value, context, ['X'], found);
  return { out, messages: found.map((e) => e.message), indexes: found.map((e) => e.index) };
}

describe('substitute', () => {
  it('resolves github and env references, with or without spaces', () => {
    expect(run('img:${{ github.sha }}').out).toBe(`img:${CONTEXT.github.sha}`);
    expect(run('${{github.run_number}}-${{ env.MODEL_VERSION }}').out).toBe('7-1.4.0');
    expect(run('${{ github.repository }}@${{ github.ref_name }}#${{ github.run_id }}').out).toBe(
      'octo-org/models@main#1000',
    );
    expect(run('no expressions').out).toBe('no expressions');
  });

  it('refuses other contexts, functions and operators without evaluating them', () => {
    expect(run('${{ secrets.TOKEN }}').messages[0]).toContain("unknown context 'secrets'");
    expect(run('${{ vars.X }}').messages[0]).toContain('(vars are not available here)');
    expect(run("${{ format('{0}', github.sha) }}").messages[0]).toContain('is not supported');
    expect(run('${{ github.sha || env.X }}').messages[0]).toContain('is not supported');
    expect(run('${{ github.event.pull_request }}').messages[0]).toContain('is not supported');
  });

  it('names unknown github properties with a suggestion', () => {
    expect(run('${{ github.ref_nme }}').messages[0]).toContain("(did you mean 'ref_name'?)");
  });

  it('reports a github property the run does not know', () => {
    const context = { ...CONTEXT, github: { ...CONTEXT.github, sha: undefined } };
    expect(run('${{ github.sha }}', context).messages).toEqual([
      'github.sha is not known in this run (GITHUB_SHA is not set)',
    ]);
  });

  it('refuses environment variables that look like credentials', () => {
    const context = { ...CONTEXT, env: { AWS_SECRET_ACCESS_KEY: 'x', HF_TOKEN: 'y' } };
    expect(run('${{ env.AWS_SECRET_ACCESS_KEY }}', context).messages[0]).toContain(
      'looks like a credential',
    );
    expect(run('${{ env.HF_TOKEN }}', context).messages[0]).toContain('looks like a credential');
    expect(run('${{ env.HF_TOKEN }}', context).out).not.toContain('y');
  });

  it.each([
    'API_KEY',
    'OPENAI_API_KEY',
    'DB_PASS',
    'NPM_AUTH',
    'SSH_KEY',
    'AUTH',
    'GH_PAT',
    'MY_PWD',
    'TLS_CERT',
    'SENTRY_DSN',
    'SESSION_COOKIE',
    'ghToken',
    'SERVICEAPIKEY',
  ])('refuses env.%s by its name, without reading its value', (name) => {
    const secret = 's3cr3t-value';
    const result = run(`\${{ env.${name} }}`, { ...CONTEXT, env: { [name]: secret } });
    expect(result.messages).toEqual([
      expect.stringMatching(
        new RegExp(`^env\\.${name} looks like a credential \\(its name contains`),
      ),
    ]);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it.each([
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'a GitHub token'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'a GitHub token'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig', 'a JSON web token'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', 'a PEM block'],
    ['postgres://admin:hunter2@db.example.com:5432/models', 'a URL with a password'],
  ])('refuses a value that looks like a credential: %s', (value, kind) => {
    const result = run('${{ env.DATABASE_URL }}', { ...CONTEXT, env: { DATABASE_URL: value } });
    expect(result.messages).toEqual([
      `the value of env.DATABASE_URL looks like ${kind}; what a manifest or listing file says is sent to AWS and shown in logs and reports, so it may not contain one`,
    ]);
    expect(JSON.stringify(result)).not.toContain(value.slice(4, 20));
  });

  it('accepts ordinary names and values', () => {
    const env = {
      MODEL_VERSION: '1.4.0',
      PATH_PREFIX: 'models/',
      KEYNOTE: 'x',
      ENDPOINT: 'https://user@example.com/path',
      PATTERN: 'a:b@c',
    };
    for (const name of Object.keys(env)) {
      expect(run(`\${{ env.${name} }}`, { ...CONTEXT, env }).messages).toEqual([]);
    }
  });

  it('reports every problem in a string with its offset', () => {
    const result = run('a ${{ env.NOPE }} b ${{ github.nope }} c ${{ unclosed');
    expect(result.indexes).toEqual([2, 20, 41]);
    expect(result.messages[2]).toContain('not closed');
  });
});

describe('resolveExpressions', () => {
  it('walks lists and mappings, and leaves keys and other scalars alone', () => {
    const found: ExpressionError[] = [];
    const value = resolveExpressions(
      { '${{ env.K }}': ['${{ env.MODEL_VERSION }}', 3, true, null], n: { m: '${{ env.NO }}' } },
      CONTEXT,
      found,
    );
    expect(value).toEqual({ '${{ env.K }}': ['1.4.0', 3, true, null], n: { m: '${{ env.NO }}' } });
    expect(found.map((e) => e.path)).toEqual([['n', 'm']]);
  });

  it('reads the github context from the runner variables', () => {
    const context = expressionContextOf(runContext(undefined, { sha: 'abc', runId: NaN }), {
      GITHUB_REF_NAME: 'main',
    });
    expect(context.github).toEqual({
      sha: 'abc',
      ref_name: 'main',
      run_id: undefined,
      run_number: '7',
      repository: 'octo-org/models',
    });
  });
});

describe('in a manifest', () => {
  it('points at the expression inside a quoted or block scalar', () => {
    const quoted = replaceLine(
      MARKETPLACE,
      'ModelPackageDescription:',
      'ModelPackageDescription: "Churn ${{ env.NOPE }}"',
    );
    expect(errors(check(quoted).problems)[0]).toMatchObject({ line: 2, column: 33 });

    const block = replaceLine(
      MARKETPLACE,
      'ModelPackageDescription:',
      'ModelPackageDescription: >-\n  Churn model\n  built at ${{ github.nope }}',
    );
    expect(errors(check(block).problems)[0]).toMatchObject({ line: 4, column: 12 });
  });

  it('puts the resolved values in the request', () => {
    const text = MARKETPLACE.replace(
      'churn:1.4.0',
      'churn:${{ env.MODEL_VERSION }}-${{ github.sha }}',
    );
    const image = check(text).request?.InferenceSpecification?.Containers[0]?.Image;
    expect(image).toBe(
      `123456789012.dkr.ecr.us-east-1.amazonaws.com/churn:1.4.0-${CONTEXT.github.sha}`,
    );
  });

  it('reports a failed expression once, not again as a pattern mismatch', () => {
    const text = replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: ${{ env.NAME }}');
    const found = errors(check(text).problems);
    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('environment variable NAME is not set');
  });
});
