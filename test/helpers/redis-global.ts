/**
 * Vitest global setup: starts the one redis-server every test file of the run shares, hands
 * its URL to them (`inject('redisUrl')`), and stops it when the run ends. Without redis-server
 * the URL is empty and the Redis test files fail in CI, or skip loudly outside it.
 */
import type { TestProject } from 'vitest/node';
import { redisServerInstalled, startRedisServer } from './redis.js';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!redisServerInstalled()) {
    project.provide('redisUrl', '');
    return undefined;
  }
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
