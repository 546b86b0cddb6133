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
        project: ["./tsconfig.json", "./tsconfig.test.json", "./viewer/tsconfig.json"],
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
  {
    // Tests and the bench read untyped JSON (REST replies, getStats, page.evaluate results) and
    // assert on it or print it: the assertion is the check there, not a type the reply never had.
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      "@typescript-eslint/no-explicit-any": "off",
      // ws hands messages over as RawData (Buffer | ArrayBuffer | Buffer[]); its toString() is the text.
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
);
