import { useEffect, useRef } from 'react';
import { echarts, type EChartsCoreOption } from './echarts';

/**
 * One chart. The drawing is decorative for assistive technology (aria-hidden): each card
 * says the same thing in its summary sentence and its data table.
 */
export function EChart({ option, height, testId }: { option: EChartsCoreOption; height: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const c = echarts.init(el.current!, null, { renderer: 'svg' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option]);

  return <div ref={el} className="chart" style={{ height }} aria-hidden="true" data-testid={testId} />;
}
