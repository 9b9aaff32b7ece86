/**
 * The job summary: per manifest, its status and identity, the problems found and, for
 * a dry run, the request that would be sent.
 */
import type { PackageResult, PackageStatus } from '../results.js';
import { code, codeBlock, details, table, text } from './markdown.js';

export interface SummaryInput {
  results: readonly PackageResult[];
  /** Per manifest path, the resolved request (dry runs). */
  requests?: ReadonlyMap<string, unknown>;
  commit?: string;
  /** A failure of the whole run, before any manifest was read. */
  runError?: string;
}

const ICONS: Record<PackageStatus, string> = {
  DryRun: '🔍',
  Completed: '✅',
  Failed: '❌',
  InProgress: '⏳',
};

function headline(result: PackageResult): string {
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  if (result.failureReason === 'invalid-manifest') {
    return `invalid manifest: ${errors} ${errors === 1 ? 'error' : 'errors'}, nothing was sent to AWS`;
  }
  if (result.status === 'DryRun') return 'dry run: the manifest is valid; nothing was sent to AWS';
  return result.status;
}

function identity(result: PackageResult, commit: string | undefined): string {
  const rows: string[][] = [];
  if (result.name) rows.push(['Package', `${code(result.name)} (unversioned)`]);
  if (result.group) {
    const version = result.version != null ? `version ${result.version}` : 'new version';
    rows.push(['Group', `${code(result.group)} (${version})`]);
  }
  if (result.arn) rows.push(['ARN', code(result.arn)]);
  rows.push(['Region', result.region ? code(result.region) : 'not set']);
  if (commit) rows.push(['Commit', code(commit.slice(0, 12))]);
  return table(['', ''], rows);
}

function problems(result: PackageResult): string {
  if (result.problems.length === 0) return '';
  const lines = result.problems.map((p) => {
    const icon = p.severity === 'error' ? '❌' : '⚠️';
    const member = p.member ? ` ${code(p.member)}` : '';
    return `- ${icon} ${code(`${result.manifest}:${p.line}:${p.column}`)}${member}: ${text(p.message)}`;
  });
  return lines.join('\n');
}

export function renderSummary(input: SummaryInput): string {
  const parts: string[] = ['## SageMaker model package'];
  if (input.runError) parts.push(`❌ ${text(input.runError)}`);
  for (const result of input.results) {
    const title = result.name ?? result.group ?? result.manifest;
    parts.push(
      `### ${ICONS[result.status]} ${text(title)}\n\n${code(result.manifest)}: ${text(headline(result))}`,
    );
    if (result.failureReason !== 'invalid-manifest') parts.push(identity(result, input.commit));
    const found = problems(result);
    if (found) parts.push(found);
    const request = input.requests?.get(result.manifest);
    if (request !== undefined) {
      parts.push(
        details(
          'Request that would be sent (CreateModelPackage)',
          codeBlock(JSON.stringify(request, null, 2), 'json'),
        ),
      );
    }
  }
  return `${parts.join('\n\n')}\n`;
}
