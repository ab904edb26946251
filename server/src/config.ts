/** Server configuration from the environment, validated once at start. */
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { z } from "zod";
import { originOf } from "./realtime/origin.ts";
import { type DatabaseTarget, databaseTarget } from "./store/adapters.ts";

export interface ServerConfig {
  port: number;
  host: string;
  /** Base URL phones use to join; when PUBLIC_URL is unset, derived from the bound address (defaultPublicUrl). */
  publicUrl: string | undefined;
  database: DatabaseTarget;
  redisUrl: string | undefined;
  /** Fraction of samples re-generated from their seed on the server (0..1). */
  verifyFraction: number;
  statsIntervalMs: number;
  /** Sustained samples per second one participant may submit, and the burst on top. */
  sampleRatePerSecond: number;
  sampleBurst: number;
  adminToken: string | undefined;
  /** ALLOWED_ORIGINS: browser origins besides the server's own that may open sockets (docs/operations.md). */
  allowedOrigins: string[];
}

/** [H6] How to make an ADMIN_TOKEN, in every refusal. */
export const MAKE_ADMIN_TOKEN = "make one with `openssl rand -hex 24` (48 random hex characters)";
export const ADMIN_TOKEN_MIN_LENGTH = 24;

/** Words and runs that make a token guessable wherever they appear in it (compared in lower case). */
const WEAK_PARTS = [
  "password",
  "passwort",
  "passw0rd",
  "admin",
  "secret",
  "token",
  "tokenroom",
  "changeme",
  "change-me",
  "letmein",
  "welcome",
  "default",
  "example",
  "qwerty",
  "azerty",
  "asdfgh",
  "123456",
  "234567",
  "345678",
  "456789",
  "987654",
  "abcdef",
  "iloveyou",
  "monkey",
  "dragon",
  "master",
];

/**
 * [H6] Why ADMIN_TOKEN is too weak to open every stored session, or null when it is strong enough: at least
 * 24 characters, at least 8 different ones, not one short piece repeated, no common word or run.
 */
export function adminTokenProblem(token: string): string | null {
  if (token.length < ADMIN_TOKEN_MIN_LENGTH)
    return `ADMIN_TOKEN has ${token.length} characters, at least ${ADMIN_TOKEN_MIN_LENGTH} are required`;
  const lower = token.toLowerCase();
  if (new Set(lower).size < 8) return "ADMIN_TOKEN uses fewer than 8 different characters";
  if ((lower + lower).indexOf(lower, 1) < lower.length) return "ADMIN_TOKEN is one short piece repeated";
  const weak = WEAK_PARTS.find((w) => lower.includes(w));
  if (weak) return `ADMIN_TOKEN contains "${weak}", a common password word or pattern`;
  return null;
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  PUBLIC_URL: z.url().optional(),
  REDIS_URL: z.string().optional(),
  VERIFY_FRACTION: z.coerce.number().min(0).max(1).default(1),
  STATS_INTERVAL_MS: z.coerce.number().int().min(20).max(10_000).default(250),
  SAMPLE_RATE_PER_SECOND: z.coerce.number().positive().default(60),
  SAMPLE_BURST: z.coerce.number().positive().default(400),
  ADMIN_TOKEN: z
    .string()
    .optional()
    .superRefine((token, ctx) => {
      const problem = token === undefined ? null : adminTokenProblem(token);
      if (problem) ctx.addIssue({ code: "custom", message: `${problem}; ${MAKE_ADMIN_TOKEN}` });
    }),
  ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((list, ctx) => {
      const origins: string[] = [];
      for (const item of (list ?? "")
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean)) {
        const origin = originOf(item);
        if (!origin || origin !== item.replace(/\/+$/, "").toLowerCase()) {
          ctx.addIssue({
            code: "custom",
            message: `"${item}" is not an origin; list scheme://host[:port] entries separated by commas, e.g. https://class.example,http://10.0.0.5:3000`,
          });
          return z.NEVER;
        }
        origins.push(origin);
      }
      return origins;
    }),
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`bad environment: ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ""),
    database: databaseTarget(env),
    redisUrl: e.REDIS_URL,
    verifyFraction: e.VERIFY_FRACTION,
    statsIntervalMs: e.STATS_INTERVAL_MS,
    sampleRatePerSecond: e.SAMPLE_RATE_PER_SECOND,
    sampleBurst: e.SAMPLE_BURST,
    adminToken: e.ADMIN_TOKEN,
    allowedOrigins: e.ALLOWED_ORIGINS,
  };
}

/** The first non-internal IPv4 address: what a phone on the same network can reach. */
export function lanAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

/**
 * Where phones reach a server listening on `address` when PUBLIC_URL is unset: the machine's LAN address
 * if it listens on every interface, else the address it is bound to (HOST=127.0.0.1 gives a loopback link).
 */
export function defaultPublicUrl(address: AddressInfo | string | null): string {
  if (!address || typeof address === "string") return `http://${lanAddress() ?? "localhost"}`;
  const everywhere = address.address === "0.0.0.0" || address.address === "::";
  const host = everywhere
    ? (lanAddress() ?? "localhost")
    : address.family === "IPv6"
      ? `[${address.address}]`
      : address.address;
  return `http://${host}:${address.port}`;
}
