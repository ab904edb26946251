import type { RoundInfo } from "@tokenroom/shared";

/** [RV1] Whether the model's exact distribution may be shown now (not before the reveal of a round that hides it). */
export function modelShown(round: RoundInfo): boolean {
  return !(round.hideUntilReveal && round.status === "open");
}
