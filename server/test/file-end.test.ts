import { describe, expect, it } from "vitest";
import { atFileEnd, runFileEnd } from "./file-end.ts";

describe("file-end cleanups", () => {
  it("run once, last registered first, and every one runs even when one fails", async () => {
    const ran: string[] = [];
    atFileEnd(() => void ran.push("pglite dir"));
    atFileEnd(() => {
      ran.push("database");
      throw new Error("drop failed");
    });
    atFileEnd(async () => void ran.push(await Promise.resolve("late")));
    await expect(runFileEnd()).rejects.toThrow(AggregateError);
    expect(ran).toEqual(["late", "database", "pglite dir"]);
    await runFileEnd(); // nothing left: none runs twice
    expect(ran).toHaveLength(3);
  });
});
