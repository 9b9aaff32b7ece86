/**
 * The set-up the integration tests share. `integration()`, called at the top of a test
 * file, registers its hooks and gives the file:
 * - a temporary workspace (removed after the file) with the manifests and files it names;
 * - the emulators a test starts with `start()`: the SageMaker emulator (with its S3, ECR,
 *   CloudWatch Logs and STS), the GitHub API emulator and the AWS Marketplace Catalog API
 *   emulator, closed after each test;
 * - moto_server or an endpoint that only counts requests, for the whole file;
 * - `run()`: the built action (dist/index.js) as the runner starts it, with an environment
 *   that points every AWS client and the GitHub API at what is running, and static AWS
 *   keys unless the run says otherwise;
 * - or, for tests that call the code in this process, that environment in process.env for
 *   the file.
 * `heldValidation()` puts the SageMaker emulator's validation on a clock the test moves,
 * for tests that look at what a run saw while it waited.
 */
import { afterAll, afterEach, beforeAll, jest } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, runAction, type ActionRun, type RunOptions } from './dist-action.js';
import {
  startGitHubEmulator,
  type GitHubEmulator,
  type GitHubEmulatorOptions,
} from './github-emulator.js';
import { MARKETPLACE, VALIDATION, VERSIONED, writeManifest } from './manifests.js';
import {
  startMarketplaceEmulator,
  type MarketplaceEmulator,
  type MarketplaceEmulatorOptions,
} from './marketplace-emulator.js';
import { startMoto, type Moto } from './moto.js';
import { startRequestCounter, type RequestCounter } from './request-counter.js';
import {
  startSageMakerEmulator,
  type EmulatorOptions,
  type SageMakerEmulator,
} from './sagemaker-emulator.js';
import { seedWorkspace } from './storage-emulator.js';

/** The static keys runs get by default: examples from AWS's documentation, never shown. */
export const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN',
} as const;

/**
 * Every client the action builds (SageMaker; S3 and ECR for preflight; CloudWatch Logs for
 * the diagnosis; STS for role-to-assume) sent to `url`, by the variables the SDK reads.
 */
export function awsEndpointEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SAGEMAKER: url,
    AWS_ENDPOINT_URL_S3: url,
    AWS_ENDPOINT_URL_ECR: url,
    AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: url,
    AWS_ENDPOINT_URL_STS: url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export type Files = Record<string, string | Uint8Array>;

export interface IntegrationSetup {
  /** Manifests written before the tests: directory → text, as `<directory>/model-package.yml`. */
  manifests?: Record<string, string>;
  /** Other files written before the tests: path in the workspace → content. */
  files?: Files;
  /** Folders of the repository copied into the workspace, e.g. `examples`. */
  copy?: string[];
  /** The SageMaker emulator's options for `start()`, under each test's own. */
  sagemaker?: EmulatorOptions;
  /** The GitHub API emulator's options for `start()`, under each test's own. */
  github?: GitHubEmulatorOptions;
  /** The AWS Marketplace Catalog API emulator's options for `start()`, under each test's own. */
  marketplace?: MarketplaceEmulatorOptions;
  /** AWS for the whole file instead of the SageMaker emulator: moto_server, or a request counter. */
  aws?: 'moto' | 'counter';
  /**
   * Whether runs first seed the SageMaker emulator's S3 and ECR with everything the
   * workspace's manifests name, so that preflight finds it (default true).
   */
  seed?: boolean;
  /** The static AWS keys of every run that names none: CREDENTIALS by default, false for none. */
  credentials?: false | Record<string, string>;
  /** Inputs of every run, under the run's own. */
  inputs?: Record<string, string>;
  /** The event of every run that names none (default: push). */
  event?: RunOptions['event'];
  /**
   * For tests that call the code in this process: the AWS environment of `aws` (endpoints,
   * and CREDENTIALS unless `credentials` is false) in process.env, without any other AWS_
   * variable, from before the first test to after the last.
   */
  inProcess?: { credentials?: boolean };
}

export interface IntegrationRun extends Partial<RunOptions> {
  /** Static AWS keys in the environment when AWS is running: the setup's by default. */
  credentials?: false | Record<string, string>;
}

/** A run under way: a promise of its end that can also wait for its output. */
export interface RunningAction extends Promise<ActionRun> {
  /** Resolves once the standard output so far matches `pattern`; rejects if the run ends first. */
  until(pattern: RegExp): Promise<void>;
}

export interface Integration {
  /** The workspace's absolute path. */
  readonly workspace: string;
  /** Writes `<directory>/model-package.yml`; returns its path in the workspace. */
  manifest(directory: string, text: string): string;
  /** Writes `files` into `folder` of the workspace ('' for its root); returns the folder's absolute path. */
  files(folder: string, files: Files): string;
  /** Starts the emulators of the setup or of `options` (false: not this one) for this test. */
  start(options?: {
    sagemaker?: EmulatorOptions | false;
    github?: GitHubEmulatorOptions | false;
    marketplace?: MarketplaceEmulatorOptions | false;
  }): Promise<{
    sagemaker: SageMakerEmulator;
    github: GitHubEmulator;
    marketplace: MarketplaceEmulator;
  }>;
  /** This test's emulators; an error when the test has not started them. */
  readonly sagemaker: SageMakerEmulator;
  readonly github: GitHubEmulator;
  readonly marketplace: MarketplaceEmulator;
  /** The file's moto_server or request counter (`aws`). */
  readonly moto: Moto;
  readonly counter: RequestCounter;
  /** Runs the built action in the workspace. */
  run(options?: IntegrationRun): RunningAction;
}

function writeFiles(folder: string, files: Files): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    writeFileSync(path.join(folder, file), content);
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`integration: ${what} is not running`);
  return value;
}

/** Setups laid over each other: their manifests, files, inputs and emulator options merged. */
function merge(setups: IntegrationSetup[]): IntegrationSetup {
  const merged: IntegrationSetup = {};
  for (const setup of setups) {
    Object.assign(merged, setup, {
      manifests: { ...merged.manifests, ...setup.manifests },
      files: { ...merged.files, ...setup.files },
      copy: [...(merged.copy ?? []), ...(setup.copy ?? [])],
      inputs: { ...merged.inputs, ...setup.inputs },
    });
    if (setup.sagemaker) merged.sagemaker = { ...merged.sagemaker, ...setup.sagemaker };
    if (setup.github) merged.github = { ...merged.github, ...setup.github };
    if (setup.marketplace) merged.marketplace = { ...merged.marketplace, ...setup.marketplace };
  }
  return merged;
}

/**
 * The hooks and helpers of an integration test file; call it once, at the top of the file.
 * Several setups are laid over each other, e.g. `integration(TWO_PACKAGES, { … })`.
 */
export function integration(...setups: IntegrationSetup[]): Integration {
  const setup = merge(setups);
  // A test runs the built action, often more than once, and waits on its polls: on a
  // loaded machine that takes more than jest's 30 s.
  jest.setTimeout(90_000);
  const workspace = mkdtempSync(path.join(tmpdir(), 'smp-integration-'));
  let sagemaker: SageMakerEmulator | undefined;
  let github: GitHubEmulator | undefined;
  let marketplace: MarketplaceEmulator | undefined;
  let moto: Moto | undefined;
  let counter: RequestCounter | undefined;
  const saved = { ...process.env };

  const awsUrl = () => sagemaker?.url ?? moto?.url ?? counter?.url;

  beforeAll(async () => {
    for (const folder of setup.copy ?? []) {
      cpSync(path.join(ROOT, folder), path.join(workspace, folder), { recursive: true });
    }
    for (const [directory, text] of Object.entries(setup.manifests ?? {})) {
      writeManifest(workspace, directory, text);
    }
    writeFiles(workspace, setup.files ?? {});
    if (setup.aws === 'moto') moto = await startMoto();
    if (setup.aws === 'counter') counter = await startRequestCounter();
    if (setup.inProcess) {
      for (const name of Object.keys(process.env)) {
        if (name.startsWith('AWS_')) delete process.env[name];
      }
      Object.assign(
        process.env,
        awsEndpointEnv(required(awsUrl(), 'aws')),
        setup.inProcess.credentials === false ? {} : CREDENTIALS,
      );
    }
  }, 60_000);

  afterEach(async () => {
    await sagemaker?.close();
    await github?.close();
    await marketplace?.close();
    sagemaker = github = marketplace = undefined;
  });

  afterAll(async () => {
    if (setup.inProcess) process.env = { ...saved };
    await moto?.stop();
    await counter?.close();
    rmSync(workspace, { recursive: true, force: true });
  });

  function env(options: IntegrationRun = {}): Record<string, string> {
    const url = awsUrl();
    const credentials = options.credentials ?? setup.credentials ?? CREDENTIALS;
    return {
      ...(url ? awsEndpointEnv(url) : {}),
      ...(url && credentials ? credentials : {}),
      ...(github ? { GITHUB_API_URL: github.url } : {}),
      ...(marketplace ? { AWS_ENDPOINT_URL_MARKETPLACE_CATALOG: marketplace.url } : {}),
      ...options.env,
    };
  }

  return {
    workspace,
    manifest: (directory, text) => writeManifest(workspace, directory, text),
    files(folder, files) {
      const absolute = path.join(workspace, folder);
      writeFiles(absolute, files);
      return absolute;
    },
    async start(options = {}) {
      if (options.sagemaker !== false && (options.sagemaker || setup.sagemaker)) {
        sagemaker = await startSageMakerEmulator({ ...setup.sagemaker, ...options.sagemaker });
      }
      if (options.github !== false && (options.github || setup.github)) {
        github = await startGitHubEmulator({ ...setup.github, ...options.github });
      }
      if (options.marketplace !== false && (options.marketplace || setup.marketplace)) {
        marketplace = await startMarketplaceEmulator({
          ...setup.marketplace,
          ...options.marketplace,
        });
      }
      // Only what the test started is defined: the test knows which it asked for.
      return { sagemaker: sagemaker!, github: github!, marketplace: marketplace! };
    },
    get sagemaker() {
      return required(sagemaker, 'the SageMaker emulator');
    },
    get github() {
      return required(github, 'the GitHub emulator');
    },
    get marketplace() {
      return required(marketplace, 'the AWS Marketplace Catalog API emulator');
    },
    get moto() {
      return required(moto, 'moto_server');
    },
    get counter() {
      return required(counter, 'the request counter');
    },
    run(options = {}) {
      const runWorkspace = options.workspace ?? workspace;
      if (sagemaker && setup.seed !== false) seedWorkspace(sagemaker, runWorkspace);
      let stdout = '';
      let ended = false;
      const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
      const settle = () => {
        for (const waiter of [...waiters]) {
          if (waiter.pattern.test(stdout)) waiter.resolve();
          else if (ended)
            waiter.reject(
              new Error(`the run ended before its output matched ${waiter.pattern}:\n${stdout}`),
            );
          else continue;
          waiters.splice(waiters.indexOf(waiter), 1);
        }
      };
      const running = runAction({
        workspace: runWorkspace,
        inputs: { ...setup.inputs, ...options.inputs },
        env: env(options),
        event: options.event ?? setup.event,
        interrupt: options.interrupt,
        onOutput: (text) => {
          stdout += text;
          options.onOutput?.(text);
          settle();
        },
      }).finally(() => {
        ended = true;
        settle();
      });
      return Object.assign(running, {
        until: (pattern: RegExp) =>
          new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve, reject });
            settle();
          }),
      });
    },
  };
}

/**
 * The set-up of the tests of reports on a pull request: an unversioned Marketplace package
 * (a/) and a version with a validation profile (b/), published together to the SageMaker
 * emulator with a token that may write comments and check runs to the GitHub emulator.
 */
export const TWO_PACKAGES: IntegrationSetup = {
  manifests: { a: MARKETPLACE, b: VERSIONED + VALIDATION },
  sagemaker: {},
  github: {},
  inputs: {
    manifest: 'a/model-package.yml\nb/model-package.yml',
    region: 'us-east-1',
    'github-token': 'ghs_writer',
  },
};

/**
 * Validation on a clock only the test moves: SageMaker emulator options under which every
 * package stays in the phase it was created in (Pending) until `next()` moves the clock
 * on by a phase (InProgress), and the next one ends validation (Completed or Failed).
 * What a run sees does not depend on when its polls fall. A phase lasts `phaseMs` on the
 * emulator's clock: the time its reports and transform jobs show.
 */
export function heldValidation(phaseMs = 1_000) {
  let now = Date.now();
  const next = (phases = 1) => {
    now += phases * phaseMs;
  };
  return {
    options: { now: () => now, pendingMs: phaseMs, inProgressMs: phaseMs } as EmulatorOptions,
    next,
    /**
     * Plays validation through while `running` waits, so that it sees every phase: to
     * InProgress once it waits, and to the end once it has logged each of `packages` (as
     * its log names them) going from Pending to InProgress.
     */
    async playThrough(running: RunningAction, packages: string[]): Promise<ActionRun> {
      await running.until(/Waiting for the validation/);
      next();
      for (const name of packages) {
        const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        await running.until(new RegExp(`${escaped}: Pending → InProgress`));
      }
      next();
      return running;
    },
  };
}
