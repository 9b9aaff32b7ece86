export const id = 9;
export const ids = [9];
export const modules = {

/***/ 3009:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  publishAndWait: () => (/* binding */ publishAndWait)
});

// EXTERNAL MODULE: ./src/results.ts
var src_results = __webpack_require__(9385);
// EXTERNAL MODULE: ./src/run-context.ts
var run_context = __webpack_require__(3564);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-sagemaker/dist-cjs/index.js
var dist_cjs = __webpack_require__(4459);
// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/submodules/retry/index.js
var retry = __webpack_require__(3609);
;// CONCATENATED MODULE: ./src/sagemaker/errors.ts
/**
 * What an error from SageMaker means for the action: retry later, stop at once, or a
 * specific answer (a missing resource, one that already exists).
 */

const CREDENTIAL_ERRORS = new Set([
    'CredentialsProviderError',
    'ExpiredToken',
    'ExpiredTokenException',
    'IncompleteSignature',
    'IncompleteSignatureException',
    'InvalidClientTokenId',
    'InvalidSignatureException',
    'MissingAuthenticationToken',
    'MissingAuthenticationTokenException',
    'RequestExpired',
    'SignatureDoesNotMatch',
    'TokenRefreshRequired',
    'UnrecognizedClientException',
]);
function errorKind(error) {
    const e = (error ?? {});
    const name = e.name ?? '';
    if (CREDENTIAL_ERRORS.has(name))
        return 'credentials';
    const sdkError = error;
    if ((0,retry.isThrottlingError)(sdkError) || (0,retry.isTransientError)(sdkError) || (0,retry.isServerError)(sdkError)) {
        return 'transient';
    }
    if (name === 'TimeoutError' || name === 'NetworkingError')
        return 'transient';
    const message = e.message ?? '';
    if (name === 'ResourceNotFound' || /does not exist|not found|cannot find/i.test(message)) {
        return 'not-found';
    }
    if (/already exists?/i.test(message) || name === 'ConflictException')
        return 'exists';
    return 'other';
}
function describeError(error) {
    const e = (error ?? {});
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    return `${name}${e.message ?? String(error)}`;
}
const CREDENTIALS_REMEDY = 'If the session expired during a long validation, give the role a longer session ' +
    "(role-duration-seconds of aws-actions/configure-aws-credentials) or use the asynchronous mode: 'wait: false' now, " +
    'and a later run on the same manifest reports the package as it is then.';
class CredentialsError extends Error {
    constructor(cause) {
        super(`AWS did not accept the credentials (${describeError(cause)}). ${CREDENTIALS_REMEDY}`);
        this.name = 'CredentialsError';
    }
}

;// CONCATENATED MODULE: ./src/sagemaker/client.ts
/**
 * The SageMaker client: the AWS SDK with its standard credential chain, retry strategy
 * and endpoint configuration (AWS_ENDPOINT_URL_SAGEMAKER is honoured by the SDK).
 * Loaded only when the action talks to AWS; a dry run never imports it.
 */


async function unlessMissing(call) {
    try {
        return await call;
    }
    catch (e) {
        if (errorKind(e) === 'not-found')
            return undefined;
        throw e;
    }
}
function createSageMakerApi(region, userAgent = 'sagemaker-model-package-action') {
    const client = new dist_cjs/* SageMakerClient */.kHU({ region, customUserAgent: userAgent });
    return {
        region,
        async createModelPackage(input, options) {
            const output = await client.send(new dist_cjs/* CreateModelPackageCommand */.N$s(input), options);
            return output.ModelPackageArn;
        },
        async createModelPackageGroup(input, options) {
            await client.send(new dist_cjs/* CreateModelPackageGroupCommand */.EWw(input), options);
        },
        describeModelPackageGroup(name, options) {
            return unlessMissing(client.send(new dist_cjs/* DescribeModelPackageGroupCommand */.ruq({ ModelPackageGroupName: name }), options));
        },
        describeModelPackage(nameOrArn, options) {
            return unlessMissing(client.send(new dist_cjs/* DescribeModelPackageCommand */.Uxr({ ModelPackageName: nameOrArn }), options));
        },
        batchDescribeModelPackage(arns, options) {
            return client.send(new dist_cjs/* BatchDescribeModelPackageCommand */.Aio({ ModelPackageArnList: arns }), options);
        },
        listModelPackages(input, options) {
            return client.send(new dist_cjs/* ListModelPackagesCommand */.MTG(input), options);
        },
        async updateModelPackage(input, options) {
            await client.send(new dist_cjs/* UpdateModelPackageCommand */.CCy(input), options);
        },
        async listTags(arn, options) {
            const tags = [];
            let NextToken;
            do {
                const page = await client.send(new dist_cjs/* ListTagsCommand */.bvr({ ResourceArn: arn, NextToken }), options);
                tags.push(...(page.Tags ?? []));
                NextToken = page.NextToken;
            } while (NextToken);
            return tags;
        },
        destroy() {
            client.destroy();
        },
    };
}

;// CONCATENATED MODULE: ./src/package/outcome.ts
function packageStatus(modelPackageStatus) {
    switch (modelPackageStatus) {
        case 'Completed':
            return 'Completed';
        case 'Failed':
        case 'Deleting':
            return 'Failed';
        default:
            return 'InProgress';
    }
}
function items(statuses) {
    return (statuses ?? []).map((s) => ({
        name: s.Name ?? '',
        status: s.Status ?? 'Unknown',
        failureReason: s.FailureReason ?? null,
    }));
}
/** Why a failed package failed: its image scan, when only the scan failed. */
function failureReasonOf(validation, imageScans) {
    const scanFailed = imageScans.some((s) => s.status === 'Failed');
    const validationFailed = validation.some((s) => s.status === 'Failed');
    return scanFailed && !validationFailed ? 'image-scan-failed' : 'validation-failed';
}
/** The result fields that come from SageMaker's description of the package. */
function applyDescription(result, description) {
    result.arn = description.ModelPackageArn ?? result.arn;
    result.version = description.ModelPackageVersion ?? result.version;
    result.status = packageStatus(description.ModelPackageStatus);
    result.validation = items(description.ModelPackageStatusDetails?.ValidationStatuses);
    result.imageScans = items(description.ModelPackageStatusDetails?.ImageScanStatuses);
    result.failureReason =
        result.status === 'Failed' ? failureReasonOf(result.validation, result.imageScans) : null;
    result.createdAt = description.CreationTime?.toISOString() ?? result.createdAt;
}

// EXTERNAL MODULE: ./src/provenance.ts
var provenance = __webpack_require__(3628);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/package/fingerprint.ts
/**
 * A package's identity (SPEC §4): a fingerprint of the resolved request, without the
 * provenance the action adds. It is recorded on the package, so that a re-run on an
 * unchanged manifest finds the package it made instead of minting a new one.
 */

/** The customer metadata property (versions) or tag (unversioned packages) that holds it. */
const FINGERPRINT_KEY = 'sagemaker-model-package-action:fingerprint';
/** JSON with the keys of every mapping sorted, so equal requests give equal text. */
function canonicalJson(value) {
    if (Array.isArray(value))
        return `[${value.map(canonicalJson).join(',')}]`;
    if (value !== null && typeof value === 'object') {
        const entries = Object.entries(value)
            .filter(([, v]) => v !== undefined)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
    }
    return JSON.stringify(value);
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
function fingerprint(request) {
    return `sha256:${sha256(canonicalJson(request))}`;
}
/**
 * The ClientToken of a creation: the same for the same package in the same run attempt,
 * so a retried request cannot create a second package.
 */
function clientToken(packageFingerprint, runKey) {
    return sha256(`${packageFingerprint}\n${runKey}`).slice(0, 32);
}

;// CONCATENATED MODULE: ./src/package/publish.ts



/** A package could not be created; the message says why and what to do. */
class PublishError extends Error {
    constructor(message) {
        super(message);
        this.name = 'PublishError';
    }
}
/** How many of a group's newest versions are searched for an identical one. */
const VERSIONS_SEARCHED = 20;
async function publishPackage(request, options) {
    try {
        return request.ModelPackageGroupName
            ? await publishVersion(request, request.ModelPackageGroupName, options)
            : await publishUnversioned(request, request.ModelPackageName, options);
    }
    catch (e) {
        if (e instanceof PublishError || options.signal?.aborted)
            throw e;
        if (errorKind(e) === 'credentials')
            throw new CredentialsError(e);
        throw new PublishError(describeError(e));
    }
}
function runKey(run) {
    return `${run.repository ?? ''}/${run.runId ?? 'local'}/${run.runAttempt ?? '1'}`;
}
async function publishVersion(request, group, { api, run, createGroup, log, signal }) {
    const print = fingerprint(request);
    const found = await api.describeModelPackageGroup(group, { abortSignal: signal });
    if (!found) {
        if (!createGroup) {
            throw new PublishError(`model package group '${group}' does not exist in ${api.region}; create it, or set 'create-group: true'`);
        }
        try {
            await api.createModelPackageGroup({ ModelPackageGroupName: group }, { abortSignal: signal });
            log.info(`Created model package group ${group}.`);
        }
        catch (e) {
            // Another run may have created it in the meantime.
            if (errorKind(e) !== 'exists')
                throw e;
        }
    }
    else {
        const existing = await findVersion(api, group, print, signal);
        if (existing) {
            log.info(`${group}: version ${existing.ModelPackageVersion} has the same definition; reusing ${existing.ModelPackageArn}.`);
            return { arn: existing.ModelPackageArn, name: null, group, reused: true, existing };
        }
    }
    const input = {
        ...(0,provenance/* withProvenance */.w)(request, run),
        CustomerMetadataProperties: { ...request.CustomerMetadataProperties, [FINGERPRINT_KEY]: print },
        ClientToken: clientToken(print, runKey(run)),
    };
    const arn = await api.createModelPackage(input, { abortSignal: signal });
    log.info(`Created ${arn}.`);
    return { arn, name: null, group, reused: false };
}
async function findVersion(api, group, print, signal) {
    const { ModelPackageSummaryList: versions = [] } = await api.listModelPackages({
        ModelPackageGroupName: group,
        ModelPackageType: 'Versioned',
        SortBy: 'CreationTime',
        SortOrder: 'Descending',
        MaxResults: VERSIONS_SEARCHED,
    }, { abortSignal: signal });
    for (const version of versions) {
        const described = await api.describeModelPackage(version.ModelPackageArn, {
            abortSignal: signal,
        });
        if (described?.CustomerMetadataProperties?.[FINGERPRINT_KEY] === print)
            return described;
    }
    return undefined;
}
async function publishUnversioned(request, name, { api, run, log, signal }) {
    const print = fingerprint(request);
    const reuse = async () => {
        const existing = await api.describeModelPackage(name, { abortSignal: signal });
        if (!existing)
            return undefined;
        const tags = await api.listTags(existing.ModelPackageArn, { abortSignal: signal });
        if (tags.some((t) => t.Key === FINGERPRINT_KEY && t.Value === print)) {
            log.info(`${name} exists with the same definition; reusing ${existing.ModelPackageArn}.`);
            return { arn: existing.ModelPackageArn, name, group: null, reused: true, existing };
        }
        throw new PublishError(`model package '${name}' already exists in ${api.region} with a different definition. ` +
            'Model packages are immutable and their names unique: give the changed package a new ' +
            'ModelPackageName, or publish versions with ModelPackageGroupName instead.');
    };
    const existing = await reuse();
    if (existing)
        return existing;
    const input = {
        ...(0,provenance/* withProvenance */.w)(request, run),
        Tags: [...(request.Tags ?? []), { Key: FINGERPRINT_KEY, Value: print }],
        ClientToken: clientToken(print, runKey(run)),
    };
    try {
        const arn = await api.createModelPackage(input, { abortSignal: signal });
        log.info(`Created ${arn}.`);
        return { arn, name, group: null, reused: false };
    }
    catch (e) {
        // Another run may have created it since we looked.
        if (errorKind(e) === 'exists') {
            const raced = await reuse();
            if (raced)
                return raced;
        }
        throw e;
    }
}

;// CONCATENATED MODULE: ./src/package/wait.ts

const POLL = {
    firstDelayMs: 5_000,
    /** How long after a change the first interval is kept. */
    fastWindowMs: 60_000,
    maxDelayMs: 30_000,
    backoff: 1.5,
    jitter: 0.2,
    transientLimitMs: 5 * 60_000,
    batchSize: 100,
};
const TERMINAL = new Set(['Completed', 'Failed', 'Deleting']);
function isTerminal(status) {
    return status !== undefined && TERMINAL.has(status);
}
function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
    });
}
/** A versioned package's ARN: .../model-package/<group>/<version>. */
function isVersionArn(arn) {
    return /:model-package\/[^/]+\/\d+$/.test(arn);
}
function formatDuration(ms) {
    const seconds = Math.round(ms / 1000);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    return h
        ? `${h}h${String(m).padStart(2, '0')}m`
        : m
            ? `${m}m${String(s).padStart(2, '0')}s`
            : `${s}s`;
}
async function waitForPackages(initial, options) {
    const { api, log, signal } = options;
    const now = options.now ?? Date.now;
    const pause = options.sleep ?? sleep;
    const random = options.random ?? Math.random;
    const label = options.label ?? ((arn) => arn);
    const start = now();
    const descriptions = new Map(initial.map((d) => [d.ModelPackageArn, d]));
    let delay = POLL.firstDelayMs;
    let lastChange = start;
    let failingSince;
    const stamp = () => `[${new Date(now()).toISOString()}] (${formatDuration(now() - start)})`;
    for (;;) {
        const pending = [...descriptions.values()].filter((d) => !isTerminal(d.ModelPackageStatus));
        if (pending.length === 0)
            return { end: 'done', descriptions };
        if (signal?.aborted)
            return { end: 'cancelled', descriptions };
        const remaining = options.timeoutMs - (now() - start);
        if (remaining <= 0)
            return { end: 'timed-out', descriptions };
        const wait = Math.min(remaining, delay * (1 - POLL.jitter * random()));
        await pause(wait, signal);
        if (signal?.aborted)
            return { end: 'cancelled', descriptions };
        try {
            const current = await currentStatuses(api, pending, signal);
            const changed = pending.filter((d) => current.get(d.ModelPackageArn)?.status !== d.ModelPackageStatus);
            for (const before of changed) {
                const after = current.get(before.ModelPackageArn)?.description ??
                    (await api.describeModelPackage(before.ModelPackageArn, { abortSignal: signal }));
                if (!after) {
                    throw new Error(`${label(before.ModelPackageArn)} no longer exists`);
                }
                descriptions.set(before.ModelPackageArn, after);
                log.info(`${stamp()} ${label(before.ModelPackageArn)}: ${before.ModelPackageStatus} → ${after.ModelPackageStatus}`);
                await options.onChange?.(after);
            }
            if (failingSince !== undefined)
                log.info(`${stamp()} SageMaker answers again.`);
            failingSince = undefined;
            if (changed.length > 0)
                lastChange = now();
            delay = backOff(delay, now() - lastChange);
        }
        catch (e) {
            if (signal?.aborted)
                return { end: 'cancelled', descriptions };
            const kind = errorKind(e);
            if (kind === 'credentials')
                throw new CredentialsError(e);
            if (kind !== 'transient')
                throw e;
            failingSince ??= now();
            const failingFor = now() - failingSince;
            if (failingFor >= POLL.transientLimitMs) {
                throw new Error(`SageMaker could not be reached for ${formatDuration(failingFor)} in a row (${describeError(e)}); the packages keep validating`);
            }
            log.warning(`${stamp()} SageMaker did not answer (${describeError(e)}); trying again.`);
            delay = backOff(delay, now() - lastChange);
        }
    }
}
function backOff(delay, sinceChange) {
    if (sinceChange < POLL.fastWindowMs)
        return POLL.firstDelayMs;
    return Math.min(POLL.maxDelayMs, delay * POLL.backoff);
}
/** The ModelPackageStatus of each pending package, in as few requests as possible. */
async function currentStatuses(api, pending, signal) {
    const current = new Map();
    const versions = pending.map((d) => d.ModelPackageArn).filter(isVersionArn);
    for (let i = 0; i < versions.length; i += POLL.batchSize) {
        const batch = versions.slice(i, i + POLL.batchSize);
        const output = await api.batchDescribeModelPackage(batch, { abortSignal: signal });
        for (const arn of batch) {
            current.set(arn, { status: output.ModelPackageSummaries?.[arn]?.ModelPackageStatus });
        }
    }
    const others = pending.filter((d) => !isVersionArn(d.ModelPackageArn));
    await Promise.all(others.map(async (d) => {
        const description = await api.describeModelPackage(d.ModelPackageArn, {
            abortSignal: signal,
        });
        current.set(d.ModelPackageArn, { status: description?.ModelPackageStatus, description });
    }));
    return current;
}

;// CONCATENATED MODULE: ./src/package/run-packages.ts







async function publishAndWait(input) {
    const { settings, log, signal } = input;
    const api = input.api ?? createSageMakerApi(input.region);
    const results = input.manifests.map((m) => {
        const result = (0,src_results/* emptyResult */.$)(m.file, 'InProgress');
        result.name = m.request.ModelPackageName ?? null;
        result.group = m.request.ModelPackageGroupName ?? null;
        result.region = input.region;
        return result;
    });
    const labels = new Map();
    const byArn = new Map();
    const problems = [];
    try {
        const published = await Promise.all(input.manifests.map(async (m, i) => {
            const result = results[i];
            try {
                const p = await publishPackage(m.request, {
                    api,
                    run: input.run,
                    createGroup: settings.createGroup,
                    log,
                    signal,
                });
                result.arn = p.arn;
                result.reused = p.reused;
                labels.set(p.arn, result.name ?? `${result.group} (${m.file})`);
                byArn.set(p.arn, result);
                return p;
            }
            catch (e) {
                if (signal.aborted)
                    throw e;
                result.status = 'Failed';
                result.failureReason = 'create-failed';
                result.error = e instanceof Error ? e.message : String(e);
                log.error(`${m.file}: the package was not created: ${result.error}`, m.file);
                return undefined;
            }
        }));
        if (signal.aborted)
            return cancelled(results);
        const descriptions = await describeAll(api, published, signal);
        for (const d of descriptions)
            applyDescription(byArn.get(d.ModelPackageArn), d);
        if (settings.wait && descriptions.length > 0) {
            const waited = await waitForPackages(descriptions, {
                api,
                log,
                signal,
                timeoutMs: settings.waitTimeoutMinutes * 60_000,
                now: input.now,
                sleep: input.sleep,
                label: (arn) => labels.get(arn) ?? arn,
                onChange: (d) => applyDescription(byArn.get(d.ModelPackageArn), d),
            });
            if (waited.end === 'cancelled')
                return cancelled(results);
            if (waited.end === 'timed-out') {
                for (const r of results.filter((r) => r.status === 'InProgress')) {
                    r.failureReason = 'timed-out';
                    r.error = `still validating after ${settings.waitTimeoutMinutes} minutes; SageMaker keeps validating`;
                    log.warning(`${labels.get(r.arn)}: ${r.error}.`);
                }
            }
        }
        reportFailures(results, log);
        if (settings.approveOnSuccess)
            await approve(api, results, input.run, log, signal, problems);
    }
    catch (e) {
        if (signal.aborted)
            return cancelled(results);
        const message = e instanceof CredentialsError
            ? e.message
            : errorKind(e) === 'credentials'
                ? new CredentialsError(e).message
                : `the wait ended: ${describeError(e)}`;
        for (const r of results.filter((r) => r.status === 'InProgress')) {
            r.failureReason = 'timed-out';
            r.error = message;
        }
        return { results, failedMessage: message };
    }
    finally {
        api.destroy();
    }
    return { results, failedMessage: failure(results, settings, problems) };
}
async function describeAll(api, published, signal) {
    const found = await Promise.all(published.map(async (p) => {
        if (!p)
            return undefined;
        if (p.existing)
            return p.existing;
        const d = await api.describeModelPackage(p.arn, { abortSignal: signal });
        if (!d)
            throw new Error(`${p.arn} was created but cannot be described`);
        return d;
    }));
    return found.filter((d) => d !== undefined);
}
/** Each failed validation profile and image scan, with SageMaker's reason, as an error. */
function reportFailures(results, log) {
    for (const result of results.filter((r) => r.status === 'Failed' && r.arn)) {
        const failed = [
            ...result.validation.map((item) => ({ kind: 'validation profile', item })),
            ...result.imageScans.map((item) => ({ kind: 'image scan', item })),
        ].filter(({ item }) => item.status === 'Failed');
        if (failed.length === 0) {
            log.error(`${result.manifest}: ${result.arn} failed validation`, result.manifest);
        }
        for (const { kind, item } of failed) {
            log.error(`${result.manifest}: ${kind} ${item.name} failed: ${item.failureReason ?? 'no reason given'}`, result.manifest);
        }
    }
}
async function approve(api, results, run, log, signal, problems) {
    const approvable = results.filter((r) => r.group && r.status === 'Completed' && r.arn);
    for (const result of approvable) {
        try {
            await api.updateModelPackage({
                ModelPackageArn: result.arn,
                ModelApprovalStatus: 'Approved',
                ApprovalDescription: `Validation completed; approved by ${(0,run_context/* runUrl */.Vp)(run) ?? 'sagemaker-model-package-action'}`,
            }, { abortSignal: signal });
            log.info(`${result.group} version ${result.version}: approved.`);
        }
        catch (e) {
            const message = `${result.manifest}: could not approve ${result.arn}: ${describeError(e)}`;
            log.error(message, result.manifest);
            problems.push(message);
        }
    }
}
function cancelled(results) {
    for (const r of results.filter((r) => r.status === 'InProgress')) {
        r.failureReason = 'cancelled';
        r.error = 'the run was cancelled; SageMaker keeps validating';
    }
    return {
        results,
        failedMessage: 'The run was cancelled; SageMaker keeps validating the packages.',
    };
}
/** Why the step fails, or undefined when it succeeds. */
function failure(results, settings, problems) {
    const count = (reason) => results.filter((r) => r.failureReason === reason).length;
    const reasons = [];
    if (count('create-failed'))
        reasons.push(`${count('create-failed')} not created`);
    if (settings.failOnValidationFailure) {
        const failed = count('validation-failed') + count('image-scan-failed');
        if (failed)
            reasons.push(`${failed} failed validation`);
        if (count('timed-out'))
            reasons.push(`${count('timed-out')} still validating at the timeout`);
    }
    if (problems.length)
        reasons.push(`${problems.length} not approved`);
    if (reasons.length === 0)
        return undefined;
    return `Model packages: ${reasons.join(', ')} (of ${results.length}).`;
}


/***/ })

};
