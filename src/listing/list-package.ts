/**
 * Listing a validated package on AWS Marketplace (SPEC §9), the last step after validation:
 * one change set that adds the package to its product as a new version (`Intent: APPLY`),
 * or checks that change (`Intent: VALIDATE`), followed until it ends or
 * `marketplace-timeout-minutes` pass.
 *
 * Never submitted twice: the change set's name and ClientRequestToken are digests of the
 * change, so a re-run, a retried step or a parallel job finds the change set (by its name,
 * among the product's change sets) or the version (the product already lists the package)
 * and follows or reports it; two jobs that start it at once send the same token, which the
 * Catalog API answers with one change set. A product locked by another change set
 * (ResourceInUseException), throttling and 5xx answers are waited out within the timeout;
 * a change set that failed with SERVER_FAULT is started once more; CLIENT_ERROR fails the
 * package with `listing-failed`, quoting each ErrorDetailList entry with its remedy.
 */
import type { DescribeChangeSetResponse } from '@aws-sdk/client-marketplace-catalog';
import { createHash } from 'node:crypto';
import { cutTo } from '../limits.js';
import type { ListingError, ListingResult, ListingStatus, PackageResult } from '../results.js';
import type { Log } from '../runner/port.js';
import { describeError, errorKind, isServiceError } from '../sagemaker/errors.js';
import { plural } from '../text.js';
import { POLL, sleep as realSleep } from '../package/wait.js';
import type { Listing } from './attach.js';
import { changeSetLink, type CatalogApi } from './catalog.js';
import { productOf, versionOfPackage, versionTitled } from './product.js';
import { remedyOf } from './remedies.js';
import { initialListing, type Intent } from './result.js';

export interface ListOptions {
  /** The Catalog API client, made once for the run and shared by its listings. */
  catalog: () => Promise<CatalogApi>;
  intent: Intent;
  /** How long the change set is followed, and a locked product waited for. */
  timeoutMs: number;
  /** Whether the change set is followed once started (`wait`). */
  follow: boolean;
  log: Log;
  signal: AbortSignal;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called when the listing's change set starts, is found, or changes status. */
  onUpdate?: (listing: ListingResult) => void | Promise<void>;
}

/** How many of a product's change sets, newest first, are looked at for one of ours. */
export const CHANGE_SETS_SEARCHED = 50;
/** ErrorDetailList entries quoted, and the length of each message. */
const MAX_ERRORS = 20;
const MAX_MESSAGE = 1000;

const OPEN: readonly string[] = ['PREPARING', 'APPLYING'];
const isOpen = (status: string | undefined) => OPEN.includes(status ?? '');

/** The change the listing file describes, with the package's ARN filled in. */
export function changeFor(listing: Listing, packageArn: string) {
  const { ChangeType, Entity, DetailsDocument } = listing.change;
  const [option] = DetailsDocument.DeliveryOptions;
  const details = option!.Details.SageMakerModelPackageDeliveryOptionDetails;
  return {
    ChangeType,
    Entity,
    DetailsDocument: {
      ...DetailsDocument,
      DeliveryOptions: [
        {
          ...option,
          Details: {
            SageMakerModelPackageDeliveryOptionDetails: {
              ...details,
              SageMakerModelPackageArn: packageArn,
            },
          },
        },
      ],
    },
  };
}

/**
 * The change set's name and token for an attempt: digests of the intent and the change,
 * so the same change gets the same name in every run. The name keeps the Catalog API's
 * pattern (^[\w\s+=.:@-]+$, at most 100); the token its (^[!-~]+$, at most 64).
 */
export function changeSetNaming(
  packageName: string,
  intent: Intent,
  change: ReturnType<typeof changeFor>,
) {
  const digest = createHash('sha256')
    .update(JSON.stringify([intent, change]))
    .digest('hex');
  const base = `listing ${packageName.slice(0, 63)} ${intent.toLowerCase()} ${digest.slice(0, 12)}`;
  return {
    base,
    name: (attempt: number) => (attempt === 1 ? base : `${base} r${attempt}`),
    token: (attempt: number) => `${digest.slice(0, 48)}-${attempt}`,
  };
}

/** The package name an ARN ends with. */
const nameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

const clip = (text: string, max: number) => {
  const cut = cutTo(text, max, 'characters');
  return cut.length < text.length ? `${cut}… (cut)` : cut;
};

/** The ErrorDetailList entries of a failed change set, each with its remedy. */
export function errorsOf(answer: DescribeChangeSetResponse): ListingError[] {
  const entries = (answer.ChangeSet ?? []).flatMap((c) => c.ErrorDetailList ?? []);
  return entries.slice(0, MAX_ERRORS).map((e) => {
    const code = clip(String(e.ErrorCode ?? 'UNKNOWN'), 100);
    return {
      code,
      message: clip(String(e.ErrorMessage ?? ''), MAX_MESSAGE),
      remedy: remedyOf(code),
    };
  });
}

class ListingStopped extends Error {
  constructor(
    readonly listing: ListingResult,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Lists one package: its result with `listing` set, and failed with `listing-failed` when
 * AWS Marketplace refused the change. A package whose validation did not complete, or that
 * a step before failed (require-approval), is not listed.
 */
export async function listPackage(
  result: PackageResult,
  listing: Listing,
  options: ListOptions,
): Promise<PackageResult> {
  const { intent, log } = options;
  const start = initialListing(listing, intent);
  if (result.status !== 'Completed' || result.failureReason || !result.arn) {
    const why =
      result.status === 'Completed' || result.status === 'Failed'
        ? (result.failureReason ?? 'the package failed')
        : 'validation has not completed';
    return {
      ...result,
      listing: { ...start, note: `Nothing was submitted to AWS Marketplace: ${why}.` },
    };
  }
  const label = `${result.manifest}: AWS Marketplace listing of ${listing.change.Entity.Identifier}`;
  try {
    const listed = await new Lister(result.arn, listing, options, label).list(start);
    return { ...result, listing: listed };
  } catch (e) {
    if (e instanceof ListingStopped) {
      log.error(`${label}: ${e.message}`, { file: listing.file, title: 'AWS Marketplace listing' });
      return {
        ...result,
        status: 'Failed',
        failureReason: 'listing-failed',
        error: e.message,
        listing: e.listing,
      };
    }
    throw e;
  }
}

/** One listing's calls, with its deadline and the listing as it stands. */
class Lister {
  private readonly now: () => number;
  private readonly pause: NonNullable<ListOptions['sleep']>;
  private readonly deadline: number;
  private readonly change: ReturnType<typeof changeFor>;
  private readonly naming: ReturnType<typeof changeSetNaming>;
  private catalog!: CatalogApi;
  private listing!: ListingResult;

  constructor(
    private readonly arn: string,
    listing: Listing,
    private readonly options: ListOptions,
    private readonly label: string,
  ) {
    this.now = options.now ?? Date.now;
    this.pause = options.sleep ?? realSleep;
    this.deadline = this.now() + options.timeoutMs;
    this.change = changeFor(listing, arn);
    this.naming = changeSetNaming(nameOf(arn), options.intent, this.change);
  }

  private get call() {
    return { abortSignal: this.options.signal };
  }

  private stop(message: string, listing: Partial<ListingResult> = {}): never {
    this.listing = { ...this.listing, ...listing };
    throw new ListingStopped(this.listing, message);
  }

  private async update(next: Partial<ListingResult>): Promise<void> {
    this.listing = { ...this.listing, ...next };
    await this.options.onUpdate?.(this.listing);
  }

  async list(start: ListingResult): Promise<ListingResult> {
    this.listing = start;
    const { intent, log } = this.options;
    this.catalog = await this.options.catalog();
    const product = await this.product();
    const listed = versionOfPackage(product, this.arn);
    const ours = await this.ourChangeSets();
    if (intent === 'APPLY' && listed) {
      const done = ours.find((c) => c.ChangeSetId && c.Status === 'SUCCEEDED');
      log.info(
        `${this.label}: already version '${listed.title ?? '?'}' of the product; nothing was submitted.`,
      );
      await this.update({
        status: 'LISTED',
        ...(done ? this.changeSetFields(done.ChangeSetId!, done.ChangeSetName) : {}),
        note: `The product already lists this package as version '${listed.title ?? 'untitled'}'; nothing was submitted.`,
      });
      return this.listing;
    }
    const newest = ours[0];
    let attempt = ours.length + 1;
    let id: string | undefined;
    if (newest?.ChangeSetId && (isOpen(newest.Status) || newest.Status === 'SUCCEEDED')) {
      id = newest.ChangeSetId;
      log.info(
        `${this.label}: found change set ${id} (${newest.Status}) of an earlier run; following it.`,
      );
      await this.update(this.changeSetFields(id, newest.ChangeSetName));
    } else {
      const taken = intent === 'APPLY' && versionTitled(product, this.listing.versionTitle);
      if (taken) {
        const error = {
          code: 'DUPLICATE_VERSION_TITLE',
          message: `Another version of the product is titled '${this.listing.versionTitle}' (found before submitting).`,
          remedy: remedyOf('DUPLICATE_VERSION_TITLE'),
        };
        this.stop(
          `the version title '${this.listing.versionTitle}' is taken; nothing was submitted`,
          {
            status: 'NOT_STARTED',
            errors: [error],
          },
        );
      }
      id = await this.start(attempt);
      if (!id) return this.listing;
    }
    let retried = false;
    for (;;) {
      const answer = await this.follow(id);
      if (!answer) return this.listing;
      if (answer.Status === 'SUCCEEDED') {
        log.info(
          intent === 'APPLY'
            ? `${this.label}: version '${this.listing.versionTitle}' added.`
            : `${this.label}: the change validated; the product is unchanged.`,
        );
        return this.listing;
      }
      if (answer.Status === 'FAILED' && answer.FailureCode === 'SERVER_FAULT' && !retried) {
        retried = true;
        log.warning(
          `${this.label}: change set ${id} failed with SERVER_FAULT; starting it once more.`,
        );
        attempt = Math.max(attempt + 1, ours.length + 2);
        id = await this.start(attempt);
        if (!id) return this.listing;
        continue;
      }
      if (answer.Status === 'CANCELLED') {
        this.stop(`change set ${id} was cancelled in AWS Marketplace; nothing was listed`);
      }
      const errors = this.listing.errors;
      const codes = errors.length ? ` (${errors.map((e) => e.code).join(', ')})` : '';
      this.stop(
        `AWS Marketplace refused change set ${id}: ${answer.FailureCode ?? 'FAILED'}${codes}${answer.FailureDescription ? `: ${clip(answer.FailureDescription, MAX_MESSAGE)}` : ''}`,
      );
    }
  }

  private changeSetFields(id: string, name?: string | null): Partial<ListingResult> {
    return { changeSetId: id, changeSetName: name ?? null, link: changeSetLink(id) };
  }

  /** The product, or the run stops: it must exist and sell machine-learning models. */
  private async product() {
    const id = this.listing.product;
    const entity = await this.retrying('DescribeEntity', () =>
      this.catalog.describeEntity(id, this.call),
    );
    if (!entity) {
      this.stop(
        `AWS Marketplace has no product ${id} that this account can see; create the product in the AWS Marketplace Management Portal, and check Entity.Identifier in ${this.listing.file}`,
      );
    }
    const product = productOf(entity);
    this.listing = { ...this.listing, productTitle: product.title && clip(product.title, 200) };
    if (!product.isMachineLearning) {
      this.stop(
        `${id} is a ${product.type || 'product of another kind'}, not a machine-learning product (MachineLearningProduct@1.0); a model package is listed on a machine-learning product`,
      );
    }
    return product;
  }

  /** This change's change sets among the product's newest, newest first. */
  private async ourChangeSets() {
    const all = await this.retrying('ListChangeSets', () =>
      this.catalog.listChangeSets(this.listing.product, CHANGE_SETS_SEARCHED, this.call),
    );
    const { base } = this.naming;
    return all.filter(
      (c) => c.ChangeSetName === base || c.ChangeSetName?.startsWith(`${base} r`) === true,
    );
  }

  /**
   * Starts the change set: its ID, or undefined when a VALIDATE change set was refused (a
   * note) or the run was cancelled. Waits while the product is locked.
   */
  private async start(attempt: number): Promise<string | undefined> {
    const { intent, log } = this.options;
    const name = this.naming.name(attempt);
    let delay: number = POLL.firstDelayMs;
    for (;;) {
      try {
        const started = await this.catalog.startChangeSet(
          {
            ChangeSet: [this.change as never],
            ChangeSetName: name,
            ClientRequestToken: this.naming.token(attempt),
            Intent: intent,
          },
          this.call,
        );
        const id = started.ChangeSetId;
        if (!id) this.stop('StartChangeSet answered without a change set ID');
        log.info(`${this.label}: started change set ${id} (${intent}).`);
        await this.update({ ...this.changeSetFields(id, name), status: 'PREPARING' });
        return id;
      } catch (e) {
        if (e instanceof ListingStopped) throw e;
        if (this.options.signal.aborted) return undefined;
        const kind = (e as { name?: string }).name;
        if (kind === 'ResourceInUseException' || errorKind(e) === 'transient') {
          if (this.now() + delay > this.deadline) {
            this.stop(
              kind === 'ResourceInUseException'
                ? `the product stayed locked by another change set for ${plural(Math.round(this.options.timeoutMs / 60_000), 'minute')} (marketplace-timeout-minutes); nothing was submitted. Run the job again once that change set has ended`
                : `AWS Marketplace did not answer in time (${describeError(e)}); nothing was submitted`,
            );
          }
          log.info(
            `${this.label}: ${kind === 'ResourceInUseException' ? 'the product is locked by another change set' : `AWS Marketplace did not answer (${describeError(e)})`}; trying again in ${Math.round(delay / 1000)} s.`,
          );
          await this.pause(delay, this.options.signal);
          if (this.options.signal.aborted) return undefined;
          delay = Math.min(POLL.maxDelayMs, delay * POLL.backoff);
          continue;
        }
        if (kind === 'ValidationException' && intent === 'VALIDATE') {
          const note = `AWS Marketplace refused a VALIDATE change set for this product (${clip(describeError(e), MAX_MESSAGE)}). AWS's documents disagree on whether machine-learning products accept one; nothing is wrong with the package, and 'marketplace: apply' lists it.`;
          log.notice(`${this.label}: ${note}`);
          await this.update({ note });
          return undefined;
        }
        if (errorKind(e) === 'credentials' || kind === 'AccessDeniedException') {
          this.stop(
            `AWS Marketplace refused the call (${describeError(e)}); the role needs aws-marketplace:StartChangeSet, aws-marketplace:DescribeChangeSet, aws-marketplace:ListChangeSets and aws-marketplace:DescribeEntity (iam/policies)`,
          );
        }
        if (!isServiceError(e)) throw e;
        this.stop(`AWS Marketplace refused the change: ${clip(describeError(e), MAX_MESSAGE)}`);
      }
    }
  }

  /**
   * Follows the change set until it ends, the run stops following it (the timeout, `wait:
   * false`) or is cancelled: its last answer when it ended, else undefined.
   */
  private async follow(id: string): Promise<DescribeChangeSetResponse | undefined> {
    const { log } = this.options;
    let delay: number = POLL.firstDelayMs;
    let lastChange = this.now();
    for (;;) {
      const answer = await this.retrying('DescribeChangeSet', () =>
        this.catalog.describeChangeSet(id, this.call),
      );
      const status = (answer.Status ?? 'PREPARING') as ListingStatus;
      if (status !== this.listing.status || !isOpen(status)) {
        if (status !== this.listing.status) {
          log.info(`${this.label}: change set ${id}: ${this.listing.status} → ${status}`);
          lastChange = this.now();
        }
        await this.update({
          status,
          changeSetName: answer.ChangeSetName ?? this.listing.changeSetName,
          startedAt: answer.StartTime ?? null,
          endedAt: answer.EndTime ?? null,
          failureCode: answer.FailureCode ?? null,
          failureDescription: answer.FailureDescription
            ? clip(answer.FailureDescription, MAX_MESSAGE)
            : null,
          errors: errorsOf(answer),
        });
      }
      if (!isOpen(status)) return answer;
      if (!this.options.follow) {
        log.info(
          `${this.label}: change set ${id} is ${status}; not followed (wait: false). A later 'mode: sync' concludes its check run.`,
        );
        return undefined;
      }
      const remaining = this.deadline - this.now();
      if (remaining <= 0 || this.options.signal.aborted) {
        if (!this.options.signal.aborted) {
          log.warning(
            `${this.label}: change set ${id} is still ${status} after ${plural(Math.round(this.options.timeoutMs / 60_000), 'minute')} (marketplace-timeout-minutes); AWS Marketplace goes on with it, and a later 'mode: sync' concludes its check run.`,
          );
        }
        return undefined;
      }
      await this.pause(Math.min(remaining, delay), this.options.signal);
      delay =
        this.now() - lastChange < POLL.fastWindowMs
          ? POLL.firstDelayMs
          : Math.min(POLL.maxDelayMs, delay * POLL.backoff);
    }
  }

  /** A read, tried again while AWS Marketplace throttles or fails, until the deadline. */
  private async retrying<T>(what: string, read: () => Promise<T>): Promise<T> {
    let delay: number = POLL.firstDelayMs;
    for (;;) {
      try {
        return await read();
      } catch (e) {
        if (this.options.signal.aborted) throw e;
        if (errorKind(e) === 'transient' && this.now() + delay <= this.deadline) {
          this.options.log.info(
            `${this.label}: ${what}: ${describeError(e)}; trying again in ${Math.round(delay / 1000)} s.`,
          );
          await this.pause(delay, this.options.signal);
          delay = Math.min(POLL.maxDelayMs, delay * POLL.backoff);
          continue;
        }
        if (
          (e as { name?: string }).name === 'AccessDeniedException' ||
          errorKind(e) === 'credentials'
        ) {
          this.stop(
            `AWS Marketplace refused ${what} (${describeError(e)}); the role needs aws-marketplace:${what} (iam/policies)`,
          );
        }
        if (isServiceError(e)) this.stop(`${what} failed: ${clip(describeError(e), MAX_MESSAGE)}`);
        throw e;
      }
    }
  }
}
