import { useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { shortRegionName } from "./labelPoints";
import type { BoundaryCollection } from "./queries";
import {
  CATEGORY_STYLES,
  categoryLabel,
  categoryStyle,
  formatScore,
  isCategory,
  type PemdaScore,
  type ScoreTable,
} from "./readiness";
import { TileGrid } from "./widgets";

/**
 * The Pemda in scope on a map coloured by category (ECharts, loaded lazily);
 * the tile grid when drawing fails. The ranking table below carries the same
 * numbers for keyboard and screen-reader users.
 */
export function ChoroplethMap({
  boundaries,
  items,
  categories,
  query,
  label,
  children,
}: {
  boundaries: BoundaryCollection;
  items: readonly PemdaScore[];
  categories: ScoreTable["summary"]["categories"];
  query: string;
  label: string;
  /** Layers drawn over the map (the incidents'), inside its box. */
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let cancelled = false;
    let drawn: { resize(): void; dispose(): void } | undefined;
    let observer: ResizeObserver | undefined;
    let frame = 0;
    const lng = i18n.language;
    const sorted = [...categories].sort((a, b) => b.min_score - a.min_score);
    const pieces = sorted.map((c, i) => ({
      gte: c.min_score,
      ...(i > 0 ? { lt: sorted[i - 1]!.min_score } : {}),
      label: `${categoryStyle(c.category).icon} ${categoryLabel(t, c.category)} (≥ ${formatScore(c.min_score, lng)})`,
      color: isCategory(c.category) ? CATEGORY_STYLES[c.category].color : categoryStyle(null).color,
    }));
    const data = items.map((item) => ({
      name: item.region,
      value: item.category ? item.readiness : Number.NaN,
      // The full name is in the tooltip and the ranking; the map has room for the short one.
      label: `${categoryStyle(item.category).icon} ${shortRegionName(item.name)}`,
      tooltip: `${item.name}: ${formatScore(item.readiness, lng)} · ${categoryLabel(t, item.category)}`,
    }));
    import("./echartsMap")
      .then(({ drawMap }) => {
        if (cancelled) return;
        drawn = drawMap(element, `siaga-${query}-${items[0]?.parent ?? "root"}`, boundaries, data, pieces, (code) =>
          navigateRef.current(`/wilayah/${encodeURIComponent(code)}${query}`),
        );
        setReady(true);
        if (typeof ResizeObserver !== "undefined") {
          // Resized in the next frame, not inside the observer's callback: a resize that
          // changes the layout there (a phone's scrollbar appearing) makes Chromium report
          // "ResizeObserver loop completed with undelivered notifications" as a page error.
          observer = new ResizeObserver(() => {
            cancelAnimationFrame(frame);
            frame = requestAnimationFrame(() => drawn?.resize());
          });
          observer.observe(element);
        }
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      observer?.disconnect();
      cancelAnimationFrame(frame);
      drawn?.dispose();
    };
  }, [boundaries, items, categories, query, t, i18n.language]);

  if (failed) return <TileGrid items={items} query={query} label={label} />;
  return (
    <div className="map-wrap">
      <div ref={ref} className="map" role="img" aria-label={label} aria-busy={!ready} data-testid="choropleth" />
      {!ready ? <p className="muted small">{t("dashboard.mapLoading")}</p> : null}
      {children}
    </div>
  );
}
