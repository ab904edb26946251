/**
 * [FAN1] A large class's phones hear the statistics in turns (STATS_FANOUT_SOCKETS): over real sockets, with the
 * turns made small (2 phones a tick), every phone still hears the class's final N, and no view twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RoundStats, SubmitResult } from "@tokenroom/shared";
import { type Booted, boot, call, expectOk, next, phoneSamples, startToyRound } from "./boot.ts";
import { shardOf } from "../src/realtime/student-fanout.ts";

describe("[FAN1] students' statistics in turns", () => {
  let t: Booted;
  beforeAll(async () => {
    t = await boot({ statsFanoutSockets: 2, statsIntervalMs: 40 });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("reaches every phone with the final statistics, each view once", async () => {
    const { socket: host, session } = await t.host();
    const students = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.student(session.code, `student ${i}`)),
    );
    // 8 phones, 2 a tick: 4 turns; the phones sit in more than one sub-room
    expect(new Set(students.map((s) => shardOf(s.joined.participantId))).size).toBeGreaterThan(1);
    const round = await startToyRound(host);
    await expectOk(call(host, "round:reveal", { roundId: round.id }));
    const heard = students.map(() => [] as number[]);
    students.forEach((s, i) => s.socket.on("round:stats", (x: RoundStats) => heard[i]!.push(x.n)));

    const perStudent = 5;
    for (let batch = 0; batch < perStudent; batch++) {
      await Promise.all(
        students.map(async (s) => {
          const [sample] = phoneSamples(round, s.joined.participantId, batch, 1);
          const r = await expectOk(
            call<SubmitResult>(s.socket, "sample:submit", { roundId: round.id, samples: [sample] }),
          );
          expect(r.results[0]!.status).toBe("accepted");
        }),
      );
      // the projector has counted this batch before the next one: each batch makes a view of its own
      const counted = students.length * (batch + 1);
      await next(host, "round:stats", (x: RoundStats) => x.n === counted);
    }
    const total = students.length * perStudent; // the projector has counted it (the loop's last wait)
    const finals = await Promise.all(
      students.map((s) => next(s.socket, "round:stats", (x: RoundStats) => x.n === total)),
    );
    for (const f of finals) expect(f.n).toBe(total);
    // each view reaches a phone once: what a phone hears only grows (no view is sent to it twice)
    for (const ns of heard) {
      expect(ns.length).toBeGreaterThan(0);
      for (let k = 1; k < ns.length; k++) expect(ns[k]!).toBeGreaterThan(ns[k - 1]!);
    }
  });
});
