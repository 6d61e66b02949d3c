import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { NOTIFICATIONS_PATH, useUnreadCount } from "../api/notifications";
import { formatNumber } from "../format";

/** Numbers above this show as "99+": the badge stays one small round mark. */
const MAX_SHOWN = 99;

/**
 * The bell in the header: a link to the inbox with the number of unread items, which
 * it asks for every minute (api/notifications.ts). Its name says the number, so screen
 * readers hear "Pemberitahuan, 3 belum dibaca" rather than a bare "3".
 */
export function NotificationBell() {
  const { t, i18n } = useTranslation();
  const unread = useUnreadCount();
  const count = unread.data?.unread ?? 0;
  const label = count > 0 ? t("notifications.bellUnread", { count: formatNumber(count, i18n.language) }) : t("notifications.bell");
  return (
    <Link to={NOTIFICATIONS_PATH} className="bell" aria-label={label} title={label}>
      <svg className="bell-icon" viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 ? (
        <span className="bell-count" aria-hidden="true">
          {count > MAX_SHOWN ? `${MAX_SHOWN}+` : formatNumber(count, i18n.language)}
        </span>
      ) : null}
    </Link>
  );
}
