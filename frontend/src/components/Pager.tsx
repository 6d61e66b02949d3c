import { useTranslation } from "react-i18next";
import { formatNumber } from "../format";

export interface PagerProps {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}

/** "1–50 dari 552" with previous/next buttons. */
export function Pager({ total, limit, offset, onChange }: PagerProps) {
  const { t, i18n } = useTranslation();
  const n = (v: number) => formatNumber(v, i18n.language);
  const from = total === 0 ? 0 : Math.min(offset + 1, total);
  const to = Math.min(offset + limit, total);
  const range =
    total === 0 || from > total
      ? t("common.rangeEmpty", { total: n(total) })
      : t("common.range", { from: n(from), to: n(to), total: n(total) });
  return (
    <nav className="pager" aria-label={t("common.paging")}>
      <p className="pager-range" aria-live="polite">
        {range}
      </p>
      <div className="pager-buttons">
        <button
          type="button"
          className="button"
          disabled={offset <= 0}
          onClick={() => onChange(Math.max(0, offset - limit))}
        >
          ‹ {t("common.previous")}
        </button>
        <button
          type="button"
          className="button"
          disabled={offset + limit >= total}
          onClick={() => onChange(offset + limit)}
        >
          {t("common.next")} ›
        </button>
      </div>
    </nav>
  );
}
