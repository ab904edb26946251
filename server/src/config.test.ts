import { describe, expect, it } from "vitest";
import { adminTokenProblem, defaultPublicUrl, lanAddress, loadConfig } from "./config.ts";

/** What `openssl rand -hex 24` prints. */
const STRONG = "9c1f4e7a2b8d3f60a5c7e1b9d4f2a8c36e0b7d1f5a9c2e84";

describe("loadConfig", () => {
  it("has defaults for an empty environment (PGlite under data/pglite, port 3000)", () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: "0.0.0.0",
      publicUrl: undefined,
      database: { kind: "pglite", dataDir: "data/pglite" },
      redisUrl: undefined,
      verifyFraction: 1,
      statsIntervalMs: 250,
      statsFanoutSockets: 250,
      sampleGroupCommitMs: 20,
      sampleRatePerSecond: 60,
      sampleBurst: 400,
      adminToken: undefined,
      allowedOrigins: [],
      trustProxy: false,
      limits: {
        rates: {
          sessionsPerIp: { points: 30, seconds: 600 },
          roomLookupsPerIp: { points: 3000, seconds: 60 },
          failedJoinsPerIp: { points: 300, seconds: 600 },
          failedJoinsPerSocket: { points: 10, seconds: 600 },
          guessesPerParticipant: { points: 30, seconds: 60 },
          trainingsPerSession: { points: 10, seconds: 3600 },
          trainingsPerIp: { points: 30, seconds: 3600 },
        },
        maxStudentsPerSession: 1000,
        maxSocketsPerIp: 2000,
      },
      sessionIdleMinutes: 120,
      modelCacheMb: 256,
      decoderWarmupTokens: 24_000,
      retentionDays: 180,
    });
  });

  it("[L1]–[L7] reads every limit as N/window or off, and TRUST_PROXY as Express's trust proxy", () => {
    const c = loadConfig({
      LIMIT_SESSIONS_PER_IP: "5/s",
      LIMIT_ROOM_LOOKUPS_PER_IP: "off",
      LIMIT_FAILED_JOINS_PER_IP: "100 / 2h",
      LIMIT_FAILED_JOINS_PER_SOCKET: "3/30s",
      LIMIT_GUESSES_PER_PARTICIPANT: "OFF",
      LIMIT_TRAININGS_PER_SESSION: "1/1h",
      LIMIT_TRAININGS_PER_IP: "2/10m",
      MAX_STUDENTS_PER_SESSION: "40",
      MAX_SOCKETS_PER_IP: "100",
      TRUST_PROXY: "loopback, 10.0.0.0/8",
    });
    expect(c.limits).toEqual({
      rates: {
        sessionsPerIp: { points: 5, seconds: 1 },
        roomLookupsPerIp: null,
        failedJoinsPerIp: { points: 100, seconds: 7200 },
        failedJoinsPerSocket: { points: 3, seconds: 30 },
        guessesPerParticipant: null,
        trainingsPerSession: { points: 1, seconds: 3600 },
        trainingsPerIp: { points: 2, seconds: 600 },
      },
      maxStudentsPerSession: 40,
      maxSocketsPerIp: 100,
    });
    expect(c.trustProxy).toEqual(["loopback", "10.0.0.0/8"]);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: "FALSE" }).trustProxy).toBe(false);
  });

  it("[H3] reads ALLOWED_ORIGINS as a comma-separated list of origins, and names a bad entry", () => {
    expect(
      loadConfig({
        ALLOWED_ORIGINS: " https://class.example, http://10.0.0.5:3000/ ,HTTPS://Lecture.Example",
      }).allowedOrigins,
    ).toEqual(["https://class.example", "http://10.0.0.5:3000", "https://lecture.example"]);
    for (const bad of ["class.example", "https://class.example/path", "ftp://x.example", "*"])
      expect(() => loadConfig({ ALLOWED_ORIGINS: bad }), bad).toThrow(
        /^bad environment: ALLOWED_ORIGINS: .* is not an origin; list scheme:\/\/host\[:port\]/,
      );
  });

  it("reads every variable, treats empty values as unset and trims PUBLIC_URL's trailing slash", () => {
    const c = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      PUBLIC_URL: "https://class.example/",
      DATABASE_URL: "postgresql://u@db/x",
      REDIS_URL: "redis://127.0.0.1:6380",
      VERIFY_FRACTION: "0.25",
      STATS_INTERVAL_MS: "",
      SAMPLE_RATE_PER_SECOND: "5",
      SAMPLE_BURST: "10",
      ADMIN_TOKEN: STRONG,
      SESSION_IDLE_MINUTES: "0.5",
      MODEL_CACHE_MB: "64",
      DECODER_WARMUP_TOKENS: "0",
      RETENTION_DAYS: "0",
    });
    expect(c).toMatchObject({
      port: 0,
      host: "127.0.0.1",
      publicUrl: "https://class.example",
      database: { kind: "postgres", url: "postgresql://u@db/x" },
      redisUrl: "redis://127.0.0.1:6380",
      verifyFraction: 0.25,
      statsIntervalMs: 250,
      sampleRatePerSecond: 5,
      sampleBurst: 10,
      adminToken: STRONG,
      sessionIdleMinutes: 0.5,
      modelCacheMb: 64,
      decoderWarmupTokens: 0,
      retentionDays: 0,
    });
    expect(loadConfig({ DATA_DIR: ":memory:" }).database).toEqual({ kind: "pglite", dataDir: undefined });
  });

  it("names the variable when a value is bad", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: "70000" }, /^bad environment: PORT: /],
      [{ PORT: "http" }, /^bad environment: PORT: /],
      [{ PORT: "80.5" }, /^bad environment: PORT: /],
      [{ PUBLIC_URL: "not a url" }, /^bad environment: PUBLIC_URL: /],
      [{ VERIFY_FRACTION: "1.5" }, /^bad environment: VERIFY_FRACTION: /],
      [{ STATS_INTERVAL_MS: "5" }, /^bad environment: STATS_INTERVAL_MS: /],
      [{ SAMPLE_RATE_PER_SECOND: "0" }, /^bad environment: SAMPLE_RATE_PER_SECOND: /],
      [{ SAMPLE_BURST: "-1" }, /^bad environment: SAMPLE_BURST: /],
      [{ ADMIN_TOKEN: "short" }, /^bad environment: ADMIN_TOKEN: /],
      [
        { LIMIT_SESSIONS_PER_IP: "30" },
        /^bad environment: LIMIT_SESSIONS_PER_IP: "30" is not a rate; write N\/window/,
      ],
      [{ LIMIT_GUESSES_PER_PARTICIPANT: "0/1m" }, /^bad environment: LIMIT_GUESSES_PER_PARTICIPANT: /],
      [{ LIMIT_TRAININGS_PER_IP: "5/8d" }, /^bad environment: LIMIT_TRAININGS_PER_IP: /],
      [{ MAX_STUDENTS_PER_SESSION: "0" }, /^bad environment: MAX_STUDENTS_PER_SESSION: /],
      [{ MAX_SOCKETS_PER_IP: "many" }, /^bad environment: MAX_SOCKETS_PER_IP: /],
      [{ TRUST_PROXY: "10.0.0.0/99" }, /^bad environment: TRUST_PROXY: .*write false, true, a hop count/],
      [{ SESSION_IDLE_MINUTES: "0" }, /^bad environment: SESSION_IDLE_MINUTES: /],
      [{ SESSION_IDLE_MINUTES: "soon" }, /^bad environment: SESSION_IDLE_MINUTES: /],
      [{ MODEL_CACHE_MB: "0" }, /^bad environment: MODEL_CACHE_MB: /],
      [{ MODEL_CACHE_MB: "1.5" }, /^bad environment: MODEL_CACHE_MB: /],
      [{ RETENTION_DAYS: "-1" }, /^bad environment: RETENTION_DAYS: /],
      [{ RETENTION_DAYS: "30.5" }, /^bad environment: RETENTION_DAYS: /],
      [{ DATABASE_URL: "mysql://db/x" }, /DATABASE_URL must start with postgres:\/\/ .*\(got "mysql:"\)/],
    ];
    for (const [env, message] of bad) expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
  });
});

describe("[H6] ADMIN_TOKEN is refused at start-up when weak", () => {
  it("refuses short, low-variety, repeated and dictionary tokens, saying how to make one", () => {
    const weak: [string, RegExp][] = [
      ["short", /has 5 characters, at least 24 are required/],
      ["a".repeat(40), /fewer than 8 different characters/],
      ["Qwertyuiop-Asdfghjkl-Zxcvbnm", /contains "qwerty"/],
      ["q7Wz!k2Pq7Wz!k2Pq7Wz!k2Pq7Wz!k2P", /one short piece repeated/],
      ["my-Password-for-the-class-2026", /contains "password"/],
      ["e2e-admin-token-0123456789", /contains "admin"/],
      ["correct-horse-letmein-battery-staple", /contains "letmein"/],
      ["zxq123456789wvu-plk-jhg-fds", /contains "123456"/],
    ];
    for (const [token, reason] of weak) {
      expect(adminTokenProblem(token), token).toMatch(reason);
      expect(() => loadConfig({ ADMIN_TOKEN: token }), token).toThrow(
        /^bad environment: ADMIN_TOKEN: .*; make one with `openssl rand -hex 24`/,
      );
    }
  });

  it("accepts random tokens (hex, base64) and an unset one", () => {
    for (const token of [STRONG, "kq3Vt9Zx2LmP8wRb4NcY7hJd", "Zm9vYmFyYmF6cXV4cXV1eHF1dXpxdXV4"])
      expect(adminTokenProblem(token), token).toBeNull();
    expect(loadConfig({ ADMIN_TOKEN: STRONG }).adminToken).toBe(STRONG);
    expect(loadConfig({}).adminToken).toBeUndefined();
  });
});

describe("defaultPublicUrl (PUBLIC_URL unset)", () => {
  it("uses the bound address and the real port when the server listens on one address", () => {
    expect(defaultPublicUrl({ address: "127.0.0.1", family: "IPv4", port: 41234 })).toBe(
      "http://127.0.0.1:41234",
    );
    expect(defaultPublicUrl({ address: "::1", family: "IPv6", port: 8080 })).toBe("http://[::1]:8080");
  });

  it("uses the machine's LAN address when the server listens on every interface", () => {
    const host = lanAddress() ?? "localhost";
    expect(defaultPublicUrl({ address: "0.0.0.0", family: "IPv4", port: 3000 })).toBe(`http://${host}:3000`);
    expect(defaultPublicUrl({ address: "::", family: "IPv6", port: 3000 })).toBe(`http://${host}:3000`);
  });
});
