/** Dates and durations of stored sessions in the interface's locale (the same one numbers use). */
import { numberLocale } from "../lib/format.ts";

/** An ISO 8601 timestamp as a medium date and a short time ("12 Mar 2026, 14:05" / "2026年3月12日 14:05"). */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(numberLocale(), { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** The time between two timestamps in whole minutes (at least 1), or seconds below a minute. */
export function formatDuration(fromIso: string, toIso: string): string | null {
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return null;
  const seconds = ms / 1000;
  const [value, unit] =
    seconds < 60 ? [Math.max(1, Math.round(seconds)), "second"] : [Math.round(seconds / 60), "minute"];
  return new Intl.NumberFormat(numberLocale(), { style: "unit", unit, unitDisplay: "long" }).format(value);
}
