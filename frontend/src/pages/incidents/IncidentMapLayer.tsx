import { useEffect, useId, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { usePeriods } from "../../api/queries";
import { formatNumber } from "../../format";
import { withLabelPoints } from "../dashboard/labelPoints";
import type { BoundaryCollection } from "../dashboard/queries";
import { SEVERITIES, SEVERITY_COLORS, incidentPath, severityLabel, stateLabel } from "./common";
import type { LayerPoint } from "./incidentMaps";
import { useIncidents, type IncidentSeverity, type IncidentSummary } from "./queries";

const SIZES: Record<IncidentSeverity, number> = { rendah: 9, sedang: 11, tinggi: 14, kritis: 18 };
// The API's largest page: a province's incidents of one quarter fit in it many times over.
const LIMIT = 500;
// Degrees between dots that share a place (incidents without a point of their own sit
// on their Pemda's label point), so that each stays visible and clickable.
const SPREAD = 0.035;

/**
 * Each incident as a dot: at its own point when it has one, else on its Pemda's label
 * point (spread around it when several share it); those of a region without an outline
 * on this map (the province's own) are left out and counted.
 */
export function layerPoints(
  incidents: readonly IncidentSummary[],
  anchors: ReadonlyMap<string, [number, number]>,
  describe: (incident: IncidentSummary) => string,
): { points: LayerPoint[]; unplaced: number } {
  const taken = new Map<string, number>();
  const points: LayerPoint[] = [];
  let unplaced = 0;
  for (const incident of incidents) {
    const own = incident.location.lat !== null && incident.location.lon !== null;
    let value: [number, number] | undefined = own
      ? [incident.location.lon as number, incident.location.lat as number]
      : anchors.get(incident.region);
    if (!value) {
      unplaced += 1;
      continue;
    }
    const key = value.join(",");
    const k = taken.get(key) ?? 0;
    taken.set(key, k + 1);
    if (k > 0) {
      const angle = k * 2.4; // golden angle: neighbours never line up
      const radius = SPREAD * Math.sqrt(k);
      value = [value[0] + radius * Math.cos(angle), value[1] + radius * Math.sin(angle)];
    }
    points.push({
      value,
      color: SEVERITY_COLORS[incident.severity],
      size: SIZES[incident.severity],
      tooltip: describe(incident),
      href: incidentPath(incident.number),
    });
  }
  return { points, unplaced };
}

/**
 * The dashboard's incident layer: off by default; switched on, the period's incidents in
 * the region appear as dots over the readiness map, coloured by severity, with a legend
 * that counts them and a link to the list.
 */
export function IncidentMapLayer({
  boundaries,
  root,
  period,
}: {
  boundaries: BoundaryCollection;
  root: string;
  period: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const [on, setOn] = useState(false);
  const id = useId();
  const periods = usePeriods();
  const chosen = periods.data?.items.find((p) => p.code === period);
  const filters = { region: root, since: chosen?.start_date, until: chosen?.end_date };
  const incidents = useIncidents(filters, LIMIT, on && Boolean(chosen));
  const items = useMemo(() => incidents.data?.items ?? [], [incidents.data]);
  const counts = SEVERITIES.map((s) => [s, items.filter((i) => i.severity === s).length] as const);
  const lng = i18n.language;
  const query = new URLSearchParams({ region: root, ...(chosen ? { since: chosen.start_date, until: chosen.end_date } : {}) });
  return (
    <>
      <label className="incident-layer-toggle no-print" htmlFor={id}>
        <input id={id} type="checkbox" checked={on} onChange={(e) => setOn(e.target.checked)} data-testid="incident-layer-toggle" />{" "}
        {t("incidents.layer.toggle")}
      </label>
      {on ? <Dots boundaries={boundaries} root={root} items={items} /> : null}
      {on ? (
        <div className="incident-layer-legend" data-testid="incident-layer-legend">
          <ul>
            {counts.map(([severity, count]) => (
              <li key={severity}>
                <span className="incident-dot" data-severity={severity} aria-hidden="true" /> {severityLabel(t, severity)}{" "}
                <strong className="num">{formatNumber(count, lng)}</strong>
              </li>
            ))}
          </ul>
          <p className="small">
            {incidents.isFetching ? t("common.loading") : t("incidents.layer.total", { count: items.length })}{" "}
            <Link to={`/laporan-cepat?${query.toString()}`}>{t("incidents.seeList")}</Link>
          </p>
        </div>
      ) : null}
    </>
  );
}

function Dots({ boundaries, root, items }: { boundaries: BoundaryCollection; root: string; items: IncidentSummary[] }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const ref = useRef<HTMLDivElement>(null);
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;
  const prepared = useMemo(() => withLabelPoints(boundaries as Parameters<typeof withLabelPoints>[0]), [boundaries]);
  const anchors = useMemo(() => {
    const found = new Map<string, [number, number]>();
    for (const feature of prepared.geoJson.features) {
      const cp = feature.properties.cp as [number, number] | undefined;
      if (cp) found.set(String(feature.properties.code), cp);
    }
    return found;
  }, [prepared]);
  const { points } = useMemo(
    () =>
      layerPoints(items, anchors, (i) =>
        [i.title, i.region_name, severityLabel(t, i.severity), stateLabel(t, i.state)].join(" · "),
      ),
    [items, anchors, t],
  );
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let cancelled = false;
    let drawn: { resize(): void; dispose(): void } | undefined;
    let observer: ResizeObserver | undefined;
    let frame = 0;
    import("./incidentMaps")
      .then(({ drawLayer }) => {
        if (cancelled) return;
        drawn = drawLayer(element, `siaga-incidents-${root}`, prepared.geoJson, points, (href) => navigateRef.current(href));
        if (typeof ResizeObserver !== "undefined") {
          observer = new ResizeObserver(() => {
            cancelAnimationFrame(frame);
            frame = requestAnimationFrame(() => drawn?.resize());
          });
          observer.observe(element);
        }
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      observer?.disconnect();
      cancelAnimationFrame(frame);
      drawn?.dispose();
    };
  }, [prepared, points, root]);
  return <div ref={ref} className="map incident-layer" role="img" aria-label={t("incidents.layer.label")} data-testid="incident-layer" />;
}
