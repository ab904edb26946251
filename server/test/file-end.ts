/**
 * What a test file leaves behind (its PGlite directories, its PostgreSQL database), undone after that file's own
 * afterAll hooks. file-end-setup.ts (a vitest setup file, run before every integration test file) registers the
 * one afterAll that runs them. A module-level afterAll in a helper would not do: where files share a worker
 * without isolation (the "server" project in vitest.config.ts), a helper module is loaded once, so its hook would
 * attach to the first file that imported it and the later files' leftovers would never go.
 */
const pending: (() => unknown)[] = [];

/** Runs `cleanup` once the current test file is done (after its own afterAll hooks), last registered first. */
export function atFileEnd(cleanup: () => unknown): void {
  pending.push(cleanup);
}

/** Runs and forgets every registered cleanup; one failing does not keep the others from running. */
export async function runFileEnd(): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of pending.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "cleaning up after the test file");
}
