/** The class chart on a phone (lazy: recharts loads only when this shows). */
import type { RoundStats, TheoryView } from "@tokenroom/shared";
import { useTranslation } from "react-i18next";
import { formatInt } from "../lib/format.ts";
import { DistributionChart } from "./distribution-chart.tsx";

export default function ClassChart({
  stats,
  theory,
}: {
  stats: RoundStats | null;
  theory: TheoryView | null;
}) {
  const { t } = useTranslation();
  return (
    <>
      <p className="hint">
        {t("student.classCount", { count: stats?.n ?? 0, students: formatInt(stats?.contributors ?? 0) })}
      </p>
      <DistributionChart stats={stats} theory={theory} maxRows={8} rowHeight={34} fontSize={14} />
    </>
  );
}
