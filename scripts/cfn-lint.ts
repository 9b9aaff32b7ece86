/**
 * cfn-lint on the CloudFormation templates of iam/, for `npm run lint:workflows` and
 * __tests__/iam.test.ts. Every finding is a problem, warnings and informational ones too.
 * cfn-lint is a Python tool (`pip install cfn-lint`): without it, nothing is linted and
 * the caller says so.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface TemplateProblem {
  /** Relative to the directory cfn-lint ran in. */
  file: string;
  line: number;
  column: number;
  /** cfn-lint's rule: E… errors, W… warnings, I… informational. */
  rule: string;
  message: string;
}

/** What makes a file a CloudFormation template: a top-level template key. */
const TEMPLATE_KEY = /^\s*"?(?:AWSTemplateFormatVersion|Resources)"?\s*:/m;

/** The CloudFormation templates under `dir` (YAML or JSON), relative to `root`, sorted. */
export function templatesUnder(root: string, dir = 'iam'): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(?:ya?ml|json|template)$/.test(entry.name))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .filter((file) => TEMPLATE_KEY.test(readFileSync(path.join(root, file), 'utf8')))
    .sort();
}

/** Whether cfn-lint is on the PATH, found without running it (it takes seconds to start). */
export function cfnLintInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir || '.', 'cfn-lint'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** cfn-lint's `parseable` line: file:line:column:endLine:endColumn:rule:message. */
const PARSEABLE = /^(.+?):(\d+):(\d+):\d+:\d+:([EWI]\d+):(.*)$/;

/**
 * Runs cfn-lint on `files` (relative to `root`) and returns every finding, or undefined
 * when cfn-lint is not installed. Output cfn-lint fails with but cannot be read as
 * findings is one problem of the first file, so it never passes unseen.
 */
export function cfnLint(root: string, files: readonly string[]): TemplateProblem[] | undefined {
  const result = spawnSync(
    'cfn-lint',
    ['--format', 'parseable', '--non-zero-exit-code', 'informational', '--', ...files],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  const problems: TemplateProblem[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = PARSEABLE.exec(line);
    if (!match) continue;
    const [, file, row, column, rule, message] = match;
    problems.push({ file: file!, line: +row!, column: +column!, rule: rule!, message: message! });
  }
  if (problems.length === 0 && (result.status !== 0 || result.error)) {
    const why = result.error?.message ?? (result.stderr.trim() || result.stdout.trim());
    problems.push({
      file: files[0] ?? '.',
      line: 1,
      column: 1,
      rule: 'cfn-lint',
      message: `cfn-lint failed (exit status ${result.status}): ${why.split('\n')[0]}`,
    });
  }
  return problems;
}
