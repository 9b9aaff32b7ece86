/**
 * The check command (src/cli): arguments, the lines it prints, its exit codes, and that
 * it runs the action's checks, with expressions as placeholders.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  formatLine,
  printable,
  runCommand,
  USAGE,
  type CommandDependencies,
} from '../src/cli/check-command.js';
import { checkManifests } from '../src/manifest/check.js';
import { MAX_PROBLEMS } from '../src/manifest/load.js';
import { MARKETPLACE, replaceLine, VERSIONED } from './harness/manifests.js';
import { ROOT } from './harness/dist-action.js';
import { memoryRunner } from './harness/memory-runner.js';
import { runContext } from './harness/run-context.js';

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(path.join(tmpdir(), 'smp-cli-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true });
  writeFileSync(path.join(cwd, file), text);
};
const deps = (env: NodeJS.ProcessEnv = {}): CommandDependencies => ({
  cwd,
  env,
  version: '9.8.7',
});
const run = (args: string[], env: NodeJS.ProcessEnv = { AWS_REGION: 'us-east-1' }) =>
  runCommand(args, deps(env));

/** A Marketplace package with an unknown member, a bad name and a misplaced ModelApprovalStatus. */
const INVALID = replaceLine(
  replaceLine(MARKETPLACE, 'ModelPackageName:', 'ModelPackageName: churn_predictor'),
  'ModelPackageDescription:',
  'ModelPackageDescriptoin: Predicts churn.\nModelApprovalStatus: Approved',
);

describe('a valid manifest', () => {
  it('prints the count and exits 0', async () => {
    write('model-package.yml', MARKETPLACE);
    expect(await run(['check'])).toEqual({
      stdout: ['1 manifest checked, 0 invalid: 0 errors, 0 warnings'],
      stderr: [],
      code: 0,
    });
  });

  it('takes several patterns and globs, relative to the current directory', async () => {
    write('models/a/model-package.yml', MARKETPLACE);
    write('models/b/model-package.yml', VERSIONED);
    write('other.yml', 'not: [a manifest');
    const result = await run(['check', 'models/**/model-package.yml', 'models/a/*.yml']);
    expect(result.stdout).toEqual(['2 manifests checked, 0 invalid: 0 errors, 0 warnings']);
    expect(result.code).toBe(0);
  });

  it('exits 0 with warnings only', async () => {
    write(
      'model-package.yml',
      replaceLine(MARKETPLACE, 'ModelPackageDescription:', 'ModelApprovalStatus: Approved'),
    );
    const result = await run(['check']);
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual([
      expect.stringMatching(/^model-package\.yml:2:22: warning ModelApprovalStatus: .+/),
      '1 manifest checked, 0 invalid: 0 errors, 1 warning',
    ]);
  });
});

describe('an invalid manifest', () => {
  it('prints one line per problem in the format of problem matchers, and exits 1', async () => {
    write('models/churn.yml', INVALID);
    write('models/ok.yml', MARKETPLACE);
    const result = await run(['check', 'models/*.yml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toHaveLength(4);
    const [name, unknown, approval, count] = result.stdout;
    expect(name).toMatch(
      /^models\/churn\.yml:1:19: error ModelPackageName: expected a name of 1 to 63/,
    );
    expect(unknown).toMatch(
      /^models\/churn\.yml:2:1: error ModelPackageDescriptoin: .*did you mean 'ModelPackageDescription'/,
    );
    expect(approval).toMatch(/^models\/churn\.yml:3:22: warning ModelApprovalStatus: /);
    expect(count).toBe('2 manifests checked, 1 invalid: 2 errors, 1 warning');
  });

  it('prints the same problems as the action logs', async () => {
    write('model-package.yml', INVALID);
    const runner = memoryRunner();
    const [checked] = await checkManifests({
      patterns: ['model-package.yml'],
      maxManifests: 20,
      workspace: cwd,
      region: 'us-east-1',
      workflow: runContext(),
      env: {},
      log: runner,
    });
    const result = await run(['check']);
    expect(result.stdout.slice(0, -1)).toEqual(checked!.problems.map(formatLine));
    expect(checked!.problems.length).toBe(3);
  });

  it('names the file for a problem of the file as a whole, with - for the member', async () => {
    write('model-package.yml', '');
    const result = await run(['check']);
    expect(result.stdout[0]).toMatch(/^model-package\.yml:1:1: error -: the manifest is empty/);
    expect(result.code).toBe(1);
  });

  it('counts the problems after the ones it lists', async () => {
    const extra = Array.from({ length: 150 }, (_, i) => `Key${i}: v\n`).join('');
    write('model-package.yml', `${VERSIONED}${extra}`);
    const result = await run(['check']);
    expect(result.code).toBe(1);
    expect(result.stdout).toHaveLength(MAX_PROBLEMS + 2);
    expect(result.stdout.at(-2)).toBe(
      `model-package.yml: ${150 - MAX_PROBLEMS} more problems (${150 - MAX_PROBLEMS} errors, 0 warnings) not listed`,
    );
    expect(result.stdout.at(-1)).toBe('1 manifest checked, 1 invalid: 150 errors, 0 warnings');
  });
});

describe('listing files', () => {
  const listing = () =>
    readFileSync(path.join(ROOT, 'examples/marketplace/marketplace-listing.yml'), 'utf8');

  it('checks a marketplace-listing.yml as a listing file, by path or glob, never as a manifest', async () => {
    write('models/churn/model-package.yml', MARKETPLACE);
    write('models/churn/marketplace-listing.yml', listing());
    write('models/fraud/marketplace-listing.yaml', listing());
    expect(await run(['check', 'models/churn/marketplace-listing.yml'])).toEqual({
      stdout: ['0 manifests and 1 listing file checked, 0 invalid: 0 errors, 0 warnings'],
      stderr: [],
      code: 0,
    });
    expect((await run(['check', 'models/**/*.y*ml'])).stdout).toEqual([
      '1 manifest and 2 listing files checked, 0 invalid: 0 errors, 0 warnings',
    ]);
  });

  it("prints a listing's problems at their lines, with the member path", async () => {
    const text = listing()
      .replace('Identifier: prod-abcdefgh12345', 'Identifier: prod abc')
      .replace(
        '          RepositoryUrl:',
        '          SageMakerModelPackageArn: arn:aws:sagemaker:us-east-1:123456789012:model-package/churn\n          RepositoryUrl:',
      );
    write('marketplace-listing.yml', text);
    const result = await run(['check', 'marketplace-listing.yml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([
      'marketplace-listing.yml:10:15: error Entity.Identifier: expected an entity ID of letters, digits, _, - and @, such as prod-abcdefgh12345',
      'marketplace-listing.yml:25:11: error DetailsDocument.DeliveryOptions[0].Details.SageMakerModelPackageDeliveryOptionDetails.SageMakerModelPackageArn: SageMakerModelPackageArn is filled in by the action with the ARN of the package it created; remove it from the listing file',
      '0 manifests and 1 listing file checked, 1 invalid: 2 errors, 0 warnings',
    ]);
  });
});

describe('expressions', () => {
  it('takes supported references as placeholders that pass the checks of a string', async () => {
    // Unresolved, the image tag and the description would be checked as written.
    write('model-package.yml', VERSIONED);
    const result = await run(['check'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toEqual(['1 manifest checked, 0 invalid: 0 errors, 0 warnings']);
  });

  it('does not read the values of env.NAME from its own environment', async () => {
    write(
      'model-package.yml',
      replaceLine(
        replaceLine(
          MARKETPLACE,
          'ModelPackageDescription:',
          'ModelPackageDescription: ${{ github.shaa }} ${{ secrets.KEY }} ${{ env.AWS_SECRET_ACCESS_KEY }} ${{ github.sha',
        ),
        'CertifyForMarketplace:',
        'CertifyForMarketplace: ${{ env.CERTIFY }}',
      ),
    );
    const result = await run(['check']);
    expect(result.code).toBe(1);
    const lines = result.stdout.join('\n');
    expect(lines).toMatch(/:2:26: error ModelPackageDescription: .*unknown property github\.shaa/);
    expect(lines).toMatch(/error ModelPackageDescription: .*secrets are not available/);
    expect(lines).toMatch(/error ModelPackageDescription: .*looks like a credential/);
    expect(lines).toMatch(/error ModelPackageDescription: .*is not closed/);
    // A boolean member cannot hold a string, whatever it resolves to.
    expect(lines).toMatch(/:3:24: error CertifyForMarketplace: /);
  });
});

describe('the region', () => {
  const elsewhere = () =>
    write('model-package.yml', MARKETPLACE.replace('us-east-1.amazonaws', 'eu-west-1.amazonaws'));

  it('is --region, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    elsewhere();
    const error = /error InferenceSpecification\.Containers\[0\]\.Image: /;
    expect((await run(['check'], { AWS_REGION: 'us-east-1' })).stdout[0]).toMatch(error);
    expect((await run(['check'], { AWS_DEFAULT_REGION: 'us-east-1' })).stdout[0]).toMatch(error);
    expect((await run(['check', '--region', 'eu-west-1'], { AWS_REGION: 'us-east-1' })).code).toBe(
      0,
    );
    expect((await run(['check', '--region=us-east-1'], { AWS_REGION: 'eu-west-1' })).code).toBe(1);
  });

  it('without one, skips the region checks and says so', async () => {
    elsewhere();
    const result = await run(['check'], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toEqual([
      'sagemaker-model-package: no region (--region, AWS_REGION or AWS_DEFAULT_REGION): the image region checks were skipped',
    ]);
  });
});

describe('paths outside the current directory', () => {
  /** A project next to `cwd`, with an invalid manifest, and one that .git/ hides from globs. */
  const sibling = () => {
    const other = `${cwd}-other`;
    mkdirSync(path.join(other, 'models', 'churn'), { recursive: true });
    mkdirSync(path.join(other, '.git', 'models'), { recursive: true });
    writeFileSync(path.join(other, 'models', 'churn', 'model-package.yml'), INVALID);
    writeFileSync(path.join(other, '.git', 'models', 'model-package.yml'), INVALID);
    return { other, name: path.basename(other) };
  };
  afterEach(() => rmSync(`${cwd}-other`, { recursive: true, force: true }));

  it('checks a ../ path and names it so', async () => {
    const { name } = sibling();
    const file = `../${name}/models/churn/model-package.yml`;
    const result = await run(['check', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toEqual([]);
    expect(result.stdout[0]).toMatch(
      new RegExp(`^\\.\\./${name}/models/churn/model-package\\.yml:1:19: error ModelPackageName: `),
    );
    expect(result.stdout.at(-1)).toBe('1 manifest checked, 1 invalid: 2 errors, 1 warning');
  });

  it('checks an absolute path and names it so', async () => {
    const { other } = sibling();
    const file = path.join(other, 'models', 'churn', 'model-package.yml');
    const result = await run(['check', file]);
    expect(result.code).toBe(1);
    expect(result.stdout[0]!.startsWith(`${file}:1:19: error ModelPackageName: `)).toBe(true);
    expect(result.stdout.at(-1)).toBe('1 manifest checked, 1 invalid: 2 errors, 1 warning');
  });

  it('expands a glob outside, skipping .git/ below where it starts', async () => {
    const { other, name } = sibling();
    write('model-package.yml', MARKETPLACE);
    for (const pattern of [`../${name}/**/model-package.yml`, `${other}/**/model-package.yml`]) {
      const result = await run(['check', 'model-package.yml', pattern]);
      expect(result.code).toBe(1);
      expect(new Set(result.stdout.slice(0, -1).map((line) => line.split(':')[0]))).toEqual(
        new Set([
          pattern.startsWith('..')
            ? `../${name}/models/churn/model-package.yml`
            : path.join(other, 'models', 'churn', 'model-package.yml'),
        ]),
      );
      expect(result.stdout.at(-1)).toBe('2 manifests checked, 1 invalid: 2 errors, 1 warning');
    }
  });

  it('names a path outside that does not exist, without a workspace', async () => {
    const result = await run(['check', '../nowhere/model-package.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toBe(
      "sagemaker-model-package: manifest '../nowhere/model-package.yml' does not exist",
    );
  });

  it('is a rule of the check command only: the action refuses the same paths', async () => {
    const { other, name } = sibling();
    for (const pattern of [
      `../${name}/models/churn/model-package.yml`,
      path.join(other, 'models', 'churn', 'model-package.yml'),
      `../${name}/**/model-package.yml`,
    ]) {
      const runner = memoryRunner();
      await expect(
        checkManifests({
          patterns: [pattern],
          maxManifests: 20,
          workspace: cwd,
          region: 'us-east-1',
          workflow: runContext(),
          env: {},
          log: runner,
        }),
      ).rejects.toThrow(`manifest '${pattern}' is outside the workspace`);
    }
  });
});

describe('usage', () => {
  it('prints help and the version', async () => {
    expect(await run(['--help'])).toEqual({ stdout: [USAGE], stderr: [], code: 0 });
    expect(await run(['check', '-h'])).toEqual({ stdout: [USAGE], stderr: [], code: 0 });
    expect(await run(['--version'])).toEqual({ stdout: ['9.8.7'], stderr: [], code: 0 });
  });

  it.each([
    [[], 'no command: the command is check'],
    [['lint'], "unknown command 'lint': the command is check"],
    [['check', '--regoin', 'x'], "Unknown option '--regoin'"],
    [['check', '--region'], "Option '--region <value>' argument missing"],
    [['check', '--region', 'US East'], "--region: 'US East' is not an AWS region name"],
    [
      ['check', '--max-manifests', '0'],
      "--max-manifests must be a whole number of at least 1, not '0'",
    ],
    [['check', '--max-manifests', '1e3'], "not '1e3'"],
    [['check', 'missing.yml'], "manifest 'missing.yml' does not exist"],
    [['check', 'none/**/*.yml'], "manifest pattern 'none/**/*.yml' matches no file"],
  ])('refuses %j with exit code 2', async (args, message) => {
    write('model-package.yml', MARKETPLACE);
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toEqual([]);
    expect(result.stderr[0]).toContain(message);
    expect(result.stderr[0]).toMatch(/^sagemaker-model-package: /);
    expect(result.stderr[1]).toBe("Run 'sagemaker-model-package --help' for usage.");
  });

  it('refuses a bad AWS_REGION, naming the variable', async () => {
    write('model-package.yml', MARKETPLACE);
    const result = await run(['check'], { AWS_DEFAULT_REGION: 'nowhere' });
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toContain("environment variable AWS_DEFAULT_REGION: 'nowhere'");
  });

  it('refuses more files than --max-manifests before reading any', async () => {
    for (const name of ['a', 'b', 'c']) write(`m/${name}.yml`, 'not: [yaml');
    const result = await run(['check', '--max-manifests', '2', 'm/*.yml']);
    expect(result.code).toBe(2);
    expect(result.stderr[0]).toContain('matches more than 2 files');
    expect((await run(['check', '--max-manifests', '3', 'm/*.yml'])).code).toBe(1);
  });
});

describe('hostile text', () => {
  it('prints no control character, escape sequence, line break or bidirectional override', () => {
    expect(printable('a\u001b[31mred\u0007\r\nb\u009b2J\u202eevil\u2028x\u0000')).toBe(
      'a?[31mred???b?2J?evil?x?',
    );
    expect(printable('Größe: ${{ env.X }} ✓')).toBe('Größe: ${{ env.X }} ✓');
  });

  it('makes a hostile file name and manifest text harmless', async () => {
    const name = 'evil\u001b]0;title\u0007\u001b[2J\nmodel-package.yml:1:1: error -: forged.yml';
    write(name, 'ModelPackageName: "a\\e[31mred\\nx:1:1: error"\n');
    const result = await run(['check', 'evil*']);
    expect(result.code).toBe(1);
    for (const line of [...result.stdout, ...result.stderr]) {
      expect(line).not.toMatch(/\p{Cc}/u);
    }
    expect(result.stdout[0]).toMatch(
      /^evil\?\]0;title\?\?\[2J\?model-package\.yml:1:1: error -: forged\.yml:\d+:\d+: error /,
    );
    expect(result.stdout).toHaveLength(3);
  });
});

describe('what the README and the hook configuration promise', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it("the VS Code problem matcher reads the command's lines", async () => {
    const task = /```json\n(\{\n {2}"version": "2\.0\.0",[\s\S]*?)```/.exec(readme);
    const { pattern } = (
      JSON.parse(task![1]!) as {
        tasks: { problemMatcher: { pattern: Record<string, string | number> } }[];
      }
    ).tasks[0]!.problemMatcher;
    const regexp = new RegExp(pattern.regexp as string);
    write('models/churn.yml', INVALID);
    write('models/empty.yml', '');
    const { stdout } = await run(['check', 'models/*.yml']);
    const matched = stdout.slice(0, -1).map((line) => {
      const m = regexp.exec(line)!;
      const group = (name: string) => m[pattern[name] as number];
      return [group('file'), group('line'), group('column'), group('severity'), group('code')];
    });
    expect(matched).toEqual([
      ['models/churn.yml', '1', '19', 'error', 'ModelPackageName'],
      ['models/churn.yml', '2', '1', 'error', 'ModelPackageDescriptoin'],
      ['models/churn.yml', '3', '22', 'warning', 'ModelApprovalStatus'],
      ['models/empty.yml', '1', '1', 'error', '-'],
    ]);
    expect(regexp.test(stdout.at(-1)!)).toBe(false);
  });

  it("the pre-commit hook runs the package's command on manifests", () => {
    const [hook] = parse(readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as {
      entry: string;
      files: string;
      language: string;
    }[];
    const { bin } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const [command, subcommand] = hook!.entry.split(' ');
    expect(Object.keys(bin)).toEqual([command]);
    expect(bin[command!]).toBe('dist/cli/index.js');
    expect(subcommand).toBe('check');
    expect(hook!.language).toBe('node');
    const files = new RegExp(hook!.files);
    for (const name of ['model-package.yml', 'models/a/model-package.yaml', 'm/model-package.json'])
      expect(files.test(name)).toBe(true);
    for (const name of ['model-package.yml.bak', 'my-model-package.yml', 'models/other.yml'])
      expect(files.test(name)).toBe(false);
  });
});
