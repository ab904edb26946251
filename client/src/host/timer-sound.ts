/**
 * [TM1] The host's optional "time's up" sound: a setting of this browser only (off by default), and a short beep
 * made with WebAudio (no audio file). Phones never play it.
 */
import { readJson, writeJson } from "../lib/storage.ts";

const KEY = "timerSound";

export function timerSoundOn(): boolean {
  return readJson(KEY, (v): v is boolean => typeof v === "boolean") ?? false;
}

export function setTimerSound(on: boolean): void {
  writeJson(KEY, on);
}

/** Two short tones (≈0.5 s); silently nothing where WebAudio is missing or refused. */
export function playTimeUpCue(): void {
  if (!timerSoundOn() || typeof AudioContext === "undefined") return;
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = ctx.createOscillator();
      osc.type = "sine";
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0 + i * 0.25);
      osc.stop(t0 + i * 0.25 + 0.2);
      if (i === 1) osc.onended = () => void ctx.close();
    }
    gain.gain.setValueAtTime(0.25, t0);
    gain.gain.exponentialRampToValueAtTime(0.001, t0 + 0.5);
    void ctx.resume();
  } catch {
    // no sound: the projector still shows "Time's up"
  }
}
