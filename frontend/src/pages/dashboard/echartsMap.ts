// The ECharts choropleth, loaded only when a map is drawn (its own chunk):
// the core with just the map series, visual map, tooltip, label layout and canvas renderer.
import * as echarts from "echarts/core";
import { MapChart } from "echarts/charts";
import { TooltipComponent, VisualMapComponent } from "echarts/components";
import { LabelLayout } from "echarts/features";
import { CanvasRenderer } from "echarts/renderers";
import { type LabelledCollection, LabelPlacer, type Rect, withLabelPoints } from "./labelPoints";

// LabelLayout: without it `labelLayout` below is silently ignored (tree-shaken).
echarts.use([MapChart, TooltipComponent, VisualMapComponent, LabelLayout, CanvasRenderer]);

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

// From a label's left edge to the middle of its category icon, in pixels (padding 3).
const CITY_ICON_INSET = 7;

// Label points cost tens of milliseconds per collection; a period or language change
// redraws the map with the same outlines.
const labelled = new WeakMap<object, LabelledCollection>();

export function drawMap(
  element: HTMLElement,
  mapName: string,
  geoJson: object,
  data: MapDatum[],
  pieces: MapPiece[],
  onSelect: (code: string) => void,
): DrawnMap {
  let prepared = labelled.get(geoJson);
  if (!prepared) {
    prepared = withLabelPoints(geoJson as Parameters<typeof withLabelPoints>[0]);
    labelled.set(geoJson, prepared);
  }
  // ECharts' own GeoJSON type is stricter than what the API sends; the shape is checked upstream.
  echarts.registerMap(mapName, prepared.geoJson as Parameters<typeof echarts.registerMap>[1]);
  const small = prepared.small;
  // `label` is ECharts' per-item label option, so the text travels as `caption`.
  const items = data.map(({ label, ...datum }) => ({ ...datum, caption: label }));
  const placer = new LabelPlacer();
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
        // The whole box for the province: every pixel more keeps the labels apart.
        layoutCenter: ["50%", "50%"],
        layoutSize: "96%",
        selectedMode: false,
        label: {
          show: true,
          fontSize: 11,
          lineHeight: 13,
          color: "#1b1f24",
          backgroundColor: "rgba(255,255,255,0.85)",
          borderRadius: 2,
          padding: [1, 3],
          formatter: (params: { data?: { caption?: string } }) => params.data?.caption ?? "",
        },
        // A city's label is moved right so that it starts at the city (the category icon
        // marks the spot) and the name runs beside it, not over it. A label that covers
        // an earlier one moves a line up or down; one that still overlaps is hidden,
        // smaller regions first. The tooltip and the ranking below name every region.
        labelLayout: (params: { dataIndex: number; labelRect: Rect }) => {
          const city = small.has(items[params.dataIndex]?.name ?? "");
          const dx = city ? params.labelRect.width / 2 - CITY_ICON_INSET : 0;
          const offset = placer.place(params.dataIndex, params.labelRect, dx);
          // For the browser tests: how many labels are legible, since canvas has no text to query.
          element.dataset.labels = String(placer.size);
          return { ...offset, hideOverlap: true };
        },
        itemStyle: { borderColor: "#1b1f24", borderWidth: 0.8, areaColor: "#d5dae1" },
        emphasis: { itemStyle: { borderWidth: 2 }, label: { show: true } },
        data: items,
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
