/** One big number of a counters row (samples, contributors…) with its label under it. */
export function Counter({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="counter">
      <span className="counter-value" data-testid={testId}>
        {value}
      </span>
      <span className="counter-label">{label}</span>
    </div>
  );
}
