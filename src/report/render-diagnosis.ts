/**
 * "Why it failed" in a report (SPEC §6): under the validation profiles, each profile's
 * transform job with links to it and to its log stream, the job's failure reason and, in
 * a folded block, the excerpt of its log; a running profile's job is linked too. All text
 * from AWS is escaped: inline through `text()`/`code()`, the log in a fence that no line
 * can close.
 */
import { plural } from '../text.js';
import type { PackageResult, StatusItem } from '../results.js';
import { code, codeBlock, details, text } from './markdown.js';

/** A URL as a markdown link target: characters that could end it are encoded. */
function url(value: string): string {
  return value.replace(/[()<>\s"[\]]/g, (c) => encodeURIComponent(c));
}

function cut(value: string, limit: number): string {
  return value.length <= limit ? text(value) : `${text(value.slice(0, limit))}… *(cut)*`;
}

function one(item: StatusItem, limit: number): string | undefined {
  const d = item.diagnosis;
  if (!d) return undefined;
  const profile = code(item.name);
  const lines: string[] = [];
  if (d.jobName) {
    const job = d.links.job ? `[${code(d.jobName)}](${url(d.links.job)})` : code(d.jobName);
    const log = d.links.logStream ? ` · [log](${url(d.links.logStream)})` : '';
    const verb = item.status === 'Failed' ? 'ran as' : 'runs as';
    lines.push(`**${text(item.name)}** ${verb} transform job ${job}${log}`);
    if (d.failureReason) lines.push(`> ${cut(d.failureReason, limit)}`);
    if (d.logExcerpt.length && limit >= 1000) {
      const body = d.logExcerpt.join('\n');
      lines.push(
        details(
          `Log excerpt of ${code(d.jobName)} (${plural(d.logExcerpt.length, 'line')})`,
          codeBlock(body, 'text'),
        ),
      );
    } else if (d.logExcerpt.length) {
      lines.push(
        `*The log excerpt (${plural(d.logExcerpt.length, 'line')}) is left out to keep the report short; it is in the workflow run's log and the \`results\` output.*`,
      );
    }
  } else if (item.status === 'Failed') {
    lines.push(`**${text(item.name)}**: its transform job is not shown.`);
  }
  if (d.note) lines.push(`*${profile}: ${cut(d.note, limit)}.*`);
  return lines.length ? lines.join('\n\n') : undefined;
}

/** The diagnoses of `items`, or an empty string when none has one. */
export function renderDiagnoses(items: readonly StatusItem[], limit: number): string {
  const parts = items.map((item) => one(item, limit)).filter((p): p is string => Boolean(p));
  if (parts.length === 0) return '';
  const failed = items.some((i) => i.status === 'Failed' && i.diagnosis);
  return [failed ? '**Why it failed**' : '**Transform jobs**', ...parts].join('\n\n');
}

/**
 * The result without the generic lists of transform jobs and their logs when each failed
 * validation profile links its own job: the report links the job and its log stream.
 */
export function withoutGenericJobLinks(result: PackageResult): PackageResult {
  const failed = result.validation.filter((v) => v.status === 'Failed');
  if (failed.length === 0 || !failed.every((v) => v.diagnosis?.links.job)) return result;
  const links = { ...result.links };
  delete links.transformJobs;
  delete links.logs;
  return { ...result, links };
}
