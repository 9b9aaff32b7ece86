/**
 * A dispatched `mode: sync` (SPEC §10): a `repository_dispatch` run, sent by SageMaker's
 * own event through EventBridge (iam/sagemaker-events-to-github.yml), for one package. Its
 * client_payload names the package (`arn`); the rest of the payload (`status`,
 * `approval`, ...) is a hint this run never reads. It:
 * 1. takes the ARN from the payload, refusing one that is not a model package's;
 * 2. describes the package (one DescribeModelPackage): a package still validating, or one
 *    that does not exist, writes nothing;
 * 3. reads where the run that created it reported on it (action-entries.ts REPORT_KEY: a
 *    customer metadata property of a version, which the description carries; a tag of an
 *    unversioned package, one ListTags) and acts only on its own repository's packages;
 * 4. lists that commit's check runs (one call per 100) and takes this action's whose
 *    external_id is the package's ARN and that carry its state (check-run-state.ts);
 * 5. concludes those still in progress, as SageMaker describes the package, with the
 *    diagnosis of a failed validation; and writes those concluded already again when the
 *    package's approval status or stage changed since (an approval in SageMaker Studio),
 *    keeping their conclusion. The reporter writes them, check run and comment, as a
 *    scheduled sync's. Nothing to conclude and nothing changed (a late or repeated event)
 *    writes nothing.
 *
 * A payload without a model package's ARN is an error of the step. A package of another
 * repository, of another account, one that does not exist or has no record is said in a
 * warning and the step succeeds: an EventBridge rule may send the events of packages this
 * repository does not report on.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { REPORT_KEY } from '../action-entries.js';
import { ARN_FORM, parsePackageArn } from '../package/arn.js';
import { hasEnded, withDescription } from '../package/status.js';
import { githubError } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';
import { code } from '../report/markdown.js';
import type { ReportTarget } from '../report/reporter.js';
import { cutTo } from '../limits.js';
import { stageName } from '../plan/life-cycle.js';
import { displayName, type Outcome, type PackageResult } from '../results.js';
import { describeError } from '../sagemaker/errors.js';
import { plural } from '../text.js';
import { repositoryOf } from '../workflow-run.js';
import { readReportRecord, sameRepository, type ReportRecord } from './report-record.js';
import { diagnosed, openRun, syncNote, targetOf, type SyncOptions } from './sync.js';

/** The event a dispatched run comes from. */
export const DISPATCH_EVENT = 'repository_dispatch';

/** The package a dispatched run is for, as its payload names it. */
export interface DispatchedPackage {
  arn: string;
  region: string;
}

/** The package the payload names, or why the payload names none. */
export function dispatchedPackage(payload: unknown): DispatchedPackage | { why: string } {
  const client: unknown =
    typeof payload === 'object' && payload !== null
      ? (payload as { client_payload?: unknown }).client_payload
      : undefined;
  if (typeof client !== 'object' || client === null || Array.isArray(client)) {
    return { why: 'the repository_dispatch event has no client_payload object' };
  }
  const arn: unknown = (client as { arn?: unknown }).arn;
  if (typeof arn !== 'string') {
    return {
      why: `the repository_dispatch event's client_payload.arn is ${arn === undefined ? 'missing' : 'not a string'}`,
    };
  }
  const parsed = parsePackageArn(arn);
  if (!parsed) {
    return {
      why: `the repository_dispatch event's client_payload.arn (${arn.length} characters) is not a model package's ARN, ${ARN_FORM}`,
    };
  }
  return { arn, region: parsed.region };
}

/** A dispatched run that writes nothing: why, as a warning, and in the job summary. */
function nothing(options: SyncOptions, why: string): Outcome {
  options.log.warning(`Dispatched sync: nothing was written: ${why}.`);
  return { results: [], syncNote: `**Dispatched sync**: nothing was written: ${why}.` };
}

/** The package's record of where it was reported: one ListTags for an unversioned package. */
async function recordOf(
  options: SyncOptions,
  region: string,
  arn: string,
  description: DescribeModelPackageOutput,
): Promise<ReportRecord | undefined> {
  if (description.ModelPackageGroupName) {
    return readReportRecord(description.CustomerMetadataProperties?.[REPORT_KEY]);
  }
  const api = await options.aws.sagemaker(region);
  try {
    const tags = await api.listTags(arn);
    return readReportRecord(tags.find((t) => t.Key === REPORT_KEY)?.Value);
  } finally {
    api.destroy();
  }
}

export async function collectDispatchedPackage(options: SyncOptions): Promise<Outcome> {
  const { log } = options;
  const repo: Repository | undefined = repositoryOf(options.workflow);
  if (!repo) {
    return {
      results: [],
      failure: { reason: 'invalid-input', message: 'sync: the run does not name its repository' },
    };
  }
  const named = dispatchedPackage(options.workflow.payload);
  if ('why' in named) {
    return {
      results: [],
      failure: { reason: 'invalid-input', message: `dispatched sync: ${named.why}` },
    };
  }
  const { region } = named;
  log.info(`Dispatched for ${named.arn}: describing it again; the payload's status is not read.`);

  let description: DescribeModelPackageOutput | undefined;
  let record: ReportRecord | undefined;
  try {
    const api = await options.aws.sagemaker(region);
    try {
      description = await api.describeModelPackage(named.arn);
    } finally {
      api.destroy();
    }
    if (!description) return nothing(options, `the package ${code(named.arn)} does not exist`);
    if (!hasEnded(description.ModelPackageStatus)) {
      return nothing(
        options,
        `${code(named.arn)} is still validating (${code(String(description.ModelPackageStatus))}); its check run stays in progress`,
      );
    }
    record = await recordOf(options, region, named.arn, description);
  } catch (e) {
    return {
      results: [],
      failure: {
        message: `dispatched sync could not describe ${named.arn} (AWS credentials and region, and sagemaker:DescribeModelPackage and sagemaker:ListTags?): ${describeError(e)}; nothing was concluded`,
      },
    };
  }
  const arn = description.ModelPackageArn ?? named.arn;
  if (!record) {
    return nothing(
      options,
      `${code(arn)} does not say where a run of this action reported on it (no ${code(REPORT_KEY)} entry): it was not created by a run of this action that writes check runs`,
    );
  }
  if (!sameRepository(record, repo)) {
    return nothing(
      options,
      `${code(arn)} was reported on by another repository (${code(`${record.owner}/${record.repo}`)}); this run acts only on ${code(`${repo.owner}/${repo.repo}`)}'s packages`,
    );
  }

  let listed;
  try {
    listed = await options.github.checkRuns(repo, record.sha);
  } catch (e) {
    return {
      results: [],
      failure: {
        message: `dispatched sync could not list the check runs of ${record.sha}: ${githubError(e).message}`,
      },
    };
  }
  const ours = listed.flatMap((run) => {
    const found = openRun(run);
    return found && found.arn === arn ? [found] : [];
  });
  if (ours.length === 0) {
    return nothing(
      options,
      `no check run of ${code(arn)} on ${record.sha} carries this action's state: it was written by an earlier release of the action, or by a run that wrote no check run`,
    );
  }
  const described = { ...description, ModelPackageArn: arn };
  const results: PackageResult[] = [];
  const targets: ReportTarget[] = [];
  const changes: string[] = [];
  const logged: string[] = [];
  const concluded: PackageResult[] = [];
  for (const { run, state } of ours) {
    let result: PackageResult;
    if (run.status !== 'completed') {
      const before: PackageResult = { ...state.result, status: 'InProgress', error: null };
      result = await diagnosed(withDescription(before, described), description, options);
      concluded.push(result);
    } else {
      const change = approvalChange(state.result, described);
      if (!change) continue;
      result = change.result;
      changes.push(change.said);
      logged.push(change.logged);
    }
    results.push(result);
    targets.push({
      ...targetOf(run, state, repo),
      checkRunId: run.id,
      ...(run.status === 'completed' ? { concluded: true } : {}),
    });
  }
  if (results.length === 0) {
    return nothing(
      options,
      `the check ${ours.length === 1 ? 'run' : 'runs'} of ${code(arn)} on ${record.sha} already ${ours.length === 1 ? 'shows' : 'show'} what SageMaker says (its status, approval and stage): a late or repeated event`,
    );
  }
  const concluding = concluded.length;
  const updating = results.length - concluding;
  log.info(
    [
      concluding ? `Concluding ${plural(concluding, 'check run')}` : '',
      updating ? `Updating ${plural(updating, 'concluded check run')}: ${logged.join('; ')}` : '',
    ]
      .filter(Boolean)
      .join('; ') + '.',
  );
  const note = syncNote(concluded.map((result) => ({ result, listing: false })));
  return {
    results,
    targets,
    syncNote: [
      ...(concluding ? [note] : []),
      ...(updating
        ? [
            `**Dispatched sync**: updated ${plural(updating, 'concluded check run')}: ${changes.join('; ')}.`,
          ]
        : []),
    ].join('\n'),
  };
}

/** The approval status and stage, as markdown (`code`) or as a log line's plain text. */
function approvalAndStage(
  result: Pick<PackageResult, 'approvalStatus' | 'lifeCycle'>,
  quote: (text: string) => string,
): string {
  const approval = quote(cutTo(result.approvalStatus ?? 'none', 100, 'characters'));
  const stage = result.lifeCycle
    ? quote(cutTo(stageName(result.lifeCycle), 200, 'characters'))
    : 'no stage';
  return `${approval}, ${stage}`;
}

/** Plain text for the log, which the runner port makes inert: quoted, on one line. */
const plain = (text: string) => `'${text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')}'`;

/**
 * A concluded check run's result with the package's approval status and stage as SageMaker
 * now describes them, when either changed since it was written; none when nothing did. The
 * conclusion is kept: its status, failure and diagnosis are the result's, and the
 * validation's statuses are SageMaker's only when the state was too long to keep them.
 */
export function approvalChange(
  before: PackageResult,
  description: DescribeModelPackageOutput,
): { result: PackageResult; said: string; logged: string } | undefined {
  const now = withDescription(before, description);
  const same =
    now.approvalStatus === before.approvalStatus &&
    JSON.stringify(now.lifeCycle ?? null) === JSON.stringify(before.lifeCycle ?? null);
  if (same) return undefined;
  const result: PackageResult = {
    ...before,
    approvalStatus: now.approvalStatus,
    lifeCycle: now.lifeCycle ?? null,
    validation: before.validation.length ? before.validation : now.validation,
    imageScans: before.imageScans.length ? before.imageScans : now.imageScans,
  };
  const name = cutTo(displayName(result), 200, 'characters');
  const version = result.version ? ` v${result.version}` : '';
  const change = (quote: (text: string) => string) =>
    `${quote(name)}${version}: ${approvalAndStage(before, quote)} → ${approvalAndStage(result, quote)}`;
  return { result, said: change(code), logged: change(plain) };
}
