/**
 * The room a manifest must leave for the action's own entries is what the action adds.
 * At the boundary, the manifest the check accepts is created (by the SageMaker emulator,
 * which holds the API's limit of 50 tags and 50 customer metadata properties), with the
 * action's entries added; one entry more is refused by the check, as SageMaker refuses
 * the request it would make.
 */
import { DEFAULT_COMPARE_TO } from '../src/plan/live.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ACTION_ENTRIES,
  ACTION_ENTRIES_DESCRIPTION,
  ACTION_KEY_PREFIX,
  actionEntries,
  actionTags,
  FINGERPRINT_KEY,
  MANIFEST_KEY,
  REPORT_KEY,
} from '../src/action-entries.js';
import type { ModelPackageManifest } from '../src/manifest/schema.js';
import { createOrReuse, CreateError } from '../src/package/create-or-reuse.js';
import { fingerprint } from '../src/package/fingerprint.js';
import { silentLog } from '../src/runner/port.js';
import type { SageMakerApi } from '../src/sagemaker/api.js';
import { createSageMakerApi } from '../src/sagemaker/client.js';
import { check, errors, MARKETPLACE, VERSIONED } from './harness/manifests.js';
import { RUN_ENV, runContext } from './harness/run-context.js';
import { startSageMakerEmulator, type SageMakerEmulator } from './harness/sagemaker-emulator.js';

const saved = { ...process.env };
let emulator: SageMakerEmulator;
let api: SageMakerApi;

beforeAll(async () => {
  emulator = await startSageMakerEmulator();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: emulator.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  });
  api = createSageMakerApi('us-east-1');
});

afterAll(async () => {
  api.destroy();
  await emulator.close();
  process.env = saved;
});

const create = (request: ModelPackageManifest) =>
  createOrReuse(request, {
    api,
    workflow: runContext(),
    createGroup: true,
    compareTo: DEFAULT_COMPARE_TO,
    manifestKey: 'manifest-key',
    log: silentLog,
  });

/** Where the action adds its entries, and a manifest with `n` entries of its own there. */
const KINDS = [
  {
    kind: 'Tags of an unversioned package',
    member: 'Tags',
    manifest: (n: number, name = 'churn-predictor') =>
      MARKETPLACE.replace('churn-predictor', name).replace(
        '  - {Key: team, Value: ml}\n',
        Array.from({ length: n }, (_, i) => `  - {Key: tag${i}, Value: v}\n`).join(''),
      ),
    oneMore: (request: ModelPackageManifest): ModelPackageManifest => ({
      ...request,
      Tags: [...(request.Tags ?? []), { Key: 'one-more', Value: 'v' }],
    }),
    entries: async (arn: string) =>
      Object.fromEntries((await api.listTags(arn)).map((t) => [t.Key!, t.Value!])),
  },
  {
    kind: 'CustomerMetadataProperties of a version',
    member: 'CustomerMetadataProperties',
    manifest: (n: number, group = 'fraud-detector') =>
      `${VERSIONED.replace('fraud-detector', group)}CustomerMetadataProperties:\n${Array.from(
        { length: n },
        (_, i) => `  key${i}: v\n`,
      ).join('')}`,
    oneMore: (request: ModelPackageManifest): ModelPackageManifest => ({
      ...request,
      CustomerMetadataProperties: { ...request.CustomerMetadataProperties, 'one-more': 'v' },
    }),
    entries: async (arn: string) =>
      (await api.describeModelPackage(arn))?.CustomerMetadataProperties ?? {},
  },
] as const;

/** What a manifest may have: SageMaker's 50, less the action's own. */
const ROOM = 50 - ACTION_ENTRIES;

describe.each(KINDS)('$kind', ({ member, manifest, oneMore, entries }) => {
  it(`takes ${ROOM} entries of the manifest: created with the action’s, 50 in all`, async () => {
    const checked = check(manifest(ROOM));
    expect(checked.problems).toEqual([]);
    const { arn, reused } = await create(checked.request!);
    expect(reused).toBe(false);
    const found = await entries(arn);
    expect(Object.keys(found)).toHaveLength(50);
    const own = Object.keys(found).filter((key) => key.startsWith(ACTION_KEY_PREFIX));
    expect(own).toHaveLength(ACTION_ENTRIES);
    expect(found[FINGERPRINT_KEY]).toBe(fingerprint(checked.request!));
    // The run is a push: its check runs are on its own commit.
    expect(found[REPORT_KEY]).toBe(`octo-org/models@${RUN_ENV.GITHUB_SHA}`);
  });

  it(`refuses ${ROOM + 1}, which SageMaker would refuse with the action’s entries`, async () => {
    const over = errors(check(manifest(ROOM + 1)).problems);
    expect(over).toEqual([expect.objectContaining({ member })]);
    expect(over[0]!.message).toContain(
      `the action adds ${ACTION_ENTRIES} ${ACTION_ENTRIES === 1 ? 'entry' : 'entries'} of its own (${ACTION_ENTRIES_DESCRIPTION}): a manifest may have at most ${ROOM} entries here; remove 1`,
    );
    // The same request past the check, under another name: SageMaker's limit refuses it.
    const request = oneMore(check(manifest(ROOM, 'over-the-limit')).request!);
    const refused = await create(request).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(CreateError);
    expect((refused as Error).message).toMatch(
      new RegExp(
        `at '${member}' failed to satisfy constraint: Member must have size less than or equal to 50$`,
        'i',
      ),
    );
  });
});

describe("the action's entries", () => {
  it('are the same as tags and as customer metadata properties, each under the prefix', () => {
    const source = {
      fingerprint: 'sha256:abc',
      manifest: 'manifest-key',
      report: `octo-org/models@${RUN_ENV.GITHUB_SHA}`,
    };
    const properties = actionEntries(source);
    expect(Object.keys(properties)).toHaveLength(ACTION_ENTRIES);
    expect(actionTags(source)).toEqual(
      Object.entries(properties).map(([Key, Value]) => ({ Key, Value })),
    );
    for (const key of Object.keys(properties)) expect(key.startsWith(ACTION_KEY_PREFIX)).toBe(true);
    expect(properties[FINGERPRINT_KEY]).toBe('sha256:abc');
  });

  it('leave out where the package is reported when the run names no commit, in the same room', () => {
    const source = { fingerprint: 'sha256:abc', manifest: 'manifest-key' };
    expect(Object.keys(actionEntries(source))).toEqual([FINGERPRINT_KEY, MANIFEST_KEY]);
    expect(actionEntries({ ...source, report: 'octo-org/models@' + 'a'.repeat(40) })).toEqual({
      [FINGERPRINT_KEY]: 'sha256:abc',
      [MANIFEST_KEY]: 'manifest-key',
      [REPORT_KEY]: 'octo-org/models@' + 'a'.repeat(40),
    });
    expect(ACTION_ENTRIES).toBe(3);
  });
});
