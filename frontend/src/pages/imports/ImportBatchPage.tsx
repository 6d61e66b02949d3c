import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { usePageTitle } from "../../components/Layout";
import { ErrorMessage, Loading } from "../../components/QueryState";
import { NotFoundPage } from "../NotFoundPage";
import { BatchResult } from "./BatchResult";
import "./imports.css";
import { useImportBatch } from "./queries";

/** One past import batch (GET /imports/{id}): its counts, row outcomes and errors. */
export function ImportBatchPage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const batchId = /^\d{1,15}$/.test(id) ? Number(id) : 0;
  usePageTitle(t("imports.batchTitle", { id }));
  const batch = useImportBatch(batchId);
  if (batchId <= 0) return <NotFoundPage />;
  return (
    <section aria-labelledby="import-batch-title" className="imports-page">
      <p>
        <Link to="/admin/impor">‹ {t("imports.backToImports")}</Link>
      </p>
      <h1 id="import-batch-title">{t("imports.batchTitle", { id: batchId })}</h1>
      {batch.isPending ? (
        <Loading />
      ) : batch.isError ? (
        <ErrorMessage error={batch.error} onRetry={() => void batch.refetch()} />
      ) : (
        <>
          <p className="muted">
            {t(`imports.kinds.${batch.data.kind}.label`)} · {batch.data.created_by ?? t("common.none")}
            {batch.data.dry_run ? ` · ${t("imports.dryRunBadge")}` : ""}
          </p>
          <BatchResult batch={batch.data} />
        </>
      )}
    </section>
  );
}
