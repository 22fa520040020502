import type { Dashboard } from '../../../src/domain/dashboard';
import { PALETTE, SEQUENTIAL, type EChartsCoreOption } from './echarts';

/**
 * ECharts options of each figure. Every series has a direct label or a decal pattern
 * besides its colour, and the text is the user's number format (passed in as `num`).
 */
type Num = (n: number) => string;

const text = { color: '#1b1f24', fontFamily: 'system-ui, sans-serif', fontSize: 11 };
/** Decal patterns (hatching, dots) on top of colours: ECharts draws them with aria.decal. */
const decals = { enabled: true, label: { enabled: false }, decal: { show: true } };

export function heatmapOption(d: Dashboard, weekdays: string[], num: Num): EChartsCoreOption {
  const data: [number, number, number][] = [];
  d.calls.heatmap.forEach((row, day) => row.forEach((v, hour) => data.push([hour, day, v])));
  const max = Math.max(1, ...d.calls.heatmap.flat());
  return {
    textStyle: text,
    animation: false,
    tooltip: { formatter: (p: { value: [number, number, number] }) => `${weekdays[p.value[1]]} ${p.value[0]} h : ${num(p.value[2])}` },
    grid: { left: 44, right: 8, top: 6, bottom: 40 },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), splitArea: { show: true }, axisLabel: { fontSize: 10 } },
    yAxis: { type: 'category', data: weekdays, inverse: true, axisLabel: { fontSize: 10 } },
    visualMap: { min: 0, max, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 140, itemWidth: 10, inRange: { color: SEQUENTIAL }, textStyle: { fontSize: 10 }, formatter: (v: number) => num(Math.round(v)) },
    series: [
      {
        type: 'heatmap',
        data,
        label: { show: true, fontSize: 9, formatter: (p: { value: [number, number, number] }) => (p.value[2] ? num(p.value[2]) : '') },
        itemStyle: { borderColor: '#ffffff', borderWidth: 1 },
      },
    ],
  };
}

export function dailyOption(d: Dashboard, labels: { opened: string; resolved: string; backlog: string }, day: (iso: string) => string, num: Num): EChartsCoreOption {
  return {
    textStyle: text,
    animation: false,
    aria: decals,
    color: [PALETTE.blue, PALETTE.orange, PALETTE.black],
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => num(v) },
    legend: { top: 0, itemWidth: 18 },
    grid: { left: 40, right: 44, top: 30, bottom: 24 },
    xAxis: { type: 'category', data: d.daily.map((r) => day(r.day)), axisLabel: { fontSize: 10 } },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => num(v) } },
      { type: 'value', minInterval: 1, splitLine: { show: false }, axisLabel: { formatter: (v: number) => num(v) } },
    ],
    series: [
      { name: labels.opened, type: 'bar', data: d.daily.map((r) => r.opened), barMaxWidth: 16 },
      { name: labels.resolved, type: 'bar', data: d.daily.map((r) => r.resolved), barMaxWidth: 16 },
      {
        name: labels.backlog,
        type: 'line',
        yAxisIndex: 1,
        data: d.daily.map((r) => r.backlog),
        symbol: 'triangle',
        symbolSize: 7,
        lineStyle: { type: 'dashed', width: 2 },
      },
    ],
  };
}

/** Horizontal bars with the value written at the end of each bar. */
export function barsOption(rows: { label: string; value: number; highlight?: boolean; suffix?: string }[], num: Num): EChartsCoreOption {
  return {
    textStyle: text,
    animation: false,
    aria: decals,
    grid: { left: 8, right: 56, top: 4, bottom: 4, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel: { width: 170, overflow: 'truncate', fontSize: 10.5 }, axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        data: rows.map((r) => ({
          value: r.value,
          itemStyle: r.highlight
            ? { color: PALETTE.blue, decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4, color: 'rgba(255,255,255,0.55)' } }
            : { color: r.highlight === false ? PALETTE.grey : PALETTE.blue, decal: { symbol: 'none' } },
          label: { show: true, position: 'right', fontSize: 10.5, formatter: () => `${num(r.value)}${r.suffix ?? ''}` },
        })),
      },
    ],
  };
}

/** Late vs on-time tickets per key, stacked, the late count and share written beside each bar. */
export function breachOption(rows: { label: string; tickets: number; breached: number }[], labels: { late: string; onTime: string }, num: Num, pct: (v: number) => string): EChartsCoreOption {
  return {
    textStyle: text,
    animation: false,
    aria: decals,
    color: [PALETTE.vermillion, '#cfd4da'],
    legend: { top: 0, itemWidth: 18 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => num(v) },
    grid: { left: 8, right: 70, top: 26, bottom: 4, containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.label), axisLabel: { width: 160, overflow: 'truncate', fontSize: 10.5 }, axisTick: { show: false } },
    series: [
      { name: labels.late, type: 'bar', stack: 'all', barMaxWidth: 16, data: rows.map((r) => r.breached) },
      {
        name: labels.onTime,
        type: 'bar',
        stack: 'all',
        barMaxWidth: 16,
        data: rows.map((r) => r.tickets - r.breached),
        label: { show: true, position: 'right', fontSize: 10.5, formatter: (p: { dataIndex: number }) => { const r = rows[p.dataIndex]!; return `${num(r.breached)} (${pct(r.tickets ? r.breached / r.tickets : 0)})`; } },
      },
    ],
  };
}
