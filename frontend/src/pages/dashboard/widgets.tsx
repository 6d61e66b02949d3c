import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  CATEGORIES,
  categoryLabel,
  categoryStyle,
  formatChange,
  formatScore,
  isCategory,
  scoreChange,
  type PemdaScore,
  type TrendPoint,
} from "./readiness";

/** The category as text with its icon, on its colour (and pattern when printed). */
export function CategoryBadge({ category }: { category: string | null | undefined }) {
  const { t } = useTranslation();
  const style = categoryStyle(category);
  return (
    <span
      className={`cat-badge cat-${isCategory(category) ? category : "none"}`}
      style={{ background: style.color, color: style.text }}
      data-category={category ?? "none"}
    >
      <span aria-hidden="true">{style.icon}</span> {categoryLabel(t, category)}
    </span>
  );
}

/** The legend of the colour scale: icon, colour and words for each category. */
export function CategoryLegend({ thresholds }: { thresholds?: { category: string; min_score: number }[] }) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="cat-legend" aria-label={t("dashboard.legend")}>
      {CATEGORIES.map((category) => {
        const min = thresholds?.find((th) => th.category === category)?.min_score;
        return (
          <li key={category}>
            <CategoryBadge category={category} />
            {min !== undefined ? <span className="muted small"> ≥ {formatScore(min, i18n.language)}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * ▲ +3,20 in the table: arrow and number, with words for screen readers. In a period
 * that is not closed the change is provisional: grey and marked *, never red or green,
 * since the current figure is still moving.
 */
export function ChangeCell({
  item,
  provisional = false,
}: {
  item: Pick<PemdaScore, "readiness" | "previous_readiness">;
  provisional?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const change = scoreChange(item.readiness, item.previous_readiness);
  const text = formatChange(change, i18n.language);
  const marked = provisional && change.delta !== null;
  const title = t(`dashboard.change.${change.direction}`);
  return (
    <span
      className={`change change-${marked ? "provisional" : change.direction}`}
      title={marked ? `${title} · ${t("dashboard.change.provisional")}` : title}
      data-provisional={marked || undefined}
    >
      <span aria-hidden="true">
        {text}
        {marked ? "*" : ""}
      </span>
      <span className="visually-hidden">
        {change.delta === null
          ? t("dashboard.change.none")
          : t(`dashboard.change.${change.direction}Sr`, { delta: formatScore(Math.abs(change.delta), i18n.language) })}
        {marked ? ` (${t("dashboard.provisionalShort")})` : ""}
      </span>
    </span>
  );
}

/** "Provisional figures, the quarter is not closed yet", on every score view of an open period. */
export function ProvisionalNotice({ period }: { period: string }) {
  const { t } = useTranslation();
  return (
    <div className="provisional-notice" role="note" data-testid="provisional-notice">
      <strong>{t("dashboard.provisional")}</strong> <span>{t("dashboard.provisionalDetail", { period })}</span>
    </div>
  );
}

/** A horizontal 0–100 bar with the value written beside it. */
export function ScoreBar({
  value,
  label,
  marker,
  markerLabel,
  category,
}: {
  value: number | null | undefined;
  label: string;
  marker?: number | null;
  markerLabel?: string;
  category?: string | null;
}) {
  const { i18n } = useTranslation();
  const width = Math.max(0, Math.min(100, value ?? 0));
  const style = categoryStyle(category ?? null);
  return (
    <div className="score-bar" role="img" aria-label={`${label}: ${formatScore(value, i18n.language)}${marker != null && markerLabel ? `; ${markerLabel}: ${formatScore(marker, i18n.language)}` : ""}`}>
      <span className="score-bar-track">
        <span
          className="score-bar-fill"
          style={{ width: `${width}%`, background: category !== undefined ? style.color : undefined }}
        />
        {marker !== null && marker !== undefined ? (
          <span className="score-bar-marker" style={{ left: `${Math.max(0, Math.min(100, marker))}%` }} />
        ) : null}
      </span>
      <span className="score-bar-value num">{formatScore(value, i18n.language)}</span>
    </div>
  );
}

/** R over the periods as small vertical bars, each labelled with its value and category. */
export function TrendBars({ items, title }: { items: readonly TrendPoint[]; title: string }) {
  const { t, i18n } = useTranslation();
  if (items.length === 0) return <p className="muted">{t("dashboard.trendEmpty")}</p>;
  return (
    <figure className="trend">
      <ol className="trend-bars" aria-label={title}>
        {items.map((point) => {
          const style = categoryStyle(point.category);
          return (
            <li key={point.period} className="trend-item">
              <span className="trend-value num">{formatScore(point.readiness, i18n.language)}</span>
              <span className="trend-track" aria-hidden="true">
                <span
                  className={`trend-fill cat-${isCategory(point.category) ? point.category : "none"}${point.provisional ? " is-provisional" : ""}`}
                  style={{ height: `${Math.max(1, Math.min(100, point.readiness))}%`, background: style.color }}
                />
              </span>
              <span className="trend-period mono">
                {point.period}
                {point.provisional ? "*" : ""}
              </span>
              {point.provisional ? (
                <span className="trend-provisional small muted">{t("dashboard.provisionalShort")}</span>
              ) : null}
              <span className="visually-hidden">{categoryLabel(t, point.category)}</span>
            </li>
          );
        })}
      </ol>
    </figure>
  );
}

/** One square per Pemda, coloured and labelled by category; each a link to its page. */
export function TileGrid({
  items,
  query,
  label,
}: {
  items: readonly PemdaScore[];
  /** Query string (period, view) carried to the region page. */
  query: string;
  label: string;
}) {
  const { t, i18n } = useTranslation();
  return (
    <ul className="tile-grid" aria-label={label} data-testid="tile-grid">
      {items.map((item) => {
        const style = categoryStyle(item.category);
        return (
          <li key={item.region}>
            <Link
              to={`/wilayah/${encodeURIComponent(item.region)}${query}`}
              className={`tile cat-${isCategory(item.category) ? item.category : "none"}`}
              style={{ background: style.color, color: style.text }}
              data-region={item.region}
              aria-label={`${item.name}: ${formatScore(item.readiness, i18n.language)}, ${categoryLabel(t, item.category)}`}
            >
              <span className="tile-name">{item.name}</span>
              <span className="tile-score num">{formatScore(item.readiness, i18n.language)}</span>
              <span className="tile-cat">
                <span aria-hidden="true">{style.icon}</span> {categoryLabel(t, item.category)}
              </span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
