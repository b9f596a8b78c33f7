import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // Generous: a limit is for a test that hangs, and on a shared two-core machine under load an
    // end-to-end test that takes 10 s when quiet can take several times that (speed is benchmarked, not timed).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: end-to-end files spawn processes, so more workers only add contention.
    maxWorkers: 2,
    reporters: ['default'],
    // Every emulator the tests start (in-process or spawned) deep-freezes its stored records, so a
    // handler that changes a record in place instead of going through Emulator.mutate fails.
    // Test files that use the AWS SDK in-process would print its "Node >= 22" notice once per worker;
    // ivsrt's own processes suppress it in bin/ivsrt.js (test/cli/warnings.test.ts checks both).
    env: { IVSRT_FREEZE_RECORDS: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
