import { describe, expect, it } from "vitest";
import { formatCountdown, timerRemainingMs } from "./timer.ts";

describe("[TM1] round timer countdown", () => {
  it("is null without a timer", () => {
    expect(timerRemainingMs({ endsAt: null, serverNow: 1000 }, 5, 10)).toBeNull();
  });

  it("counts from the server's clock, whatever the client's clock reads", () => {
    // Server at 100_000 sent a round ending at 130_000; the client's clock is far off (5_000) and 2 s have passed.
    expect(timerRemainingMs({ endsAt: 130_000, serverNow: 100_000 }, 5_000, 7_000)).toBe(28_000);
    expect(timerRemainingMs({ endsAt: 130_000, serverNow: 100_000 }, 5_000, 40_000)).toBe(0);
  });

  it("formats m:ss rounding up, so 0:00 only when the time is up", () => {
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(59_001)).toBe("1:00");
    expect(formatCountdown(600_000)).toBe("10:00");
  });
});
