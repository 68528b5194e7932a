// Runs an AwsFixtureServer on its own thread, so a benchmark measures the
// scanner, not the fixture's XML rendering on the same event loop. The
// estate is built in the worker by a named builder module.
import { parentPort, workerData } from 'node:worker_threads';
import { AwsFixtureServer } from './aws-fixture-server';

const { builder } = workerData as { builder: string };
const server = new AwsFixtureServer();
const { build } = (await import(builder)) as { build: (server: AwsFixtureServer) => unknown };
const description = build(server);
const url = await server.start();
parentPort!.postMessage({ type: 'ready', url, description });
parentPort!.on('message', async (message: { type: 'calls' | 'reset' | 'stop' }) => {
  if (message.type === 'reset') server.resetCalls();
  if (message.type === 'stop') await server.stop();
  parentPort!.postMessage({ type: message.type, calls: Object.fromEntries(server.calls) });
  if (message.type === 'stop') parentPort!.close();
});
