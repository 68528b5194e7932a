// AWS SDK clients, one per account, region and service for a scan, shared
// through the scan cache. Endpoints come from the SDK's own handling of
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_RDS / AWS_ENDPOINT_URL_S3 / _BACKUP / _STS.
import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { Config } from '../../config/schema';
import { observed, unavailable, type Observed, type ScanCache } from '../../engine/types';
import { redact, registerSecret } from '../../secrets';
import { awsSettings, DEFAULT_ACCOUNT } from './accounts';

/** The session name CloudTrail shows for the scanner's assumed-role calls. */
const ROLE_SESSION_NAME = 'continuity-scanner';

/** The provider type the credential-providers package returns (no direct dependency on @aws-sdk/types). */
type AwsCredentialIdentityProvider = ReturnType<typeof fromNodeProviderChain>;

/** Every credential the SDK resolves is registered, so no error text can carry it. */
function registering(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  return async (options) => {
    const credentials = await provider(options);
    registerSecret(credentials.secretAccessKey);
    registerSecret(credentials.sessionToken);
    return credentials;
  };
}

/** True when a custom S3 endpoint is configured: such servers (MinIO, fixtures) need path-style addressing. */
function customS3Endpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  if (/^true$/i.test(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '')) return false;
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

function commonOptions(config: Config, region: string) {
  const settings = awsSettings(config);
  return {
    region,
    retryMode: 'adaptive' as const,
    maxAttempts: settings.maxAttempts,
    // Without throwOnRequestTimeout the handler only logs a warning when requestTimeout passes.
    requestHandler: { requestTimeout: settings.callTimeoutMs, connectionTimeout: settings.callTimeoutMs, throwOnRequestTimeout: true },
  };
}

/**
 * The account's credentials could not be obtained: the failure is of that step
 * (AssumeRole, or the default credential chain), not of the call that needed them,
 * so it names the step and what to allow there.
 */
export class CredentialStepError extends Error {
  /** What to allow, when the step was refused (not when STS was unreachable). */
  readonly hint: string | undefined;
  constructor(step: { roleArn: string } | { chain: string }, cause: unknown) {
    const why = awsErrorText(cause);
    if ('roleArn' in step) {
      super(`could not assume role ${step.roleArn} (sts:AssumeRole): ${why}`);
      this.hint = refused(cause)
        ? `allow sts:AssumeRole on ${step.roleArn} to the scanner's base credentials, and trust them in the role's trust policy`
        : undefined;
    } else {
      super(`could not load AWS credentials (${step.chain}): ${why}`);
      this.hint = undefined;
    }
  }
}

/** Failures of `provider` become a CredentialStepError naming the step. */
function credentialStep(provider: AwsCredentialIdentityProvider, step: ConstructorParameters<typeof CredentialStepError>[0]): AwsCredentialIdentityProvider {
  return async (options) => {
    try {
      return await provider(options);
    } catch (error) {
      throw error instanceof CredentialStepError ? error : new CredentialStepError(step, error);
    }
  };
}

function credentialsFor(config: Config, account: string): AwsCredentialIdentityProvider {
  const settings = awsSettings(config);
  const entry = settings.accounts.find((a) => a.id === account);
  if (account !== DEFAULT_ACCOUNT && !entry) {
    throw new Error(`account ${account} is not listed under aws.accounts`);
  }
  const base = credentialStep(
    entry?.profile ? fromIni({ profile: entry.profile }) : fromNodeProviderChain(),
    { chain: entry?.profile ? `profile ${entry.profile}` : 'default credential chain' },
  );
  if (!entry?.roleArn) return registering(base);
  const stsRegion = entry.regions?.[0] ?? settings.regions[0] ?? 'us-east-1';
  return registering(credentialStep(
    fromTemporaryCredentials({
      params: {
        RoleArn: entry.roleArn,
        RoleSessionName: ROLE_SESSION_NAME,
        ...(entry.externalId ? { ExternalId: entry.externalId } : {}),
      },
      masterCredentials: registering(base),
      clientConfig: commonOptions(config, stsRegion),
    }),
    { roleArn: entry.roleArn },
  ));
}

/** Refresh this long before expiry, as the SDK clients do with their own copy. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Share one resolution among all callers until it nears expiry:
 * fromTemporaryCredentials calls AssumeRole on every invocation, and each SDK
 * client invokes its provider itself. A failed resolution is retried by the next caller.
 */
function memoized(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let pending: ReturnType<AwsCredentialIdentityProvider> | undefined;
  const resolve: AwsCredentialIdentityProvider = async (options) => {
    const current = pending;
    if (current) {
      const credentials = await current.catch(() => undefined);
      const fresh = credentials && (!credentials.expiration || credentials.expiration.getTime() - Date.now() > REFRESH_BEFORE_EXPIRY_MS);
      if (fresh) return credentials;
      if (pending !== current) return resolve(options); // another caller is already refreshing
    }
    pending = provider(options);
    return pending;
  };
  return resolve;
}

/** One memoized credential provider per account per scan, so a role is assumed once, not per client. */
function sharedCredentials(shared: ScanCache, config: Config, account: string): Promise<AwsCredentialIdentityProvider> {
  return shared.once(`aws:credentials:${account}`, async () => memoized(credentialsFor(config, account)));
}

export function rdsClient(shared: ScanCache, config: Config, account: string, region: string): Promise<RDSClient> {
  return shared.once(`aws:client:rds:${account}:${region}`, async () => {
    const credentials = await sharedCredentials(shared, config, account);
    return new RDSClient({ ...commonOptions(config, region), credentials });
  });
}

export function s3Client(shared: ScanCache, config: Config, account: string, region: string): Promise<S3Client> {
  return shared.once(`aws:client:s3:${account}:${region}`, async () => {
    const credentials = await sharedCredentials(shared, config, account);
    return new S3Client({ ...commonOptions(config, region), credentials, forcePathStyle: customS3Endpoint() });
  });
}

export function backupClient(shared: ScanCache, config: Config, account: string, region: string): Promise<BackupClient> {
  return shared.once(`aws:client:backup:${account}:${region}`, async () => {
    const credentials = await sharedCredentials(shared, config, account);
    return new BackupClient({ ...commonOptions(config, region), credentials });
  });
}

/** The error code (e.g. AccessDenied, Throttling) an SDK error carries. */
function awsErrorCode(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string };
  return e?.Code ?? e?.name;
}

/** An SDK error as it may be shown: code and message, credentials removed. */
export function awsErrorText(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error));
  if (error instanceof CredentialStepError) return redact(error.message);
  const code = awsErrorCode(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const prefix = code && code !== 'Error' && !error.message.startsWith(code) ? `${code}: ` : '';
  return redact(`${prefix}${error.message}${status ? ` (HTTP ${status})` : ''}`);
}

/** Whether AWS refused the call (as opposed to failing it). */
function refused(error: unknown): boolean {
  return /AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(awsErrorCode(error) ?? '');
}

/** The IAM permission hint shown when a call is refused. */
function accessHint(error: unknown, permission: string): string | undefined {
  if (error instanceof CredentialStepError) return error.hint;
  return refused(error) ? `allow ${permission} to the scanner's role` : undefined;
}

/**
 * Run a read; a refusal or failure becomes an unavailable fact naming the
 * permission to grant. `notConfigured` maps the error code AWS documents for
 * "no such configuration" (e.g. NoSuchBucketPolicy) to the fact it means.
 */
export async function observeAws<T>(
  source: string,
  permission: string,
  run: () => Promise<T>,
  notConfigured?: { code: string; value: T },
): Promise<Observed<T>> {
  try {
    return observed(source, await run());
  } catch (error) {
    if (notConfigured && awsErrorCode(error) === notConfigured.code) return observed(`${source} (${notConfigured.code})`, notConfigured.value);
    return unavailable(source, awsErrorText(error), accessHint(error, permission));
  }
}
