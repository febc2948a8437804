/** MailApp: mail is recorded, not sent. */
import { instrument, type Execution } from './execution';
import type { Host } from './host';

export const DAILY_RECIPIENTS = 100;

export interface SentMail {
  to: string;
  subject: string;
  body: string;
  htmlBody?: string;
  at: number;
  from: string;
}

export function createMailApp(exec: Execution, host: Host): GoogleAppsScript.Mail.MailApp {
  const sentToday = () => {
    const dayStart = exec.clock.now() - 24 * 3600 * 1000;
    return host.mail
      .filter((m) => m.from === exec.user && m.at > dayStart)
      .reduce((n, m) => n + m.to.split(',').length, 0);
  };
  const impl = {
    sendEmail(...args: unknown[]) {
      exec.requireAuth('FULL', 'MailApp.sendEmail');
      const message =
        args.length === 1 && args[0] !== null && typeof args[0] === 'object'
          ? (args[0] as { to?: string; subject?: string; body?: string; htmlBody?: string })
          : {
              to: args[0] as string,
              subject: args[1] as string,
              body: args[2] as string,
              htmlBody: (args[3] as { htmlBody?: string } | undefined)?.htmlBody,
            };
      if (!message.to) exec.fail('Invalid argument: recipient');
      const to = String(message.to);
      if (sentToday() + to.split(',').length > DAILY_RECIPIENTS) {
        exec.fail('Service invoked too many times for one day: email.');
      }
      host.mail.push({
        to,
        subject: String(message.subject ?? ''),
        body: String(message.body ?? ''),
        ...(message.htmlBody === undefined ? {} : { htmlBody: String(message.htmlBody) }),
        at: exec.clock.now(),
        from: exec.user,
      });
    },
    getRemainingDailyQuota: () => DAILY_RECIPIENTS - sentToday(),
  };
  return instrument(exec, 'MailApp', impl) as never;
}
