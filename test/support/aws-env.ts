// Points the real AWS SDK at a fixture server through the environment, as a
// user would point it at LocalStack: AWS_ENDPOINT_URL plus static keys. No
// shared config files or instance metadata are consulted.
import { AwsFixtureServer } from './aws-fixture-server';

const FIXTURE_ACCESS_KEY_ID = 'AKIAFIXTURE000000001';
export const FIXTURE_SECRET_ACCESS_KEY = 'fixtureSecretKey/Do+Not+Print/0123456789ab';

/** The environment a scan against `url` runs with (also for a CLI child process). */
export function fixtureEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: FIXTURE_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: FIXTURE_SECRET_ACCESS_KEY,
    AWS_REGION: 'eu-west-1',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

const CLEARED = ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL_RDS', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_STS'];

/** Point this process's SDK clients at `url`; the returned function restores the environment. */
export function useFixtureEnv(url: string): () => void {
  const env = fixtureEnv(url);
  const saved = new Map([...Object.keys(env), ...CLEARED].map((k) => [k, process.env[k]]));
  for (const key of CLEARED) delete process.env[key];
  Object.assign(process.env, env);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

/** Start a fixture server and point this process's SDK clients at it; `stop` restores the environment. */
export async function startAwsFixture(): Promise<{ server: AwsFixtureServer; stop(): Promise<void> }> {
  const server = new AwsFixtureServer();
  const restore = useFixtureEnv(await server.start());
  return {
    server,
    async stop() {
      restore();
      await server.stop();
    },
  };
}
