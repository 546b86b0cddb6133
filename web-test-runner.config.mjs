/**
 * Component tests: real Chromium (Debian's, never a download), TypeScript through esbuild.
 * Timeouts are generous because CI is a slow shared 2-core machine.
 */
import { esbuildPlugin } from "@web/dev-server-esbuild";
import { playwrightLauncher } from "@web/test-runner-playwright";

export default {
  files: ["test/components/**/*.test.ts"],
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, target: "es2022" })],
  browsers: [
    playwrightLauncher({
      product: "chromium",
      launchOptions: {
        executablePath: "/usr/bin/chromium",
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
        ],
      },
    }),
  ],
  concurrency: 1,
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  testsFinishTimeout: 300_000,
  testFramework: {
    config: { timeout: 20_000 },
  },
};
