/**
 * The credentials of `role-to-assume`, for as long as the run needs them: STS
 * AssumeRoleWithWebIdentity with a new OIDC token of the job every time (GitHub's tokens
 * live minutes), renewed well before they expire, and again at once when AWS refuses them.
 *
 * STS comes from the client factory (src/aws/clients.ts): AssumeRoleWithWebIdentity is not
 * signed, so no other credentials are needed.
 */
import type { StsApi } from '../aws/sts.js';
import type { Log } from '../runner/port.js';
import type { Credentials, RenewableCredentials } from './api.js';
import { describeError, errorKind, RenewalError } from './errors.js';

export interface WebIdentityOptions {
  roleArn: string;
  sessionName: string;
  durationSeconds: number;
  audience: string;
  /** STS, on the target region's regional endpoint. */
  sts: StsApi;
  /** A new OIDC token of the job for `audience` (the runner masks it). */
  idToken: (audience: string) => Promise<string>;
  /** Hides a value wherever the runner would print it. */
  mask: (value: string) => void;
  log: Log;
  now?: () => number;
}

/** When credentials of a lifetime should be renewed: how long before they expire. */
export function renewalMargin(lifetimeMs: number): number {
  // At 80% of the lifetime or 5 minutes before the end, whichever comes first, but never
  // in the first half: credentials shorter than STS's minimum (role chaining) stay usable.
  return Math.min(Math.max(5 * 60_000, 0.2 * lifetimeMs), 0.5 * lifetimeMs);
}

interface Held {
  credentials: Credentials;
  obtainedAt: number;
  renewAt: number;
  /** After this they are too close to their end to be sent. */
  usableUntil: number;
  /** A failed renewal is tried again from this time on. */
  retryAt: number;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

export function webIdentityCredentials(options: WebIdentityOptions): RenewableCredentials {
  const now = options.now ?? Date.now;
  const { sts } = options;
  let held: Held | undefined;
  let pending: Promise<Credentials> | undefined;
  let issued = 0;

  async function assume(): Promise<Credentials> {
    let token: string;
    try {
      token = await options.idToken(options.audience);
    } catch (e) {
      throw new RenewalError(
        `the runner gave no OIDC token for role-to-assume (${oneLine(describeError(e))})`,
        'id-token',
        e,
      );
    }
    const asked = now();
    let answer;
    try {
      answer = await sts.assumeRoleWithWebIdentity({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName,
        WebIdentityToken: token,
        DurationSeconds: options.durationSeconds,
      });
    } catch (e) {
      const transient = errorKind(e) === 'transient';
      throw new RenewalError(
        `STS did not give credentials for role-to-assume ${options.roleArn} (${oneLine(describeError(e))})`,
        transient ? 'transient' : 'rejected',
        e,
      );
    }
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
      throw new RenewalError('STS answered without credentials', 'rejected', undefined);
    }
    for (const value of [c.AccessKeyId, c.SecretAccessKey, c.SessionToken]) options.mask(value);
    issued++;
    const expiresAt = c.Expiration.getTime();
    // The lifetime as seen here: STS's clock may differ from ours, and STS may give less
    // than was asked for.
    const lifetime = Math.max(0, expiresAt - asked);
    held = {
      credentials: {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        sessionToken: c.SessionToken,
        expiration: c.Expiration,
      },
      obtainedAt: now(),
      renewAt: expiresAt - renewalMargin(lifetime),
      usableUntil: expiresAt - Math.min(30_000, 0.1 * lifetime),
      retryAt: 0,
    };
    options.log.debug(
      `role-to-assume: credentials ${issued} valid until ${c.Expiration.toISOString()}; renewed from ${new Date(held.renewAt).toISOString()}.`,
    );
    return held.credentials;
  }

  async function renewed(): Promise<Credentials> {
    pending ??= assume().finally(() => {
      pending = undefined;
    });
    try {
      return await pending;
    } catch (e) {
      // Renewal failed while the credentials in hand still work: keep them, try again later.
      const t = now();
      if (held && t < held.usableUntil) {
        if (held.retryAt <= t) {
          options.log.warning(
            `Could not renew the credentials of role-to-assume yet (${describeError(e)}); the current ones work until ${held.credentials.expiration?.toISOString()}.`,
          );
        }
        held.retryAt = t + Math.min(30_000, (held.usableUntil - t) / 4);
        return held.credentials;
      }
      throw e;
    }
  }

  const provider = async (): Promise<Credentials> => {
    const t = now();
    if (held && t < held.renewAt) return held.credentials;
    if (held && t < held.retryAt && t < held.usableUntil) return held.credentials;
    return renewed();
  };
  return Object.defineProperties(provider, {
    // The SDK sets it again on the provider it was given.
    memoized: { value: true, writable: true },
    renew: {
      value: (sentAt?: number) => {
        // Credentials obtained after the refused request was sent are not the refused ones.
        if (sentAt === undefined || (held && held.obtainedAt <= sentAt)) held = undefined;
      },
    },
    issued: { get: () => issued },
    destroy: { value: () => sts.destroy() },
  }) as unknown as RenewableCredentials;
}
