// Type-aware lint: dropped promises and non-exhaustive switches are the bug classes this code must not ship.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // scripts/ is plain JS with JSDoc types: tsconfig.scripts.json type-checks it instead.
  { ignores: ["dist/", "node_modules/", "shared/", "test/fixtures/", "scripts/", "*.config.*", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ["./tsconfig.test.json", "./viewer/tsconfig.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's describe/it/before/after return promises the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              package: "node:test",
              name: ["describe", "it", "test", "suite", "before", "after", "beforeEach", "afterEach"],
            },
          ],
        },
      ],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      // async is how this code implements Promise-returning interfaces and their fakes; it keeps a throw a rejection.
      "@typescript-eslint/require-await": "off",
      "no-empty": ["error", { allowEmptyCatch: false }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
);
