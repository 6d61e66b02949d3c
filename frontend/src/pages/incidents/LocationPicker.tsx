import { useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useBoundaries, type BoundaryCollection } from "../dashboard/queries";
import { formatCoordinate } from "./common";

export type Point = { lat: number; lon: number };

/** The outline(s) to pick in: the Pemda's own, or all of a province's regencies and cities. */
export function outlineOf(collection: BoundaryCollection, region: string): BoundaryCollection | null {
  if (!region.includes(".")) return collection;
  const features = collection.features.filter((f) => String(f.properties.code) === region);
  return features.length > 0 ? { ...collection, features } : null;
}

/** Five decimals: about a metre, more than a phone's position is worth. */
export function roundPoint(lat: number, lon: number): Point {
  return { lat: Number(lat.toFixed(5)), lon: Number(lon.toFixed(5)) };
}

/**
 * Where it happened, as a point: the phone's own position (navigator.geolocation) or a
 * tap on the Pemda's outline. Optional: the district and village say where too.
 */
export function LocationPicker({
  region,
  value,
  onChange,
}: {
  region: string;
  value: Point | null;
  onChange: (point: Point | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<"idle" | "locating" | "denied" | "unavailable">("idle");
  const [mapOpen, setMapOpen] = useState(false);
  const locate = () => {
    if (typeof navigator === "undefined" || !navigator.geolocation) {
      setStatus("unavailable");
      return;
    }
    setStatus("locating");
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setStatus("idle");
        onChange(roundPoint(position.coords.latitude, position.coords.longitude));
      },
      (error) => setStatus(error.code === error.PERMISSION_DENIED ? "denied" : "unavailable"),
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };
  const n = (x: number) => formatCoordinate(x, i18n.language);
  return (
    <fieldset className="incident-point">
      <legend>{t("incidents.form.point")}</legend>
      <p className="field-hint">{t("incidents.form.pointHint")}</p>
      <div className="incident-point-actions">
        <button type="button" className="button" onClick={locate} disabled={status === "locating"}>
          {status === "locating" ? t("incidents.form.locating") : t("incidents.form.useMyLocation")}
        </button>
        <button type="button" className="button" aria-expanded={mapOpen} onClick={() => setMapOpen(!mapOpen)}>
          {t("incidents.form.pickOnMap")}
        </button>
        {value ? (
          <button type="button" className="button" onClick={() => onChange(null)}>
            {t("incidents.form.clearPoint")}
          </button>
        ) : null}
      </div>
      <p className="small" role="status" data-testid="incident-point">
        {value
          ? t("incidents.form.pointChosen", { lat: n(value.lat), lon: n(value.lon) })
          : status === "denied"
            ? t("incidents.form.locationDenied")
            : status === "unavailable"
              ? t("incidents.form.locationUnavailable")
              : t("incidents.form.noPoint")}
      </p>
      {mapOpen ? <PickerMap region={region} value={value} onChange={onChange} /> : null}
    </fieldset>
  );
}

function PickerMap({ region, value, onChange }: { region: string; value: Point | null; onChange: (p: Point) => void }) {
  const { t } = useTranslation();
  const parent = region.includes(".") ? region.slice(0, region.lastIndexOf(".")) : region;
  const boundaries = useBoundaries(parent);
  const outline = useMemo(() => (boundaries.data ? outlineOf(boundaries.data, region) : null), [boundaries.data, region]);
  const ref = useRef<HTMLDivElement>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  // Drawn once per outline; the picked dot is the chart's own, so a pick does not redraw.
  const first = useRef(value);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || !outline) return;
    let cancelled = false;
    let drawn: { resize(): void; dispose(): void } | undefined;
    const start = first.current;
    import("./incidentMaps")
      .then(({ drawPicker }) => {
        if (cancelled) return;
        drawn = drawPicker(element, `siaga-picker-${region}`, outline, start ? [start.lon, start.lat] : null, ([lon, lat]) =>
          onChangeRef.current(roundPoint(lat, lon)),
        );
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      drawn?.dispose();
    };
  }, [outline, region]);
  if (boundaries.isPending) return <p className="muted small">{t("common.loading")}</p>;
  if (!outline || failed) return <p className="muted small">{t("incidents.form.noMap")}</p>;
  return <div ref={ref} className="incident-picker" role="img" aria-label={t("incidents.form.mapLabel")} data-testid="incident-picker" />;
}
