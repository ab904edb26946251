/** The live header's settings line: the round's decoding settings in short words, then what the view adds. */
import type { TFunction } from "i18next";
import type { RoundInfo } from "@tokenroom/shared";
import { formatNumber } from "../lib/format.ts";

/** Temperature (or greedy), top-k and top-p where they cut, then `more` (nulls left out). */
export function settingsLine(
  round: Pick<RoundInfo, "temperature" | "topK" | "topP">,
  t: TFunction,
  more: (string | null)[],
): string[] {
  return [
    round.temperature === 0
      ? t("live.greedy")
      : t("live.temperature", { value: formatNumber(round.temperature) }),
    round.topK > 0 ? t("live.topK", { value: round.topK }) : null,
    round.topP < 1 ? t("live.topP", { value: formatNumber(round.topP) }) : null,
    ...more,
  ].filter((s): s is string => s !== null);
}
