/**
 * The one place AWS clients are made (SPEC §7): every client gets the region it is for,
 * role-to-assume's renewing credentials when the run has them (else the SDK's chain), the
 * SDK's endpoint overrides (AWS_ENDPOINT_URL_<SERVICE>, read by the SDK itself), its
 * retries and the action's user agent. Each service's SDK package is imported only when
 * its first client is asked for, so a run that never calls it never loads it.
 *
 * Tests inject at one seam: any service of `AwsServices` given to `awsClients` replaces
 * the SDK's for the whole run.
 */
import type { LogsApi } from '../diagnosis/diagnose.js';
import type { CatalogApi } from '../listing/catalog.js';
import type { PreflightApi } from '../preflight/checks.js';
import type { Log } from '../runner/port.js';
import type { RenewableCredentials, SageMakerApi } from '../sagemaker/api.js';
import type { StsApi } from './sts.js';

/** The user agent of every request the action sends to AWS. */
export const USER_AGENT = 'sagemaker-model-package-action';

/** The SDK's attempts per request, by service; the SDK's default (3) where not named. */
const MAX_ATTEMPTS: Partial<Record<Service, number>> = {
  // A diagnosis is best effort and bounded in time: one retry.
  logs: 2,
};

export type Service = 'sagemaker' | 's3' | 'ecr' | 'logs' | 'sts' | 'marketplace';

/** The configuration every SDK client of the action is made with. */
export function sdkConfig(service: Service, region: string, credentials?: RenewableCredentials) {
  const attempts = MAX_ATTEMPTS[service];
  return {
    region,
    customUserAgent: USER_AGENT,
    ...(attempts ? { maxAttempts: attempts } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/** The AWS services the action calls, each as the narrow interface the code uses. */
export interface AwsServices {
  sagemaker(region: string, credentials?: RenewableCredentials, log?: Log): Promise<SageMakerApi>;
  /** S3 and ECR, and SageMaker's DescribeAlgorithm, read-only, for preflight. */
  preflight(region: string, credentials?: RenewableCredentials, log?: Log): Promise<PreflightApi>;
  /** CloudWatch Logs, for the diagnosis of failed validations. */
  logs(region: string, credentials?: RenewableCredentials): Promise<LogsApi>;
  /** STS, for role-to-assume. AssumeRoleWithWebIdentity is not signed: no credentials. */
  sts(region: string): Promise<StsApi>;
  /** The AWS Marketplace Catalog API, served from us-east-1 whatever the run's region. */
  marketplace(credentials?: RenewableCredentials): Promise<CatalogApi>;
}

/** The SDK's clients, each imported when first asked for. */
const SDK: Omit<AwsServices, 'preflight'> = {
  async sagemaker(region, credentials, log) {
    const { createSageMakerApi } = await import('../sagemaker/client.js');
    return createSageMakerApi(region, { credentials, log });
  },
  async logs(region, credentials) {
    const { createLogsApi } = await import('../diagnosis/logs-client.js');
    return createLogsApi(region, { credentials });
  },
  async sts(region) {
    const { createStsApi } = await import('./sts.js');
    return createStsApi(region);
  },
  async marketplace(credentials) {
    const { createCatalogApi } = await import('../listing/catalog-client.js');
    return createCatalogApi({ credentials });
  },
};

/** The clients of one run, each for a region: the SDK's, or what a test gives instead. */
export type AwsClients = {
  [S in Exclude<keyof AwsServices, 'marketplace'>]: (region: string) => ReturnType<AwsServices[S]>;
} & {
  marketplace(): Promise<CatalogApi>;
  /** role-to-assume's credentials, once assumed; undefined: the SDK's chain. */
  readonly credentials?: RenewableCredentials;
  /** The same clients with role-to-assume's credentials. */
  withCredentials(credentials: RenewableCredentials | undefined): AwsClients;
};

export function awsClients(
  log: Log,
  overrides: Partial<AwsServices> = {},
  credentials?: RenewableCredentials,
): AwsClients {
  const services: AwsServices = {
    ...SDK,
    // S3 and ECR, with DescribeAlgorithm through the run's SageMaker.
    async preflight(region) {
      const [{ createPreflightApi }, sagemaker] = await Promise.all([
        import('../preflight/aws.js'),
        services.sagemaker(region, credentials, log),
      ]);
      return createPreflightApi({ region, credentials, sagemaker });
    },
    ...overrides,
  };
  return {
    credentials,
    sagemaker: (region) => services.sagemaker(region, credentials, log),
    preflight: (region) => services.preflight(region, credentials, log),
    logs: (region) => services.logs(region, credentials),
    sts: (region) => services.sts(region),
    marketplace: () => services.marketplace(credentials),
    withCredentials: (next) => awsClients(log, overrides, next),
  };
}
