import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The JSON file lets .ci/run print one plain 'N passed, N failed' line that any CI log reader understands.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
