// Outbound HTTP in tests that use nock: nothing leaves the process except loopback.
import nock from 'nock';
import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * For the enclosing file or describe: nock answers every outbound request, only loopback goes out (the in-process
 * app and its receivers), and `unreachablePort` on loopback is refused too, so tests can use it as a dead endpoint.
 */
export function onlyLoopback(unreachablePort: number): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(new RegExp(`^127\\.0\\.0\\.1:(?!${unreachablePort})`));
  });
  afterEach(() => {
    nock.cleanAll();
  });
  afterAll(() => {
    nock.enableNetConnect();
  });
}
