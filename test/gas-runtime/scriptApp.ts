/** ScriptApp: triggers, state tokens, authorization info, the script's id. */
import { instrument, SELF, type Execution } from './execution';
import type { Host } from './host';
import { isDate } from './realm';
import { DEFAULT_TOKEN_SECONDS, MAX_TOKEN_SECONDS } from './stateTokens';
import { firstRun, HOUR_MS, minuteFor, type Schedule, type TriggerRecord } from './triggers';

const AuthMode = {
  NONE: 'NONE',
  CUSTOM_FUNCTION: 'CUSTOM_FUNCTION',
  LIMITED: 'LIMITED',
  FULL: 'FULL',
};
const AuthorizationStatus = { REQUIRED: 'REQUIRED', NOT_REQUIRED: 'NOT_REQUIRED' };
const EventType = {
  CLOCK: 'CLOCK',
  ON_OPEN: 'ON_OPEN',
  ON_EDIT: 'ON_EDIT',
  ON_FORM_SUBMIT: 'ON_FORM_SUBMIT',
  ON_CHANGE: 'ON_CHANGE',
  ON_EVENT_UPDATED: 'ON_EVENT_UPDATED',
};
const TriggerSource = {
  SPREADSHEETS: 'SPREADSHEETS',
  CLOCK: 'CLOCK',
  FORMS: 'FORMS',
  DOCUMENTS: 'DOCUMENTS',
  CALENDAR: 'CALENDAR',
};

export function createScriptApp(exec: Execution, host: Host): GoogleAppsScript.Script.ScriptApp {
  const triggerObject = (t: TriggerRecord) => {
    const impl = {
      getUniqueId: () => t.uid,
      getHandlerFunction: () => t.handler,
      getEventType: () => t.eventType,
      getTriggerSource: () => t.source,
      getTriggerSourceId: () => t.sourceId,
    };
    const wrapped = instrument(exec, 'Trigger', impl, { uncounted: Object.keys(impl) });
    triggerUids.set(wrapped, t.uid);
    return wrapped;
  };
  const triggerUids = new WeakMap<object, string>();

  const register = (
    handler: string,
    fields: Pick<TriggerRecord, 'eventType' | 'source' | 'sourceId' | 'schedule'>,
  ) => {
    exec.requireAuth('FULL', 'ScriptApp.newTrigger');
    const now = exec.clock.now();
    const candidate = {
      handler,
      owner: exec.user,
      documentId: exec.spreadsheetId ?? exec.triggerDocumentId,
      createdAt: now,
      ...fields,
    };
    const refusal = host.triggers.refusal(candidate, host.addOnMode);
    if (refusal) exec.fail(refusal);
    const uid = String(Math.floor(1e18 * host.random()) + 1e18).slice(0, 19);
    let schedule = fields.schedule;
    if (schedule?.kind === 'daily' && schedule.minute < 0)
      schedule = { ...schedule, minute: minuteFor(uid) };
    if (schedule?.kind === 'once' && host.addOnMode && host.addOnHourlyRule)
      schedule = { kind: 'once', at: Math.max(schedule.at, now + HOUR_MS) };
    const record: TriggerRecord = {
      ...candidate,
      uid,
      schedule,
      nextRunAt: schedule ? firstRun(schedule, now) : null,
    };
    host.triggers.records.push(record);
    return triggerObject(record);
  };

  const clockBuilder = (handler: string) => {
    let schedule: Schedule | null = null;
    let atHour: number | null = null;
    let minute = -1;
    let timeZone: string | null = null;
    const impl = {
      everyMinutes(n: number) {
        if (![1, 5, 10, 15, 30].includes(n))
          exec.fail('The number of minutes must be 1, 5, 10, 15 or 30.');
        schedule = { kind: 'minutes', everyMinutes: n };
        return SELF;
      },
      everyHours(n: number) {
        if (![1, 2, 4, 6, 8, 12].includes(n))
          exec.fail('The number of hours must be 1, 2, 4, 6, 8 or 12.');
        schedule = { kind: 'hourly', everyHours: n };
        return SELF;
      },
      everyDays(n: number) {
        schedule = { kind: 'daily', everyDays: n, atHour: 0, minute: -1, timeZone: '' };
        return SELF;
      },
      atHour(h: number) {
        if (!Number.isInteger(h) || h < 0 || h > 23) exec.fail('Invalid argument: hour');
        atHour = h;
        return SELF;
      },
      nearMinute(m: number) {
        minute = Math.max(0, Math.min(59, Math.round(m)));
        return SELF;
      },
      inTimezone(tz: string) {
        timeZone = String(tz);
        return SELF;
      },
      after(ms: number) {
        schedule = { kind: 'once', at: exec.clock.now() + Number(ms) };
        return SELF;
      },
      at(date: Date) {
        if (!isDate(date))
          exec.fail("The parameters don't match the method signature for ClockTriggerBuilder.at.");
        schedule = { kind: 'once', at: date.getTime() };
        return SELF;
      },
      create() {
        if (!schedule)
          exec.fail(
            'Missing schedule: call everyDays, everyHours, everyMinutes, after or at first.',
          );
        let s: Schedule = schedule;
        if (s.kind === 'daily') {
          const hour = atHour ?? new Date(exec.clock.now()).getUTCHours();
          s = { ...s, atHour: hour, minute, timeZone: timeZone ?? host.timeZone };
        }
        return register(handler, {
          eventType: 'CLOCK',
          source: 'CLOCK',
          sourceId: null,
          schedule: s,
        });
      },
    };
    return instrument(exec, 'ClockTriggerBuilder', impl);
  };

  const spreadsheetBuilder = (handler: string, spreadsheetId: string) => {
    let eventType: TriggerRecord['eventType'] | null = null;
    const on = (type: TriggerRecord['eventType']) => () => {
      eventType = type;
      return SELF;
    };
    const impl = {
      onOpen: on('ON_OPEN'),
      onEdit: on('ON_EDIT'),
      onChange: on('ON_CHANGE'),
      onFormSubmit: on('ON_FORM_SUBMIT'),
      create() {
        if (!eventType)
          exec.fail('Missing event type: call onOpen, onEdit, onChange or onFormSubmit first.');
        return register(handler, {
          eventType,
          source: 'SPREADSHEETS',
          sourceId: spreadsheetId,
          schedule: null,
        });
      },
    };
    return instrument(exec, 'SpreadsheetTriggerBuilder', impl);
  };

  const stateTokenBuilder = () => {
    let method = '';
    const args: Record<string, string> = {};
    let seconds = DEFAULT_TOKEN_SECONDS;
    const impl = {
      withMethod(name: string) {
        method = String(name);
        return SELF;
      },
      withArgument(name: string, value: unknown) {
        args[String(name)] = String(value);
        return SELF;
      },
      withTimeout(s: number) {
        if (!(s > 0)) exec.fail('Invalid argument: timeout');
        seconds = Math.min(Number(s), MAX_TOKEN_SECONDS);
        return SELF;
      },
      createToken() {
        if (!method) exec.fail('A method name must be specified with withMethod().');
        return host.stateTokens.issue(
          {
            method,
            args: { ...args },
            expiresAt: exec.clock.now() + seconds * 1000,
            createdBy: exec.user,
          },
          host.random,
        );
      },
    };
    return instrument(exec, 'StateTokenBuilder', impl);
  };

  const impl = {
    AuthMode,
    AuthorizationStatus,
    EventType,
    TriggerSource,
    getScriptId: () => host.scriptId,
    getOAuthToken: () => `ya29.local-${Buffer.from(exec.user).toString('hex').slice(0, 16)}`,
    newTrigger(handler: string) {
      const name = String(handler);
      const impl2 = {
        timeBased: () => clockBuilder(name),
        forSpreadsheet(ss: string | { getId(): string }) {
          return spreadsheetBuilder(name, typeof ss === 'string' ? ss : ss.getId());
        },
      };
      return instrument(exec, 'TriggerBuilder', impl2);
    },
    getProjectTriggers() {
      exec.requireAuth('FULL', 'ScriptApp.getProjectTriggers');
      return exec.realm.array(host.triggers.forUser(exec.user).map(triggerObject));
    },
    getUserTriggers(ss: { getId(): string }) {
      exec.requireAuth('FULL', 'ScriptApp.getUserTriggers');
      const id = ss.getId();
      const mine = host.triggers
        .forUser(exec.user)
        .filter((t) => t.documentId === id || t.sourceId === id);
      return exec.realm.array(mine.map(triggerObject));
    },
    deleteTrigger(trigger: object) {
      exec.requireAuth('FULL', 'ScriptApp.deleteTrigger');
      const uid =
        triggerUids.get(trigger) ?? (trigger as { getUniqueId?: () => string }).getUniqueId?.();
      const record = uid === undefined ? undefined : host.triggers.find(uid);
      if (record && record.owner === exec.user) host.triggers.remove(record.uid);
    },
    newStateToken: stateTokenBuilder,
    getAuthorizationInfo(_mode: string) {
      const required = host.authorizationRequired.has(exec.user);
      const info = {
        getAuthorizationStatus: () => (required ? 'REQUIRED' : 'NOT_REQUIRED'),
        getAuthorizationUrl: () =>
          required
            ? `https://script.google.com/macros/d/${host.scriptId}/authorize?user=${encodeURIComponent(exec.user)}`
            : null,
        getAuthorizedScopes: () => exec.realm.array([]),
      };
      return instrument(exec, 'AuthorizationInfo', info, { uncounted: Object.keys(info) });
    },
    invalidateAuth() {
      host.authorizationRequired.add(exec.user);
    },
  };
  return instrument(exec, 'ScriptApp', impl) as never;
}
