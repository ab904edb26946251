/** What vitest's globalSetup (test/global-setup.ts) provides to every test file, read with `inject`. */
declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated PGlite data directory: copy it (server/test/pglite.ts), never open it. */
    pgliteTemplate: string;
  }
}
export {};
