import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, unwrap, type EvidenceRead } from "../../api/client";

export const PREVIEWABLE = new Set(["application/pdf", "image/jpeg", "image/png"]);

export function inlineUrl(evidence: EvidenceRead): string {
  return `${evidence.url}${evidence.url.includes("?") ? "&" : "?"}inline=true`;
}

/** GET /evidence/{id}/pages/{page}: one page of a PDF drawn by the server as a PNG. */
export function pageImageUrl(evidence: EvidenceRead, page: number): string {
  return `${evidence.url}/pages/${page}`;
}

function usePageCount(evidence: EvidenceRead) {
  return useQuery({
    queryKey: ["evidence", evidence.id, "pages"],
    queryFn: ({ signal }) =>
      unwrap(api.GET("/api/v1/evidence/{evidence_id}/pages", { params: { path: { evidence_id: evidence.id } }, signal })),
    // A file's content never changes (a new upload is a new file).
    staleTime: Infinity,
    retry: false,
  });
}

/**
 * A PDF as pictures of its pages, drawn by the server: a phone shows no PDF inside a
 * page, and a picture runs nothing. The PDF itself opens in a tab of its own.
 */
function PdfPages({ evidence }: { evidence: EvidenceRead }) {
  const { t } = useTranslation();
  const count = usePageCount(evidence);
  const [page, setPage] = useState(1);
  const [broken, setBroken] = useState(false);
  useEffect(() => setBroken(false), [page]);
  const pages = count.data?.count ?? 0;

  if (count.isPending) return <p className="muted">{t("common.loading")}</p>;
  if (count.isError || broken || pages === 0) {
    return (
      <p className="status status-warn" role="status">
        {t("evidence.previewUnavailable")}
      </p>
    );
  }
  const label = t("evidence.pageOf", { page, count: pages });
  return (
    <>
      <img
        className="evidence-page"
        src={pageImageUrl(evidence, page)}
        alt={`${label}: ${evidence.name}`}
        onError={() => setBroken(true)}
      />
      {pages > 1 ? (
        <nav className="evidence-pager" aria-label={t("evidence.pages")}>
          <button type="button" className="button button-small" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            ‹ {t("evidence.previousPage")}
          </button>
          <span aria-live="polite">{label}</span>
          <button type="button" className="button button-small" disabled={page >= pages} onClick={() => setPage(page + 1)}>
            {t("evidence.nextPage")} ›
          </button>
        </nav>
      ) : null}
    </>
  );
}

/** The chosen file shown in the page: a PDF's pages as images, a photo as itself. */
export function EvidencePreview({ evidence }: { evidence: EvidenceRead }) {
  const { t } = useTranslation();
  const isPdf = evidence.content_type === "application/pdf";
  return (
    <figure className="evidence-preview" data-testid="evidence-preview">
      {isPdf ? (
        <PdfPages key={evidence.id} evidence={evidence} />
      ) : (
        <img className="evidence-page" src={inlineUrl(evidence)} alt={t("evidence.previewOf", { name: evidence.name })} />
      )}
      <figcaption className="muted small">
        {evidence.name}
        {" · "}
        <a href={inlineUrl(evidence)} target="_blank" rel="noopener noreferrer">
          {isPdf ? t("evidence.openPdf") : t("evidence.openImage")}
        </a>
        {" · "}
        <a href={evidence.url} download={evidence.name}>
          {t("evidence.download")}
        </a>
      </figcaption>
    </figure>
  );
}
