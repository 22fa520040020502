/**
 * ECharts, tree-shaken: only the three chart types and the components the dashboard draws
 * are registered, with the canvas renderer (measured faster to first paint than SVG here:
 * bench/dashboard.ts). The rest of the library never reaches the bundle, and this module is
 * loaded only with the dashboard page. Charts are aria-hidden: the summaries and data tables
 * carry the same information as text.
 */
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export { echarts };
export type { EChartsCoreOption } from 'echarts/core';

/**
 * Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), used
 * with decal patterns and direct labels so no figure relies on colour alone.
 */
export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  vermillion: '#D55E00',
  green: '#009E73',
  sky: '#56B4E9',
  grey: '#999999',
  black: '#000000',
};

/** One ink from light to dark: reads as a lightness ramp in greyscale too. */
export const SEQUENTIAL = ['#f1f6fb', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
