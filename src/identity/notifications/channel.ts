import type { Label } from '../../core/index.ts';

/**
 * A way to reach users outside the portal (email, SMS, a government messaging app). The in-app
 * inbox is always written; channels are optional and best-effort: a failed email never undoes
 * the change it announces. An installation provides its own adapter to `sendDeadlineReminders`.
 */
export interface NotificationChannel {
  name: string;
  send(message: {
    to: { userId: string; email: string; name: string };
    title: Label;
    body: Label;
  }): Promise<void>;
}
