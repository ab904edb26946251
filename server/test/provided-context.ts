/** What vitest's globalSetup (test/global-setup.ts) provides to every test file, read with `inject`. */
declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory: copy it (server/test/pglite.ts), never open it. */
    pgliteTemplate: string;
    /**
     * The run's Chromium (playwright-core's launchServer): browser tests connect to it instead of each
     * starting one (~3 s of CPU per start). Empty when the machine has no /usr/bin/chromium.
     */
    chromiumEndpoint: string;
  }
}
export {};
