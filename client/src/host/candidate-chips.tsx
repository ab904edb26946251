/** The candidates of a guess or "be the model" round as coloured chips, the last one "something else". */
import { outcomeColor } from "../lib/prob-colors.ts";

export function CandidateChips({ labels }: { labels: readonly string[] }) {
  return (
    <ul className="candidate-chips">
      {labels.map((label, i) => {
        const color = outcomeColor(i, labels.length);
        return (
          <li
            key={i}
            className={i === labels.length - 1 ? "candidate else" : "candidate"}
            style={{ borderColor: color.background }}
          >
            <span className="swatch-dot" style={{ background: color.background }} aria-hidden="true" />
            {label}
          </li>
        );
      })}
    </ul>
  );
}
