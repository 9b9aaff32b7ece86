/**
 * STS for role-to-assume: AssumeRoleWithWebIdentity on the target region's regional
 * endpoint (the SDK honours AWS_ENDPOINT_URL_STS). Imported only when role-to-assume is set.
 */
import {
  AssumeRoleWithWebIdentityCommand,
  STSClient,
  type AssumeRoleWithWebIdentityCommandInput,
  type AssumeRoleWithWebIdentityCommandOutput,
  type STSClientConfig,
} from '@aws-sdk/client-sts';
import { sdkConfig } from './clients.js';

/** The STS operation role-to-assume uses. */
export interface StsApi {
  assumeRoleWithWebIdentity(
    input: AssumeRoleWithWebIdentityCommandInput,
  ): Promise<Pick<AssumeRoleWithWebIdentityCommandOutput, 'Credentials'>>;
  destroy(): void;
}

/** `config`: more configuration of the client (tests pass an endpoint or a request handler). */
export function createStsApi(region: string, config: Omit<STSClientConfig, 'region'> = {}): StsApi {
  const client = new STSClient({
    ...sdkConfig('sts', region),
    ...config,
    useGlobalEndpoint: false,
  });
  return {
    assumeRoleWithWebIdentity: (input) => client.send(new AssumeRoleWithWebIdentityCommand(input)),
    destroy: () => client.destroy(),
  };
}
