// The ECharts choropleth, loaded only when a map is drawn (its own chunk):
// the core with just the map series, visual map, tooltip and canvas renderer.
import * as echarts from "echarts/core";
import { MapChart } from "echarts/charts";
import { TooltipComponent, VisualMapComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([MapChart, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export interface MapDatum {
  /** Region code: matched against the features' `code` property. */
  name: string;
  /** R, or NaN when not scored. */
  value: number;
  label: string;
  tooltip: string;
}

export interface MapPiece {
  gte: number;
  lt?: number;
  label: string;
  color: string;
}

export interface DrawnMap {
  resize(): void;
  dispose(): void;
}

export function drawMap(
  element: HTMLElement,
  mapName: string,
  geoJson: object,
  data: MapDatum[],
  pieces: MapPiece[],
  onSelect: (code: string) => void,
): DrawnMap {
  // ECharts' own GeoJSON type is stricter than what the API sends; the shape is checked upstream.
  echarts.registerMap(mapName, geoJson as Parameters<typeof echarts.registerMap>[1]);
  const chart = echarts.init(element, undefined, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item",
      formatter: (params: { data?: MapDatum }) => params.data?.tooltip ?? "",
    },
    visualMap: {
      type: "piecewise",
      pieces,
      // The page draws its own legend (icons and words) under the map.
      show: false,
      left: 0,
      bottom: 0,
      itemSymbol: "rect",
      textStyle: { color: "#1b1f24" },
      outOfRange: { color: "#d5dae1" },
    },
    series: [
      {
        type: "map",
        map: mapName,
        nameProperty: "code",
        roam: false,
        selectedMode: false,
        label: {
          show: true,
          fontSize: 10,
          color: "#1b1f24",
          backgroundColor: "rgba(255,255,255,0.8)",
          padding: [1, 3],
          formatter: (params: { data?: MapDatum }) => params.data?.label ?? "",
        },
        itemStyle: { borderColor: "#1b1f24", borderWidth: 0.8, areaColor: "#d5dae1" },
        emphasis: { itemStyle: { borderWidth: 2 }, label: { show: true } },
        data,
      },
    ],
  });
  chart.on("click", (params) => {
    const datum = params.data as MapDatum | undefined;
    if (datum?.name) onSelect(datum.name);
  });
  return {
    resize: () => chart.resize(),
    dispose: () => chart.dispose(),
  };
}
