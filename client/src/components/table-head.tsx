/** A table's header row: one column header a column (`num` right-aligns a column of numbers). */
import type { ReactNode } from "react";

export interface TableColumn {
  label: ReactNode;
  num?: boolean;
}

export function TableHead({ columns }: { columns: readonly TableColumn[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <th key={i} scope="col" className={c.num ? "num" : undefined}>
            {c.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
