// Type-aware lint for the whole workspace, over the three programs `pnpm typecheck` builds (shared, client,
// the Node side), not one per folder. The rules that carry the architecture:
// shared/src imports nothing of ours and no Node or DOM API; client and server never import each other.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "data/**",
      "server/src/generated/**",
      "**/*.config.{js,ts}",
      "shared/models/**",
      "**/.scratch*/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ["./shared/tsconfig.json", "./client/tsconfig.json", "./tsconfig.node.json"],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "describe", property: "only", message: "No focused tests." },
        { object: "it", property: "only", message: "No focused tests." },
        { object: "test", property: "only", message: "No focused tests." },
      ],
    },
  },
  {
    files: ["shared/src/**/*.ts"],
    languageOptions: { globals: {} },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["node:*", "fs", "path", "crypto", "os", "http"],
              message: "shared/src runs on phones: no Node APIs.",
            },
            {
              group: ["@tokenroom/*", "**/server/**", "**/client/**"],
              message: "shared imports nothing of ours.",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", "window", "document", "process", "Buffer", "require"],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Inject a seeded Rng." },
        { object: "Date", property: "now", message: "Inject a clock." },
      ],
    },
  },
  {
    files: ["client/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@tokenroom/server", "**/server/**"], message: "client never imports server." },
          ],
        },
      ],
    },
  },
  {
    files: ["server/**/*.ts", "test/**/*.ts", "shared/scripts/**/*.ts"],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ["server/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@tokenroom/client", "**/client/**"], message: "server never imports client." },
          ],
        },
      ],
    },
  },
  {
    // the live layer's state is its rooms' own (docs/architecture.md, "The live layer"): REST routes, the
    // review API, scale/ and store/ call the rooms' interfaces, never the registry or the live state
    files: [
      "server/src/http/**/*.ts",
      "server/src/review/**/*.ts",
      "server/src/scale/**/*.ts",
      "server/src/store/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@tokenroom/client", "**/client/**"], message: "server never imports client." },
            {
              group: [
                "**/realtime/live-sessions*",
                "**/realtime/live-state*",
                "**/realtime/live-memory*",
                "**/realtime/round-opener*",
              ],
              message:
                "outside realtime/, call the rooms (sessions.ts, participants.ts, rounds.ts), not their state.",
            },
          ],
        },
      ],
    },
  },
  {
    // plain JavaScript helpers (no type information): syntax rules only
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
  {
    files: ["**/*.test.ts", "**/*.test.tsx"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/unbound-method": "off" },
  },
);
