// The geometry of the overview's charts, drawn as inline SVG by the pages: plain numbers, no
// library and no inline style, so the portal's strict CSP holds. Kept apart from the markup so
// the scaling is unit-tested.

export interface Bar {
  label: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BarChart {
  width: number;
  height: number;
  bars: Bar[];
  /** The value the top of the plot stands for. */
  max: number;
}

/** Vertical bars for `values` in a `width` × `height` plot, scaled so the largest fills it. */
export function barChart(
  values: { label: string; value: number }[],
  width: number,
  height: number,
  fixedMax?: number,
): BarChart {
  const max = fixedMax ?? Math.max(1, ...values.map((item) => item.value));
  const slot = values.length === 0 ? width : width / values.length;
  const gap = Math.min(8, slot * 0.2);
  const bars = values.map((item, index) => {
    const clamped = Math.max(0, Math.min(item.value, max));
    const barHeight = max === 0 ? 0 : (clamped / max) * height;
    return {
      label: item.label,
      value: item.value,
      x: index * slot + gap / 2,
      y: height - barHeight,
      width: Math.max(1, slot - gap),
      height: barHeight,
    };
  });
  return { width, height, bars, max };
}

export interface Row {
  label: string;
  /** `null`: nothing to measure (drawn as no bar, said in words). */
  value: number | null;
  y: number;
  width: number;
}

/** Horizontal bars, one row each, for labels too long to stand under a vertical bar (agency
 * names); `width` is the bars' own width, the largest value (or `fixedMax`) filling it. */
export function horizontalBars(
  values: { label: string; value: number | null }[],
  width: number,
  rowHeight: number,
  fixedMax?: number,
): { rows: Row[]; height: number; max: number } {
  const measured = values.map((item) => item.value ?? 0);
  const max = fixedMax ?? Math.max(1, ...measured);
  const rows = values.map((item, index) => ({
    label: item.label,
    value: item.value,
    y: index * rowHeight,
    width: item.value === null || max === 0 ? 0 : (Math.max(0, Math.min(item.value, max)) / max) * width,
  }));
  return { rows, height: values.length * rowHeight, max };
}

/** A label cut to `length` characters, with an ellipsis when cut. */
export function shortened(label: string, length: number): string {
  return label.length <= length ? label : `${label.slice(0, length - 1)}…`;
}
