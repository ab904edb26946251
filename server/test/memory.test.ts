/**
 * Bounded memory (docs/security.md [MEM1]–[MEM3]): ended and idle live sessions leave memory and come back from
 * the database intact; trained models and decoders share one LRU with a byte budget; the retention sweep deletes
 * exactly the expired ended sessions.
 */
import { afterAll, describe, expect, it, vi } from "vitest";
import type { HostSnapshot, RoundInfo, StudentSnapshot, SubmitResult } from "@tokenroom/shared";
import { sweepLiveSessions } from "../src/realtime/live-memory.ts";
import { type Booted, boot, call, expectOk, phoneSamples } from "./boot.ts";
import { sampleRound } from "./fixtures.ts";

describe("[MEM1] idle and ended live sessions leave memory and come back from the database", () => {
  let t: Booted;
  afterAll(async () => t?.cleanup());

  /** Waits until the server has no socket left (clients disconnected), then sweeps with no idle time. */
  async function sweepWhenDetached() {
    await vi.waitFor(() => expect(t.app.io.of("/").sockets.size).toBe(0));
    return sweepLiveSessions(t.app.sessions, 0);
  }

  it("keeps a session a socket is attached to, drops it once detached, and restores its round and counts", async () => {
    t = await boot();
    const host = await t.host("idle");
    const round = await expectOk(call<RoundInfo>(host.socket, "round:start", sampleRound()));
    const ann = await t.student(host.session.code, "Ann");
    const pid = ann.joined.participantId;
    const first = phoneSamples(round, pid, 0, 5);
    const acked = await expectOk(
      call<SubmitResult>(ann.socket, "sample:submit", { roundId: round.id, samples: first }),
    );
    expect(acked.results.every((r) => r.status === "accepted")).toBe(true);

    // attached (host and student sockets): not idle, even with no idle time at all
    expect(await sweepLiveSessions(t.app.sessions, 0)).toEqual({ evicted: 0, live: 1 });

    host.socket.disconnect();
    ann.socket.disconnect();
    expect(await sweepWhenDetached()).toEqual({ evicted: 1, live: 0 });

    // the host re-attaches with its key: the same round, with its 5 samples counted again from the database
    const again = await t.socket();
    const snapshot = await expectOk(
      call<HostSnapshot>(again, "host:attach", {
        sessionId: host.session.sessionId,
        hostKey: host.session.hostKey,
      }),
    );
    expect(snapshot.round?.id).toBe(round.id);
    expect(snapshot.stats?.n).toBe(5);
    expect(snapshot.participants.map((p) => p.nickname)).toEqual(["Ann"]);
    expect(t.app.sessions.live.size).toBe(1);

    again.disconnect();
    expect(await sweepWhenDetached()).toEqual({ evicted: 1, live: 0 });

    // the student resumes with its token: its progress is intact and it goes on where it stopped
    const phone = await t.socket();
    const resumed = await expectOk(
      call<StudentSnapshot>(phone, "student:resume", {
        participantId: pid,
        resumeToken: ann.joined.resumeToken,
      }),
    );
    expect(resumed.round?.id).toBe(round.id);
    expect({ acked: resumed.acked, nextIndex: resumed.nextIndex }).toEqual({ acked: 5, nextIndex: 5 });
    const more = await expectOk(
      call<SubmitResult>(phone, "sample:submit", {
        roundId: round.id,
        samples: [...first.slice(3), ...phoneSamples(round, pid, 5, 3)],
      }),
    );
    expect(more.results.map((r) => r.status)).toEqual(Array(5).fill("accepted"));
    const count = await t.db.prisma.sample.count({ where: { roundId: round.id } });
    expect(count).toBe(8);
    phone.disconnect();
  });

  it("drops an ended session even while its sockets are still attached", async () => {
    const host = await t.host("ends");
    await expectOk(call<RoundInfo>(host.socket, "round:start", sampleRound()));
    const before = t.app.sessions.live.size;
    await expectOk(call(host.socket, "session:end", {}));
    const swept = await sweepLiveSessions(t.app.sessions, 0);
    expect(swept.evicted).toBeGreaterThanOrEqual(1);
    expect(t.app.sessions.live.has(host.session.sessionId)).toBe(false);
    expect(swept.live).toBeLessThan(before);
    // coming back as ended: the host sees the ended session, with no round
    const snapshot = await expectOk(
      call<HostSnapshot>(host.socket, "host:attach", {
        sessionId: host.session.sessionId,
        hostKey: host.session.hostKey,
      }),
    );
    expect({ ended: snapshot.session.ended, round: snapshot.round }).toEqual({ ended: true, round: null });
  });
});
