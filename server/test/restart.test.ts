/**
 * A real process restart in the middle of a round: the session, the round and every acked sample come back
 * from the database; students resume, resend what was not acked, and the totals are exact.
 */
import { afterAll, describe, expect, it } from "vitest";
import { type HostSnapshot, type StudentSnapshot } from "@tokenroom/shared";
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
  testDatabaseUrl,
} from "./boot.ts";
import { pgliteDataDir } from "./pglite.ts";
import { startServer, type ServerProcess } from "../../test/support/process.ts";

const sockets: ClientSocket[] = [];
const connect = (url: string) => connectTo(url, sockets);

const dataDir = pgliteDataDir("tokenroom-restart-");
let server: ServerProcess | undefined;
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await server?.stop("SIGKILL");
});

const cases: { name: string; env: () => Promise<Record<string, string>>; signal: NodeJS.Signals }[] = [
  {
    name: "PGlite, killed with SIGKILL",
    env: () => Promise.resolve({ DATA_DIR: dataDir }),
    signal: "SIGKILL",
  },
  {
    name: "PostgreSQL, killed with SIGKILL",
    env: async () => ({ DATABASE_URL: await testDatabaseUrl() }),
    signal: "SIGKILL",
  },
];
describe.each(cases)("server restart mid-round ($name)", ({ env: envOf, signal }) => {
  it("brings back the round and every acked sample; resends count once", async () => {
    const env = await envOf();
    server = await startServer(env);
    const created = await createSessionAt(server.url);
    const host = await connect(server.url);
    await attachHost(host, created);
    const students = await Promise.all(
      ["Ann", "Bo"].map(async (nickname) => {
        const s = await connect(server!.url);
        return {
          socket: s,
          joined: await joinAs(s, created.code, nickname),
        };
      }),
    );
    const round = await startToyRound(host, {
      prompt: "the mouse",
      temperature: 1.2,
      topP: 0.9,
      maxTokens: 4,
    });
    for (const s of students) {
      await submitAccepted(s.socket, round.id, phoneSamples(round, s.joined.participantId, 0, 40));
    }

    await server.stop(signal);
    // the new process gets a new port from the OS: phones reconnect to wherever the server now is
    server = await startServer(env);

    const host2 = await connect(server.url);
    const snap = await attachHost(host2, created);
    expect(snap.round?.id).toBe(round.id);
    expect(snap.round?.status).toBe("open");
    expect(snap.stats?.n).toBe(80);
    expect(snap.participants.map((p) => p.nickname).sort()).toEqual(["Ann", "Bo"]);

    for (const s of students) {
      const again = await connect(server.url);
      const resumed = await expectOk(
        call<StudentSnapshot>(again, "student:resume", {
          participantId: s.joined.participantId,
          resumeToken: s.joined.resumeToken,
        }),
      );
      expect(resumed.nextIndex).toBe(40);
      // the phone resends its last acked batch (the ack was lost in the crash) and its unacked samples
      const resend = phoneSamples(round, s.joined.participantId, 30, 20);
      await submitAccepted(again, round.id, resend);
    }
    const after = await expectOk(
      call<HostSnapshot>(host2, "host:attach", { sessionId: created.sessionId, hostKey: created.hostKey }),
    );
    expect(after.stats?.n).toBe(100);
    await server.stop("SIGTERM");
    server = undefined;
  });
});
