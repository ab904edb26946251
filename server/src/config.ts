/** Server configuration from the environment, validated once at start. */
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { z } from "zod";
import { parseTrustProxy, type TrustProxy } from "./limits/client-ip.ts";
import { LIMIT_NAMES, type LimitName, type LimitsConfig } from "./limits/limiter.ts";
import { parseRate } from "./limits/rate.ts";
import { DEFAULT_WARMUP_TOKENS } from "./realtime/decoder-warmup.ts";
import { originOf } from "./realtime/origin.ts";
import { type DatabaseTarget, databaseTarget } from "./store/adapters.ts";
import { DEFAULT_GROUP_COMMIT_MS } from "./store/sample-writer.ts";

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
  /** [FAN1] About how many phones one stats tick writes to; a larger class hears the statistics in turns. */
  statsFanoutSockets?: number;
  /** SAMPLE_GROUP_COMMIT_MS: under load, one sample INSERT starts at most this often (SampleWriter). */
  sampleGroupCommitMs?: number;
  /** Sustained samples per second one participant may submit, and the burst on top. */
  sampleRatePerSecond: number;
  sampleBurst: number;
  adminToken: string | undefined;
  /** ALLOWED_ORIGINS: browser origins besides the server's own that may open sockets (docs/operations.md). */
  allowedOrigins: string[];
  /** TRUST_PROXY: which proxies' X-Forwarded-For names the client, as Express's `trust proxy`. */
  trustProxy: TrustProxy;
  /** [L1]–[L7] Limits per IP, socket, participant and session (docs/security.md). */
  limits: LimitsConfig;
  /** SESSION_IDLE_MINUTES: a live session with no socket and no activity for this long leaves memory. */
  sessionIdleMinutes: number;
  /** [WARM1] DECODER_WARMUP_TOKENS: model steps a new round's decoder is warmed with in the background (0: off). */
  decoderWarmupTokens?: number;
  /** MODEL_CACHE_MB: byte budget of the one LRU holding trained models and decoder caches. */
  modelCacheMb: number;
  /** RETENTION_DAYS: ended sessions older than this are deleted by a daily sweep (0: kept for ever). */
  retentionDays: number;
}

/**
 * The environment variable of each rate limit and its default, chosen so that a lecture hall of 1,000 phones
 * behind one campus NAT address (one IP for every student) stays well inside them (docs/operations.md).
 */
export const RATE_LIMIT_ENV: Record<LimitName, { env: string; default: string }> = {
  sessionsPerIp: { env: "LIMIT_SESSIONS_PER_IP", default: "30/10m" },
  roomLookupsPerIp: { env: "LIMIT_ROOM_LOOKUPS_PER_IP", default: "3000/1m" },
  failedJoinsPerIp: { env: "LIMIT_FAILED_JOINS_PER_IP", default: "300/10m" },
  failedJoinsPerSocket: { env: "LIMIT_FAILED_JOINS_PER_SOCKET", default: "10/10m" },
  guessesPerParticipant: { env: "LIMIT_GUESSES_PER_PARTICIPANT", default: "30/1m" },
  trainingsPerSession: { env: "LIMIT_TRAININGS_PER_SESSION", default: "10/1h" },
  trainingsPerIp: { env: "LIMIT_TRAININGS_PER_IP", default: "30/1h" },
};

const rateSetting = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parseRate(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });

const rateSchemas = Object.fromEntries(
  LIMIT_NAMES.map((name) => [RATE_LIMIT_ENV[name].env, rateSetting(RATE_LIMIT_ENV[name].default)]),
) as Record<string, ReturnType<typeof rateSetting>>;

export const DEFAULT_MAX_STUDENTS_PER_SESSION = 1000;
export const DEFAULT_MAX_SOCKETS_PER_IP = 2000;

/** The limits of an empty environment (tests boot with these unless they set their own). */
export const defaultLimits = (): LimitsConfig => loadConfig({}).limits;

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
  STATS_FANOUT_SOCKETS: z.coerce.number().int().min(1).max(1_000_000).default(250),
  SAMPLE_GROUP_COMMIT_MS: z.coerce.number().int().min(0).max(1000).default(DEFAULT_GROUP_COMMIT_MS),
  SAMPLE_RATE_PER_SECOND: z.coerce.number().positive().default(60),
  SAMPLE_BURST: z.coerce.number().positive().default(400),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(120),
  MODEL_CACHE_MB: z.coerce.number().int().min(1).max(1_000_000).default(256),
  DECODER_WARMUP_TOKENS: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_WARMUP_TOKENS),
  RETENTION_DAYS: z.coerce.number().int().min(0).max(100_000).default(180),
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
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return parseTrustProxy(text);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          message: `${(error as Error).message}; write false, true, a hop count (1 for one proxy in front), or a comma-separated list of addresses, subnets (10.0.0.0/8) and loopback, linklocal, uniquelocal`,
        });
        return z.NEVER;
      }
    }),
  MAX_STUDENTS_PER_SESSION: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(DEFAULT_MAX_STUDENTS_PER_SESSION),
  MAX_SOCKETS_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_MAX_SOCKETS_PER_IP),
  ...rateSchemas,
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
    statsFanoutSockets: e.STATS_FANOUT_SOCKETS,
    sampleGroupCommitMs: e.SAMPLE_GROUP_COMMIT_MS,
    sampleRatePerSecond: e.SAMPLE_RATE_PER_SECOND,
    sampleBurst: e.SAMPLE_BURST,
    adminToken: e.ADMIN_TOKEN,
    allowedOrigins: e.ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    limits: {
      rates: Object.fromEntries(
        LIMIT_NAMES.map((name) => [name, (e as Record<string, unknown>)[RATE_LIMIT_ENV[name].env] ?? null]),
      ) as LimitsConfig["rates"],
      maxStudentsPerSession: e.MAX_STUDENTS_PER_SESSION,
      maxSocketsPerIp: e.MAX_SOCKETS_PER_IP,
    },
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    modelCacheMb: e.MODEL_CACHE_MB,
    decoderWarmupTokens: e.DECODER_WARMUP_TOKENS,
    retentionDays: e.RETENTION_DAYS,
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
