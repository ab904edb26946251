/**
 * A rate limit as one environment value: `N/window`, e.g. `30/10m` (30 actions per 10 minutes), or `off`.
 * Windows are fixed (rate-limiter-flexible's counters): the count starts at the first action and resets after
 * the window, so a burst of N is always allowed and the sustained rate is at most N per window.
 */

export interface Rate {
  /** Actions allowed per window. */
  points: number;
  /** The window, in seconds. */
  seconds: number;
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** "30/10m" → { points: 30, seconds: 600 }; "off" → null; anything else → an Error that shows the format. */
export function parseRate(text: string): Rate | null {
  const value = text.trim().toLowerCase();
  if (value === "off") return null;
  const m = /^(\d{1,9})\s*\/\s*(\d{1,6})?\s*([smh])$/.exec(value);
  const points = Number(m?.[1]);
  const seconds = Number(m?.[2] ?? 1) * UNIT_SECONDS[(m?.[3] ?? "s") as keyof typeof UNIT_SECONDS];
  if (!m || points < 1 || seconds < 1 || seconds > 7 * 86_400)
    throw new Error(
      `"${text}" is not a rate; write N/window with N ≥ 1 and a window of s, m or h up to 7 days ` +
        `(e.g. 30/10m, 5/s, 100/1h), or off`,
    );
  return { points, seconds };
}

/** The inverse of parseRate, for messages and logs: { 30, 600 } → "30 per 10 minutes". */
export function describeRate(rate: Rate): string {
  const { points, seconds } = rate;
  const [n, unit] =
    seconds % 3600 === 0
      ? [seconds / 3600, "hour"]
      : seconds % 60 === 0
        ? [seconds / 60, "minute"]
        : [seconds, "second"];
  return `${points} per ${n === 1 ? unit : `${n} ${unit}s`}`;
}
