/** A round's decoding settings in plain words, for students (one sentence per setting). */
import type { TFunction } from "i18next";
import type { RoundInfo } from "@tokenroom/shared";
import { formatNumber } from "../lib/format.ts";

export function describeSettings(
  round: Pick<RoundInfo, "temperature" | "topK" | "topP" | "maxTokens">,
  t: TFunction,
): string[] {
  const { temperature: temp, topK, topP, maxTokens } = round;
  const value = formatNumber(temp);
  const lines: string[] = [];
  if (temp === 0) lines.push(t("settings.temperatureGreedy"));
  else if (temp < 0.5) lines.push(t("settings.temperatureMuchLower", { value }));
  else if (temp < 0.95) lines.push(t("settings.temperatureLower", { value }));
  else if (temp === 1) lines.push(t("settings.temperatureOne"));
  else if (temp <= 1.05) lines.push(t("settings.temperatureAboutOne", { value }));
  else if (temp <= 1.5) lines.push(t("settings.temperatureHigher", { value }));
  else lines.push(t("settings.temperatureMuchHigher", { value }));
  if (temp > 0) {
    if (topK === 1) lines.push(t("settings.topKOne"));
    else if (topK > 1) lines.push(t("settings.topK", { count: topK }));
    if (topP < 1) lines.push(t("settings.topP", { value: Math.round(topP * 1000) / 10 }));
    if (topK === 0 && topP >= 1) lines.push(t("settings.noLimits"));
  }
  lines.push(t("settings.length", { count: maxTokens }));
  return lines;
}
