/**
 * Graceful shutdown: SIGTERM to a real server process (embedded PGlite in a temporary DATA_DIR) while
 * students stream samples. Every sample is either written and acked, or not acked and then resent to the
 * restarted server and stored exactly once; nothing is lost, and both processes exit 0.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import {
  type HostSnapshot,
  type JoinResult,
  type RoundInfo,
  type StudentSnapshot,
  type SubmitResult,
} from "@tokenroom/shared";
import { openDatabase } from "../src/store/database.ts";
import {
  attachHost,
  call,
  type ClientSocket,
  connectTo,
  createSessionAt,
  expectOk,
  joinAs,
  phoneSamples,
  submitAccepted,
  startToyRound,
} from "./boot.ts";
import { pgliteDataDir } from "./pglite.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";

const sockets: ClientSocket[] = [];
const connect = (url: string) => connectTo(url, sockets);
const dataDir = pgliteDataDir("tokenroom-shutdown-");
// the embedded database, never a shared one; a generous rate limit (the phones send as fast as acks come)
const env = {
  DATA_DIR: dataDir,
  DATABASE_URL: "",
  REDIS_URL: "",
  SAMPLE_RATE_PER_SECOND: "100000",
  SAMPLE_BURST: "100000",
  LOG_LEVEL: "warn",
};
let server: ServerProcess | undefined;
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.stop("SIGKILL");
});

const BATCH = 5;
const MAX_PER_STUDENT = 4_000;

/** SIGTERM (or another signal), then the exit code once the process is gone. */
async function exitCode(s: ServerProcess, signal: NodeJS.Signals): Promise<number | null> {
  await s.stop(signal);
  return s.child.exitCode;
}

interface Phone {
  nickname: string;
  joined: JoinResult;
  /** Indexes sent at least once, and those the server acked as stored. */
  sent: number;
  acked: Set<number>;
}

/** Sends batches until the socket goes away (or MAX_PER_STUDENT): the stream SIGTERM interrupts. */
async function stream(socket: ClientSocket, round: RoundInfo, phone: Phone): Promise<void> {
  while (socket.connected && phone.sent < MAX_PER_STUDENT) {
    const samples = phoneSamples(round, phone.joined.participantId, phone.sent, BATCH);
    phone.sent += BATCH;
    const r = await call<SubmitResult>(socket, "sample:submit", { roundId: round.id, samples }).catch(
      () => null, // the connection closed before the ack: not acked
    );
    if (r?.ok) for (const x of r.data.results) if (x.status === "accepted") phone.acked.add(x.index);
  }
}

describe("graceful shutdown", () => {
  it("SIGTERM mid-stream: acked samples are stored, the rest are resent once, the process exits 0", async () => {
    server = await startServer(env);
    const created = await createSessionAt(server.url);
    const host = await connect(server.url);
    await attachHost(host, created);
    const phones: (Phone & { socket: ClientSocket })[] = [];
    for (const nickname of ["Ann", "Bo", "Cy"]) {
      const socket = await connect(server.url);
      const joined = await joinAs(socket, created.code, nickname);
      phones.push({ nickname, joined, socket, sent: 0, acked: new Set() });
    }
    const round = await startToyRound(host);

    const streams = phones.map((p) => stream(p.socket, round, p));
    // mid-stream: every phone has been acked a few batches and keeps sending
    await vi.waitFor(() => expect(Math.min(...phones.map((p) => p.acked.size))).toBeGreaterThanOrEqual(20), {
      timeout: 20_000,
      interval: 20,
    });
    expect(await exitCode(server, "SIGTERM")).toBe(0);
    await Promise.all(streams);
    // the shutdown, not the bound, ended every stream
    for (const p of phones) expect(p.sent).toBeLessThan(MAX_PER_STUDENT);

    // restart on the same data: every acked sample is there; the phones resend what was not acked
    server = await startServer(env);
    for (const p of phones) {
      const socket = await connect(server.url);
      const snapshot = await expectOk(
        call<StudentSnapshot>(socket, "student:resume", {
          participantId: p.joined.participantId,
          resumeToken: p.joined.resumeToken,
        }),
      );
      expect(snapshot.round?.id).toBe(round.id);
      // stored: what was acked, plus at most the batches whose ack the shutdown cut off
      expect(snapshot.acked).toBeGreaterThanOrEqual(p.acked.size);
      expect(snapshot.acked).toBeLessThanOrEqual(p.sent);
      const unacked = phoneSamples(round, p.joined.participantId, 0, p.sent).filter(
        (s) => !p.acked.has(s.index),
      );
      for (let i = 0; i < unacked.length; i += 100) {
        await submitAccepted(socket, round.id, unacked.slice(i, i + 100));
      }
    }
    const total = phones.reduce((s, p) => s + p.sent, 0);
    const host2 = await connect(server.url);
    const snap = await expectOk(
      call<HostSnapshot>(host2, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey }),
    );
    expect(snap.stats?.n).toBe(total);
    expect(await exitCode(server, "SIGTERM")).toBe(0);
    server = undefined;

    // the data directory itself: each phone's indexes 0..sent-1, each exactly once
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      for (const p of phones) {
        const rows = await db.prisma.sample.findMany({
          where: { roundId: round.id, participantId: p.joined.participantId },
          select: { idx: true },
          orderBy: { idx: "asc" },
        });
        expect(rows.map((r) => r.idx)).toEqual(Array.from({ length: p.sent }, (_, i) => i));
      }
    } finally {
      await db.close();
    }
  }, 240_000); // two server starts; slow on a loaded machine
});
