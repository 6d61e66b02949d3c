// The incidents' maps, loaded only when one is drawn (their own chunk, sharing ECharts'
// core with the dashboard's choropleth): a point picker for the filing form, and the
// dashboard's incident layer laid exactly over the choropleth (the same outlines, the
// same box), with one dot per incident coloured by severity.
import * as echarts from "echarts/core";
import { ScatterChart } from "echarts/charts";
import { GeoComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([ScatterChart, GeoComponent, TooltipComponent, CanvasRenderer]);

export interface DrawnChart {
  resize(): void;
  dispose(): void;
}

export interface LayerPoint {
  /** [longitude, latitude] */
  value: [number, number];
  color: string;
  size: number;
  tooltip: string;
  /** Where a click goes (the incident's page). */
  href: string;
}

// The choropleth's own layout (pages/dashboard/echartsMap.ts): the layer must project
// the outlines onto the very same pixels.
const LAYOUT = { layoutCenter: ["50%", "50%"], layoutSize: "96%" } as const;

function register(mapName: string, geoJson: object): void {
  echarts.registerMap(mapName, geoJson as Parameters<typeof echarts.registerMap>[1]);
}

/** The dots over the choropleth; the outlines themselves are invisible here. */
export function drawLayer(
  element: HTMLElement,
  mapName: string,
  geoJson: object,
  points: LayerPoint[],
  onSelect: (href: string) => void,
): DrawnChart {
  register(mapName, geoJson);
  const chart = echarts.init(element, undefined, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: { trigger: "item", formatter: (params: { data?: LayerPoint }) => params.data?.tooltip ?? "" },
    geo: {
      map: mapName,
      roam: false,
      silent: true,
      ...LAYOUT,
      itemStyle: { areaColor: "transparent", borderColor: "transparent" },
      emphasis: { disabled: true },
      label: { show: false },
    },
    series: [
      {
        type: "scatter",
        coordinateSystem: "geo",
        data: points.map((p) => ({ ...p, itemStyle: { color: p.color, borderColor: "#ffffff", borderWidth: 1.5 } })),
        symbolSize: (_value: unknown, params: { data?: LayerPoint }) => params.data?.size ?? 10,
      },
    ],
  });
  chart.on("click", (params) => {
    const point = params.data as LayerPoint | undefined;
    if (point?.href) onSelect(point.href);
  });
  element.dataset.points = String(points.length);
  return { resize: () => chart.resize(), dispose: () => chart.dispose() };
}

/**
 * The Pemda's outline; a tap on it picks the point ([longitude, latitude]), shown as a
 * dot. Outside the outline the tap is ignored (the server would refuse a point far away).
 */
export function drawPicker(
  element: HTMLElement,
  mapName: string,
  geoJson: object,
  point: [number, number] | null,
  onPick: (point: [number, number]) => void,
): DrawnChart {
  register(mapName, geoJson);
  const chart = echarts.init(element, undefined, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    geo: {
      map: mapName,
      roam: false,
      ...LAYOUT,
      itemStyle: { areaColor: "#e8edf3", borderColor: "#1b1f24", borderWidth: 0.8 },
      emphasis: { itemStyle: { areaColor: "#d5e4f5" }, label: { show: false } },
      label: { show: false },
    },
    series: [
      {
        type: "scatter",
        coordinateSystem: "geo",
        symbolSize: 14,
        itemStyle: { color: "#b00020", borderColor: "#ffffff", borderWidth: 2 },
        data: point ? [{ value: point }] : [],
      },
    ],
  });
  chart.getZr().on("click", (event: { offsetX: number; offsetY: number }) => {
    const pixel = [event.offsetX, event.offsetY];
    if (!chart.containPixel({ geoIndex: 0 }, pixel)) return;
    const picked = chart.convertFromPixel({ geoIndex: 0 }, pixel) as number[] | undefined;
    if (!picked || picked.length < 2) return;
    const rounded: [number, number] = [Number(picked[0]!.toFixed(5)), Number(picked[1]!.toFixed(5))];
    chart.setOption({ series: [{ data: [{ value: rounded }] }] });
    onPick(rounded);
  });
  return { resize: () => chart.resize(), dispose: () => chart.dispose() };
}
