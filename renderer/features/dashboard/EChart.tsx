import { useEffect, useRef, useState } from 'react';
import { echarts, type EChartsCoreOption } from './echarts';

/**
 * One chart. The drawing is decorative for assistive technology (aria-hidden): each card
 * says the same thing in its summary sentence and its data table. A chart is drawn once it
 * comes near the viewport, so the first screen paints without waiting for the ones below.
 */
export function EChart({ option, height, testId }: { option: EChartsCoreOption; height: number; testId?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const [visible, setVisible] = useState(false);

  useEffect(() => {
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setVisible(true), { rootMargin: '200px' });
    io.observe(el.current!);
    return () => io.disconnect();
  }, []);

  useEffect(() => {
    if (!visible) return;
    const c = echarts.init(el.current!, null, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [visible]);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true, lazyUpdate: true });
  }, [option, visible]);

  return <div ref={el} className="chart" style={{ height }} aria-hidden="true" data-testid={testId} />;
}
