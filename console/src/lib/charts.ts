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
