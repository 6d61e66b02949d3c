import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  useMarkAllRead,
  useMarkRead,
  useNotifications,
  type NotificationListParams,
  type NotificationRead,
} from "../../api/notifications";
import { usePageTitle } from "../../components/Layout";
import { QueryView } from "../../components/ListPage";
import { Pager } from "../../components/Pager";
import { ErrorMessage } from "../../components/QueryState";
import { useUrlFilters } from "../../components/urlFilters";
import { formatDateTime, formatNumber } from "../../format";
import { notificationLink, notificationSubject, notificationTitle } from "./text";
import "./notifications.css";

function parse(params: URLSearchParams): NotificationListParams {
  const offset = Number(params.get("offset"));
  return { unread: params.get("unread") === "true", offset: Number.isInteger(offset) && offset > 0 ? offset : 0 };
}

function serialize(filters: NotificationListParams): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.unread) params.set("unread", "true");
  if (filters.offset) params.set("offset", String(filters.offset));
  return params;
}

/**
 * The inbox: what needs the user, newest first. Opening an item marks it read; so does
 * its own button, and "mark all read" clears the bell.
 */
export function NotificationsPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t("notifications.title"));
  const url = useUrlFilters(parse, serialize);
  const list = useNotifications(url.filters);
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const unread = list.data?.unread ?? 0;
  const error = markRead.error ?? markAll.error;

  return (
    <>
      <h1>{t("notifications.title")}</h1>
      <p className="lead">{t("notifications.intro")}</p>
      <div className="toolbar notifications-toolbar">
        <div className="field field-check">
          <label>
            <input
              type="checkbox"
              checked={url.filters.unread}
              onChange={(event) => url.apply({ unread: event.target.checked })}
            />{" "}
            {t("notifications.onlyUnread")}
          </label>
        </div>
        <button
          type="button"
          className="button"
          disabled={unread === 0 || markAll.isPending}
          aria-busy={markAll.isPending}
          onClick={() => markAll.mutate()}
        >
          {t("notifications.markAllRead")}
        </button>
      </div>
      <p className="muted" role="status" aria-live="polite">
        {list.data ? t("notifications.unreadCount", { count: unread, shown: formatNumber(unread, i18n.language) }) : null}
      </p>
      {error ? <ErrorMessage error={error} /> : null}
      <QueryView
        query={list}
        isEmpty={(data) => data.items.length === 0}
        empty={url.filters.unread ? t("notifications.emptyUnread") : t("notifications.empty")}
      >
        {(data) => (
          <>
            <ul className="notification-list" aria-label={t("notifications.title")}>
              {data.items.map((item) => (
                <NotificationItem
                  key={item.id}
                  item={item}
                  onRead={() => markRead.mutate(item.id)}
                  busy={markRead.isPending && markRead.variables === item.id}
                />
              ))}
            </ul>
            {data.total > data.limit ? (
              <Pager total={data.total} limit={data.limit} offset={data.offset} onChange={url.setOffset} />
            ) : null}
          </>
        )}
      </QueryView>
    </>
  );
}

function NotificationItem({ item, onRead, busy }: { item: NotificationRead; onRead: () => void; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const unread = item.read_at === null;
  const title = notificationTitle(t, item);
  return (
    <li className={unread ? "notification notification-unread" : "notification"}>
      <p className="notification-title">
        {unread ? <span className="visually-hidden">{t("notifications.unread")}: </span> : null}
        <Link
          to={notificationLink(item)}
          onClick={() => {
            if (unread) onRead();
          }}
        >
          {title}
        </Link>
      </p>
      <p className="notification-subject">{notificationSubject(item)}</p>
      {item.data.reason ? <blockquote className="notification-reason">{item.data.reason}</blockquote> : null}
      <p className="notification-meta muted small">
        {item.data.actor ? <>{t("notifications.by", { actor: item.data.actor })} · </> : null}
        <time dateTime={item.created_at}>{formatDateTime(item.created_at, i18n.language)}</time>
      </p>
      {unread ? (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          aria-busy={busy}
          aria-label={t("notifications.markReadOf", { title })}
          onClick={onRead}
        >
          {t("notifications.markRead")}
        </button>
      ) : null}
    </li>
  );
}
