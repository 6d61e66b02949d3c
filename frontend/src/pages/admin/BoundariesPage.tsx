import { useEffect, useRef, useState, type ChangeEvent } from "react";
import { useTranslation } from "react-i18next";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ApiError, api, unwrap } from "../../api/client";
import { usePageTitle } from "../../components/Layout";
import { errorText } from "../../components/labels";
import { formatNumber } from "../../format";
import { readBoundaries, serverProblems, type FeatureProblem, type ReadBoundaries } from "./boundaryFile";

function useImportBoundaries() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (text: string) =>
      unwrap(
        api.POST("/api/v1/regions/boundaries", {
          // The file is sent as it was read: the server checks and simplifies it.
          body: JSON.parse(text) as never,
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["boundaries"] }),
  });
}

function Problems({ problems }: { problems: FeatureProblem[] }) {
  const { t } = useTranslation();
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={`${p.feature}-${p.code}-${i}`}>
          {p.feature === null ? t("boundaries.wholeFile") : t("boundaries.feature", { number: p.feature + 1 })}
          {": "}
          {t(`boundaries.problem.${p.code}`, { defaultValue: p.message || p.code })}
          {p.message ? <span className="muted"> ({p.message})</span> : null}
        </li>
      ))}
    </ul>
  );
}

function Preview({ collection }: { collection: NonNullable<ReadBoundaries["collection"]> }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let cancelled = false;
    let drawn: { dispose(): void } | undefined;
    const data = collection.features.flatMap((f) => {
      const code = (f as { properties?: { code?: unknown } }).properties?.code;
      return typeof code === "string" ? [{ name: code, value: 1, label: code, tooltip: code }] : [];
    });
    import("../dashboard/echartsMap")
      .then(({ drawMap }) => {
        if (cancelled) return;
        drawn = drawMap(element, "siaga-boundaries-preview", collection, data, [{ gte: 0, label: "", color: "#9ecae1" }], () => undefined);
      })
      .catch(() => {
        if (!cancelled) setFailed(true);
      });
    return () => {
      cancelled = true;
      drawn?.dispose();
    };
  }, [collection]);
  return failed ? (
    <p className="status status-error">{t("boundaries.previewFailed")}</p>
  ) : (
    <div ref={ref} className="boundary-preview" role="img" aria-label={t("boundaries.preview")} style={{ width: "100%", height: "min(70vh, 420px)" }} />
  );
}

/** Load region outlines from a GeoJSON file: preview them on a map, then save. */
export function BoundariesPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("boundaries.title"));
  const save = useImportBoundaries();
  const [text, setText] = useState<string | null>(null);
  const [read, setRead] = useState<ReadBoundaries | null>(null);

  const onFile = (event: ChangeEvent<HTMLInputElement>) => {
    save.reset();
    const file = event.target.files?.[0];
    if (!file) {
      setText(null);
      setRead(null);
      return;
    }
    void file.text().then((content) => {
      setText(content);
      setRead(readBoundaries(content));
    });
  };

  const refused = save.error instanceof ApiError ? serverProblems(save.error.details) : [];
  const canSave = Boolean(text && read?.collection && read.problems.length === 0 && !save.isPending);

  return (
    <section aria-labelledby="boundaries-title">
      <h1 id="boundaries-title">{t("boundaries.title")}</h1>
      <p className="lead">{t("boundaries.intro")}</p>
      <div className="field">
        <label htmlFor="boundaries-file">{t("boundaries.file")}</label>
        <input id="boundaries-file" type="file" accept=".geojson,.json,application/geo+json,application/json" onChange={onFile} />
      </div>
      {read && read.problems.length > 0 ? (
        <div className="status status-error" role="alert">
          <p className="status-title">{t("boundaries.fileProblems")}</p>
          <Problems problems={read.problems} />
        </div>
      ) : null}
      {read?.collection ? (
        <>
          <p>{t("boundaries.summary", { count: read.codes.length, formatted: formatNumber(read.codes.length, i18n.language) })}</p>
          <Preview collection={read.collection} />
        </>
      ) : null}
      {save.isError ? (
        <div className="status status-error" role="alert">
          <p className="status-title">{t("boundaries.saveFailed")}</p>
          {refused.length > 0 ? <Problems problems={refused} /> : <p>{errorText(t, save.error)}</p>}
        </div>
      ) : null}
      {save.isSuccess ? (
        <p className="status status-success" role="status">
          {t("boundaries.saved", save.data)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="button" className="button button-primary" disabled={!canSave} onClick={() => text && save.mutate(text)}>
          {t("boundaries.save")}
        </button>
      </div>
    </section>
  );
}
