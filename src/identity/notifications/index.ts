/** In-app notifications: written with the change they announce, read from each user's inbox. */
export { notify, type Recipients, type NoticeInput } from './notify.ts';
export { listNotifications, markNotificationsRead, type Notification } from './inbox.ts';
export { renderNotification, type NotificationKind, type NotificationParams } from './messages.ts';
export type { NotificationChannel } from './channel.ts';
