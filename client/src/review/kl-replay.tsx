/**
 * KL-vs-N replayed from the stored samples: the live KL chart, a slider over the curve's points (log-spaced
 * in N) and a Play button that grows the curve from N = 1 to the round's total, with the KL at that N.
 */
import { useEffect, useId, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ReviewKlPoint } from "@tokenroom/shared";
import { KlChart } from "../charts/kl-chart.tsx";
import { klDomains, klRows } from "../charts/kl-data.ts";
import { formatBits, formatInt } from "../lib/format.ts";
import { expectedAt, playStepMs, replayHistory } from "./replay-data.ts";

const bits = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : formatBits(x);

export function KlReplay({ curve, support }: { curve: ReviewKlPoint[]; support: number }) {
  const { t } = useTranslation();
  const id = useId();
  const last = curve.length - 1;
  const [index, setIndex] = useState(last);
  const [playing, setPlaying] = useState(false);
  const full = useMemo(() => replayHistory(curve, last), [curve, last]);
  const domains = useMemo(() => klDomains(klRows(full, support)), [full, support]);
  const history = useMemo(
    () => (index >= last ? full : replayHistory(curve, index)),
    [curve, index, last, full],
  );

  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setIndex((i) => Math.min(last, i + 1)), playStepMs(curve.length));
    return () => clearInterval(timer);
  }, [playing, last, curve.length]);
  useEffect(() => {
    if (playing && index >= last) setPlaying(false);
  }, [playing, index, last]);

  const point = curve[Math.max(0, Math.min(index, last))];
  if (!point) return <p className="hint">{t("charts.noSamples")}</p>;
  const n = formatInt(point.n);
  const chance = expectedAt(curve, Math.max(0, Math.min(index, last)));
  const toggle = () => {
    if (playing) return setPlaying(false);
    if (index >= last) setIndex(0);
    setPlaying(true);
  };

  return (
    <div className="kl-replay">
      <KlChart history={history} support={support} domains={domains} />
      <div className="replay-controls">
        <button
          type="button"
          className="button primary big play-button"
          onClick={toggle}
          aria-pressed={playing}
        >
          {playing ? t("review.pause") : t("review.play")}
        </button>
        <div className="replay-slider">
          <label className="field-label" htmlFor={`${id}-n`}>
            {t("review.sliderLabel")}{" "}
            <output htmlFor={`${id}-n`} className="value" data-testid="replay-n">
              {n}
            </output>
          </label>
          <input
            id={`${id}-n`}
            type="range"
            min={0}
            max={Math.max(0, last)}
            step={1}
            value={Math.min(index, last)}
            onChange={(e) => {
              setPlaying(false);
              setIndex(Number(e.target.value));
            }}
            aria-valuetext={t("review.sliderValue", { n })}
            disabled={last < 1}
          />
        </div>
      </div>
      <p className="replay-readout" aria-live={playing ? "off" : "polite"}>
        <span>
          {t("review.klAt", { n })} <strong data-testid="replay-kl">{bits(point.firstKlBits)}</strong>{" "}
          {t("metrics.bits")}
        </span>
        <span>
          {t("review.klWholeAt")} <strong>{bits(point.completionKlBits)}</strong> {t("metrics.bits")}
        </span>
        {chance ? (
          <span>
            {t(chance.computed ? "review.chanceExactAt" : "review.chanceNearAt")}{" "}
            <strong data-testid="replay-chance">{formatBits(chance.bits)}</strong> {t("metrics.bits")}
          </span>
        ) : (
          <span className="hint">
            {t("review.chanceAt", { value: bits(point.expectedKlFirstOrderBits) })}
          </span>
        )}
      </p>
    </div>
  );
}
