// Types of test-env-plan.mjs, for its unit test.
export interface Facts {
  /** Running as root. */
  root: boolean;
  /** apt-get is available (Debian, Ubuntu). */
  apt: boolean;
  chromium: boolean;
  nginx: boolean;
  cjkFonts: boolean;
  redisServer: boolean;
  /** The PostgreSQL server: answering; installed with a cluster (its version) but not answering; or absent. */
  postgres: { state: "ready" | "stopped" | "absent"; cluster?: string };
  /** The tests' database (TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test); state when answering. */
  database: {
    host: string;
    port: number;
    user: string;
    name: string;
    state: "ok" | "missing" | "refused" | "unknown";
    error?: string;
  };
}

export type Step = "apt-install" | "stop-default-nginx" | "start-postgres" | "create-database";

export interface Plan {
  /** Debian packages to install (only as root with apt-get). */
  install: string[];
  /** What to do, in order. */
  steps: Step[];
  /** One line per piece that cannot be fixed here, each with the command that fixes it. */
  missing: string[];
}

export interface Requirement {
  key: "chromium" | "nginx" | "cjkFonts" | "redisServer";
  what: string;
  apt: string;
}

export const REQUIREMENTS: Requirement[];
export function planTestEnv(facts: Facts): Plan;
