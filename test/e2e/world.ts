/**
 * One test world: the built bundle in the local Apps Script runtime, talking to the Keap
 * simulator, on one virtual clock. Tests act as the people and triggers of the product.
 */
import {
  AppsScriptRuntime,
  VirtualClock,
  type ExecutionResult,
  type RuntimeOptions,
} from '../gas-runtime';
import { KeapSimulator, type KeapSimulatorOptions } from '../keap-sim';

export const OWNER = 'owner@example.com';
export const EDITOR = 'editor@example.com';
export const TENANT = 'xy123';
export const CLIENT_ID = 'keap-client-id';
export const CLIENT_SECRET = 'keap-client-secret-do-not-leak';
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

export interface WorldOptions {
  runtime?: Partial<Omit<RuntimeOptions, 'network' | 'clock'>>;
  sim?: Partial<Omit<KeapSimulatorOptions, 'clock'>>;
  /** Rows under the header row of the Contacts tab. */
  rows?: unknown[][];
  headers?: string[];
  configure?: boolean;
  /**
   * The Keap Email Status column, as the sidebar's settings choose it. Tests written before
   * the column existed describe a sheet without it: false (the default) saves that choice in
   * the spreadsheet's settings record; null leaves the spreadsheet with no record at all (a
   * new spreadsheet: the column is on).
   */
  keapEmailStatus?: boolean | null;
  /** The spreadsheet's locale as Apps Script names it ('de_DE'); en_US without one. */
  locale?: string;
}

export class World {
  readonly clock = new VirtualClock();
  readonly sim: KeapSimulator;
  readonly rt: AppsScriptRuntime;
  readonly spreadsheetId: string;

  constructor(options: WorldOptions = {}) {
    this.sim = new KeapSimulator({ clock: this.clock, ...options.sim });
    this.rt = new AppsScriptRuntime({
      network: this.sim.handle,
      clock: this.clock,
      ...options.runtime,
    });
    this.sim.registerClient({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUris: [this.rt.redirectUri],
    });
    this.sim.addTenant(TENANT);
    if (options.configure !== false) {
      this.rt.setScriptProperty('KEAP_CLIENT_ID', CLIENT_ID);
      this.rt.setScriptProperty('KEAP_CLIENT_SECRET', CLIENT_SECRET);
    }
    this.spreadsheetId = this.rt.createSpreadsheet({
      name: 'Customers',
      sheets: { Contacts: [options.headers ?? HEADERS, ...(options.rows ?? [])] },
      ...(options.locale === undefined ? {} : { locale: options.locale }),
    });
    const keapEmailStatus = options.keapEmailStatus === undefined ? false : options.keapEmailStatus;
    if (keapEmailStatus !== null) {
      this.rt.addDeveloperMetadata(this.spreadsheetId, {
        key: 'keapSync.settings',
        value: JSON.stringify({ keapEmailStatus }),
        visibility: 'PROJECT',
      });
    }
  }

  /** Runs a global function as a person with the spreadsheet open (menu, sidebar). */
  run<T = unknown>(fn: string, args: unknown[] = [], user = OWNER): ExecutionResult<T> {
    return this.rt.run<T>(fn, args, { user, spreadsheetId: this.spreadsheetId, authMode: 'FULL' });
  }

  /** Like run(), but fails the test when the execution threw. */
  call<T = unknown>(fn: string, args: unknown[] = [], user = OWNER): T {
    const result = this.run<T>(fn, args, user);
    if (result.error) throw new Error(`${fn} failed: ${result.error.message}`);
    return result.value as T;
  }

  /** The sidebar's Connect flow: consent at Keap, then the browser lands on the callback. */
  connect(user = OWNER, options: { approve?: boolean; tenant?: string } = {}): string {
    const state = this.call<{ authorizationUrl: string | null }>('getSidebarState', [], user);
    if (!state.authorizationUrl) throw new Error('the sidebar offered no Connect link');
    const query = Object.fromEntries(new URL(state.authorizationUrl).searchParams);
    const redirect = this.sim.authorize(query, {
      approve: options.approve ?? true,
      tenant: options.tenant ?? TENANT,
    });
    const page = this.rt.userCallback(redirect, user);
    return page.html;
  }

  sheet(name = 'Contacts') {
    return this.rt.sheet(this.spreadsheetId, name);
  }

  /** Column values of the Contacts tab by header name, one entry per data row. */
  column(header: string, name = 'Contacts'): unknown[] {
    const values = this.sheet(name).values();
    const index = values[0].indexOf(header);
    if (index < 0) throw new Error(`no column ${header}`);
    return values.slice(1).map((row) => row[index]);
  }

  addContact(id: number, email1?: string, email2?: string, email3?: string): number {
    return this.sim.addContact(TENANT, { id, email1, email2, email3 });
  }

  emailsOf(id: number): Record<string, string> {
    const contact = this.sim.contact(TENANT, id);
    if (!contact) throw new Error(`no contact ${id}`);
    return Object.fromEntries(contact.emails.map((e) => [e.field, e.email]));
  }

  /** Everything the runtime captured that a person or a log reader could see. */
  capturedText(): string {
    const parts: string[] = [];
    for (const log of this.rt.logs) parts.push(log.text);
    for (const mail of this.rt.mail) parts.push(mail.subject, mail.body, mail.htmlBody ?? '');
    for (const exec of this.rt.executions) {
      parts.push(JSON.stringify(exec.value ?? null), JSON.stringify(exec.error ?? null));
      for (const event of exec.ui) parts.push(JSON.stringify(event));
    }
    for (const name of this.rt.sheetNames(this.spreadsheetId)) {
      parts.push(JSON.stringify(this.rt.sheet(this.spreadsheetId, name).values()));
    }
    return parts.join('\n');
  }
}
