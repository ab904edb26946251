import { describe, expect, it } from "vitest";
import { fanoutGroups, shardOf, STUDENT_SHARDS, StudentFanout } from "./student-fanout.ts";

describe("[FAN1] students' statistics in turns", () => {
  it("sends a small class every tick, a large one in 2, 4 or at most 8 turns", () => {
    expect(fanoutGroups(0)).toBe(1);
    expect(fanoutGroups(250)).toBe(1);
    expect(fanoutGroups(251)).toBe(2);
    expect(fanoutGroups(500)).toBe(2);
    expect(fanoutGroups(1000)).toBe(4);
    expect(fanoutGroups(2000)).toBe(8);
    expect(fanoutGroups(50_000)).toBe(8);
    expect(fanoutGroups(12, 5)).toBe(4);
  });

  it("puts a participant in one fixed sub-room, and spreads a class over all of them", () => {
    const ids = Array.from({ length: 800 }, (_, i) => `participant-${i}`);
    expect(ids.map(shardOf)).toEqual(ids.map(shardOf));
    const sizes = new Array<number>(STUDENT_SHARDS).fill(0);
    for (const id of ids) sizes[shardOf(id)]!++;
    for (const n of sizes) expect(n).toBeGreaterThan(50); // 100 each on average
  });

  it("writes each view to every sub-room exactly once, a small class in one tick", () => {
    const f = new StudentFanout<string>();
    expect(f.take(10)).toBeNull(); // nothing offered yet
    f.offer("v1");
    expect(f.take(10)).toEqual({ shards: [0, 1, 2, 3, 4, 5, 6, 7], view: "v1" });
    expect(f.take(10)).toBeNull(); // nothing new: nothing is sent again
  });

  it("a class of 1,000 hears a view in turns of 2 sub-rooms while views keep coming, the rest on a quiet tick", () => {
    const f = new StudentFanout<string>();
    f.offer("busy");
    expect(f.take(1000)).toEqual({ shards: [0, 1], view: "busy" });
    f.offer("last"); // the turn goes on where it stopped
    expect(f.take(1000)).toEqual({ shards: [2, 3], view: "last" });
    // no new view: the class stopped; every sub-room still due hears the last view now, once
    expect(f.take(1000)).toEqual({ shards: [4, 5, 6, 7, 0, 1], view: "last" });
    expect(f.take(1000)).toBeNull();
    expect(f.take(1000)).toBeNull();
  });

  it("a class of 2,000 on a quiet tick: four times the usual share, never every phone at once", () => {
    const f = new StudentFanout<string>();
    f.offer("last");
    expect(f.take(2000)).toEqual({ shards: [0], view: "last" }); // 8 turns: one sub-room a tick
    expect(f.take(2000)).toEqual({ shards: [1, 2, 3, 4], view: "last" }); // quiet: 4 sub-rooms (~1,000 phones)
    expect(f.take(2000)).toEqual({ shards: [5, 6, 7], view: "last" });
    expect(f.take(2000)).toBeNull();
  });

  it("under a new view every tick, no sub-room waits more than `groups` ticks and each hears the newest", () => {
    const f = new StudentFanout<number>();
    const lastHeard = new Array<number>(STUDENT_SHARDS).fill(-1);
    for (let tick = 0; tick < 40; tick++) {
      f.offer(tick);
      const due = f.take(2000)!; // 8 turns: one sub-room a tick
      expect(due.view).toBe(tick);
      for (const k of due.shards) lastHeard[k] = tick;
      if (tick >= 7) for (const t of lastHeard) expect(tick - t).toBeLessThan(8);
    }
  });
});
