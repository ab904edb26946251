import { describe, expect, it } from "vitest";
import { isOutboxState, Outbox, type OutboxState, type OutboxStore } from "./outbox.ts";

function memoryStore(): OutboxStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    load: (key) => {
      const raw = data.get(key);
      return raw === undefined ? null : (JSON.parse(raw) as OutboxState);
    },
    save: (key, state) => void data.set(key, JSON.stringify(state)),
    remove: (key) => void data.delete(key),
  };
}

const sample = (index: number) => ({ index, tokens: [index % 5] });

describe("Outbox", () => {
  it("persists pending samples and the next index on every change", () => {
    const store = memoryStore();
    const box = new Outbox("k", store);
    box.add([sample(0), sample(1), sample(2)]);
    const reloaded = new Outbox("k", store);
    expect(reloaded.nextIndex).toBe(3);
    expect(reloaded.pendingIndexes()).toEqual([0, 1, 2]);
  });

  it("drops a sample only when its ack settles it", () => {
    const box = new Outbox("k", memoryStore());
    box.add([sample(0), sample(1), sample(2), sample(3)]);
    const s = box.settle([
      { index: 0, status: "accepted" },
      { index: 1, status: "duplicate" },
      { index: 2, status: "rejected", code: "UNAVAILABLE", message: "resend" },
      { index: 3, status: "rejected", code: "SAMPLE_MISMATCH", message: "no" },
    ]);
    expect(s.accepted).toEqual([0, 1]);
    expect(s.retry).toEqual([2]);
    expect(s.rejected.map((r) => r.index)).toEqual([3]);
    expect(box.pendingIndexes()).toEqual([2]);
  });

  it("resumes at the larger of its own and the server's next index, and never reuses an index", () => {
    const box = new Outbox("k", memoryStore());
    box.add([sample(0)]);
    box.resumeAt(7);
    expect(box.nextIndex).toBe(7);
    box.resumeAt(3);
    expect(box.nextIndex).toBe(7);
    box.add([sample(5), sample(7)]);
    expect(box.pendingIndexes()).toEqual([0, 7]);
    expect(box.nextIndex).toBe(8);
  });

  it("batches the oldest samples first", () => {
    const box = new Outbox("k", memoryStore());
    box.add(Array.from({ length: 250 }, (_, i) => sample(i)));
    expect(box.batch(100).map((s) => s.index)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("discard removes the stored state", () => {
    const store = memoryStore();
    const box = new Outbox("k", store);
    box.add([sample(0)]);
    box.discard();
    expect(store.data.has("k")).toBe(false);
    expect(box.size).toBe(0);
  });

  it("keeps the newest completions with the samples, so the list survives a reload", () => {
    const store = memoryStore();
    const box = new Outbox("k", store);
    const done = {
      index: 0,
      tokens: [3, 4],
      probs: [0.5, 0.25],
      labels: ["a", "cat"],
      spaceBefore: [true, true],
    };
    box.add([sample(0)], [done]);
    box.settle([{ index: 0, status: "accepted" }]);
    const reloaded = new Outbox("k", store);
    expect(reloaded.size).toBe(0);
    expect(reloaded.recent).toEqual([done]);
    expect(isOutboxState(JSON.parse(store.data.get("k")!))).toBe(true);
  });

  it("reads an outbox stored before completions were kept, and refuses malformed completions", () => {
    expect(new Outbox("k", memoryStore()).recent).toEqual([]);
    expect(isOutboxState({ nextIndex: 1, pending: [] })).toBe(true);
    expect(isOutboxState({ nextIndex: 1, pending: [], recent: [{ index: 0, tokens: [1] }] })).toBe(false);
  });
});
