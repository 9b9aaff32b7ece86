/**
 * The built check command (dist/cli/index.js), run as a shell, an editor's task or a
 * pre-commit hook runs it: its output, its exit codes, and that it makes no network call
 * and bundles no AWS SDK.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { ROOT } from '../harness/dist-action.js';
import { integration } from '../harness/integration.js';

const CLI = path.join(ROOT, 'dist', 'cli', 'index.js');

/** The command's working directory: a repository with the examples. */
const t = integration({ copy: ['examples'] });
const cwd = t.workspace;
const connections = path.join(cwd, 'connections.log');
const guard = path.join(cwd, 'no-network.mjs');
t.files('', {
  // Records and refuses every connection and name lookup the process attempts.
  'no-network.mjs': `import net from 'node:net';
import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
const refuse = (what) => { appendFileSync(${JSON.stringify(connections)}, what + '\\n'); throw new Error('network call: ' + what); };
net.Socket.prototype.connect = function (...args) { refuse('connect ' + JSON.stringify(args[0])); };
dns.lookup = (host) => refuse('lookup ' + host);
dns.promises.lookup = async (host) => refuse('lookup ' + host);
`,
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}, script = CLI, dir = cwd) {
  writeFileSync(connections, '');
  const result = spawnSync(process.execPath, ['--import', guard, script, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    timeout: 20_000,
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    connections: readFileSync(connections, 'utf8'),
  };
}

describe('the bundle', () => {
  it('is an executable script with a node shebang', () => {
    expect(readFileSync(CLI, 'utf8').split('\n', 1)[0]).toBe('#!/usr/bin/env node');
    accessSync(CLI, constants.X_OK);
    const direct = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(direct.stdout).toBe(`${version}\n`);
    expect(direct.status).toBe(0);
  });

  it('holds no AWS SDK and loads nothing else', () => {
    const files = readdirSync(path.dirname(CLI)).sort();
    expect(files).toEqual(['index.js', 'licenses.txt', 'package.json']);
    // The SDK's user agent, which every AWS SDK client carries (dist/ has it).
    expect(readFileSync(CLI, 'utf8')).not.toMatch(/aws-sdk-js|@aws-sdk\/|@smithy\//);
  });

  it('the guard sees a network call', () => {
    const probe = path.join(cwd, 'probe.mjs');
    writeFileSync(probe, "await fetch('http://127.0.0.1:65000/').catch(() => undefined);\n");
    expect(cli([], {}, probe).connections).toContain('connect');
  });
});

describe('checking', () => {
  it('passes the examples, with their expressions, and makes no network call', () => {
    const result = cli(['check', 'examples/*/model-package.yml', '--region', 'us-east-1'], {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:65000',
    });
    expect(result).toEqual({
      code: 0,
      stdout: '3 manifests checked, 0 invalid: 0 errors, 0 warnings\n',
      stderr: '',
      connections: '',
    });
  });

  it('checks paths outside the current directory, ../ and absolute', () => {
    const sub = mkdtempSync(path.join(cwd, 'sub-'));
    const absolute = path.join(cwd, 'examples', 'registry', 'model-package.yml');
    const args = ['check', '../examples/marketplace/model-package.yml', absolute];
    const result = cli([...args, '--region', 'us-east-1'], {}, CLI, sub);
    expect(result).toEqual({
      code: 0,
      stdout: '2 manifests checked, 0 invalid: 0 errors, 0 warnings\n',
      stderr: '',
      connections: '',
    });
  });

  it('lists every problem of an invalid manifest and exits 1', () => {
    writeFileSync(
      path.join(cwd, 'model-package.yml'),
      [
        'ModelPackageName: churn_predictor',
        'ClientToken: abc',
        'InferenceSpecification:',
        '  Containers:',
        '    - Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/churn:1.4.0',
        '  SupportedTransformInstanceTypes: [ml.m5.large]',
        '  SupportedRealtimeInferenceInstanceTypes: [ml.m5.large]',
        '  SupportedContentTypes: [text/csv]',
        '  SupportedResponseMIMETypes: [textcsv]',
        '',
      ].join('\n'),
    );
    const result = cli(['check'], { AWS_REGION: 'us-east-1' });
    expect(result.code).toBe(1);
    expect(result.connections).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(': ', 2).join(': '))).toEqual([
      'model-package.yml:1:19: error ModelPackageName',
      'model-package.yml:2:1: error ClientToken',
      'model-package.yml:5:14: warning InferenceSpecification.Containers[0].Image',
      'model-package.yml:9:32: error InferenceSpecification.SupportedResponseMIMETypes[0]',
    ]);
    expect(lines.at(-1)).toBe('1 manifest checked, 1 invalid: 3 errors, 1 warning');
  });

  it('exits 2 on a usage error, with one line and no stack', () => {
    const result = cli(['check', '--frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sagemaker-model-package: Unknown option '--frobnicate'/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(cli(['check', 'nothing-here.yml']).code).toBe(2);
  });

  it('prints no escape sequence from a hostile file name or manifest', () => {
    const name = 'x\u001b]0;owned\u0007\u001b[2J\r\n.yml';
    writeFileSync(
      path.join(cwd, name),
      'ModelPackageName: churn\n"Evil\\e[31mKey\\u009b\\r\\nx.yml:1:1: error -": 1\n',
    );
    const result = cli(['check', 'x*.yml'], { AWS_REGION: 'us-east-1' });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toMatch(/[^\P{Cc}\n]/u);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(/^1 manifest checked, 1 invalid: (\d+) errors?, 0 warnings$/);
    const count = Number(/invalid: (\d+)/.exec(lines.at(-1)!)![1]);
    expect(lines).toHaveLength(count + 1);
    for (const line of lines.slice(0, -1))
      expect(line).toMatch(/^x\?\]0;owned\?\?\[2J\?\?\.yml:\d+:\d+: error /);
    expect(lines[1]).toMatch(
      /:2:1: error .+: unknown member 'Evil\?\[31mKey\?\?\?x\.yml:1:1: error -'$/,
    );
  });
});
