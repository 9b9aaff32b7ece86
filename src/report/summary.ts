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

function icon(result: PackageResult): string {
  if (result.failureReason === 'cancelled') return '⏹';
  if (result.failureReason === 'timed-out') return '⏱';
  return ICONS[result.status];
}

function headline(result: PackageResult): string {
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  const origin = result.reused ? 'reused the existing package' : 'new package';
  switch (result.failureReason) {
    case 'invalid-manifest':
      return `invalid manifest: ${errors} ${errors === 1 ? 'error' : 'errors'}, nothing was sent to AWS`;
    case 'create-failed':
      return `not created: ${result.error ?? 'unknown error'}`;
    case 'cancelled':
      return 'the run was cancelled; SageMaker keeps validating the package';
    case 'timed-out':
      return `stopped waiting: ${result.error ?? 'the package is still validating'}`;
    case 'validation-failed':
      return `validation failed (${origin})`;
    case 'image-scan-failed':
      return `image scan failed (${origin})`;
  }
  switch (result.status) {
    case 'DryRun':
      return 'dry run: the manifest is valid; nothing was sent to AWS';
    case 'Completed':
      return `validation completed (${origin})`;
    default:
      return `validating (${origin})`;
  }
}

function statusTable(title: string, items: PackageResult['validation']): string {
  if (items.length === 0) return '';
  const rows = items.map((i) => [
    text(i.name),
    text(i.status),
    i.failureReason ? text(i.failureReason) : '',
  ]);
  return table([title, 'Status', 'Failure reason'], rows);
}

function identity(result: PackageResult, commit: string | undefined): string {
  const rows: string[][] = [];
  if (result.name) rows.push(['Package', `${code(result.name)} (unversioned)`]);
  if (result.group) {
    const version = result.version != null ? `version ${result.version}` : 'new version';
    rows.push(['Group', `${code(result.group)} (${version})`]);
  }
  if (result.arn) rows.push(['ARN', code(result.arn)]);
  if (result.createdAt) rows.push(['Created', text(result.createdAt)]);
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
      `### ${icon(result)} ${text(title)}\n\n${code(result.manifest)}: ${text(headline(result))}`,
    );
    if (result.failureReason !== 'invalid-manifest') parts.push(identity(result, input.commit));
    for (const [title, items] of [
      ['Validation profile', result.validation],
      ['Image scan', result.imageScans],
    ] as const) {
      const rendered = statusTable(title, items);
      if (rendered) parts.push(rendered);
    }
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
