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
 * 4. lists the check runs still in progress on that commit (one call) and takes this
 *    action's check runs whose external_id is the package's ARN: none (the event is late
 *    or came twice, and the check run is concluded already) writes nothing;
 * 5. gives their results, as SageMaker describes the package, with the diagnosis of a
 *    failed validation, and their targets, which the reporter writes as a scheduled sync's.
 *
 * A payload without a model package's ARN is an error of the step. A package of another
 * repository, of another account, one that does not exist or has no record is said in a
 * warning and the step succeeds: an EventBridge rule may send the events of packages this
 * repository does not report on.
 */
import type { DescribeModelPackageOutput } from '@aws-sdk/client-sagemaker';
import { REPORT_KEY } from '../action-entries.js';
import { hasEnded, withDescription } from '../package/status.js';
import { githubError } from '../report/github-api.js';
import type { Repository } from '../report/github-checks.js';
import { code } from '../report/markdown.js';
import type { ReportTarget } from '../report/reporter.js';
import type { Outcome, PackageResult } from '../results.js';
import { describeError } from '../sagemaker/errors.js';
import { repositoryOf } from '../workflow-run.js';
import { readReportRecord, sameRepository, type ReportRecord } from './report-record.js';
import { diagnosed, openRun, PACKAGE_ARN, syncNote, targetOf, type SyncOptions } from './sync.js';

/** The longest ARN SageMaker takes (ModelPackageArn: 2048 characters). */
const MAX_ARN = 2048;

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
  const match = arn.length <= MAX_ARN ? PACKAGE_ARN.exec(arn) : null;
  // A name, and for a version its number: what SageMaker's ARNs allow.
  const name = match?.[2] ?? '';
  if (!match || !/^[A-Za-z0-9](?:-*[A-Za-z0-9]){0,62}(?:\/\d{1,10})?$/.test(name)) {
    return {
      why: `the repository_dispatch event's client_payload.arn (${arn.length} characters) is not a model package's ARN, arn:aws:sagemaker:<region>:<account>:model-package/<name>[/<version>]`,
    };
  }
  return { arn, region: match[1]! };
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
    listed = await options.github.inProgressCheckRuns(repo, record.sha);
  } catch (e) {
    return {
      results: [],
      failure: {
        message: `dispatched sync could not list the check runs of ${record.sha}: ${githubError(e).message}`,
      },
    };
  }
  const open = listed.flatMap((run) => {
    const found = openRun(run);
    return found && found.arn === arn ? [found] : [];
  });
  if (open.length === 0) {
    return nothing(
      options,
      `no check run of ${code(arn)} is in progress on ${record.sha}: it was concluded already (a late or repeated event), or never left in progress`,
    );
  }
  const results: PackageResult[] = [];
  const targets: ReportTarget[] = [];
  for (const { run, state } of open) {
    const before: PackageResult = { ...state.result, status: 'InProgress', error: null };
    results.push(
      await diagnosed(
        withDescription(before, { ...description, ModelPackageArn: arn }),
        description,
        options,
      ),
    );
    targets.push({ ...targetOf(run, state, repo), checkRunId: run.id });
  }
  log.info(`Concluding ${open.length === 1 ? 'its check run' : `its ${open.length} check runs`}.`);
  return {
    results,
    targets,
    syncNote: syncNote(results.map((result) => ({ result, listing: false }))),
  };
}
