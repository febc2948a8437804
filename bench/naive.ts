/**
 * The baseline: the per-row script people write first, loaded into the same runtime against
 * the same simulator under the same cost model. It lives only in the benchmark.
 *
 * For each row it fetches the contact, PATCHes the email if it differs, sends the XML-RPC
 * opt-out if the row is ticked, and writes the status cell with one getRange().setValue():
 * no batching, no pacing, no state. It connects through the OAuth2 library like the add-on.
 * A run that hits Apps Script's 6-minute limit is killed; like a person would, the bench
 * runs it again, and it resumes at the row it saved in a script property.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OWNER, TENANT, type World } from '../test/e2e/world';
import { createWorld } from './addOn';
import { neededChanges, readSheetRows, rowsNotInKeap } from './dataset';
import { measureRun } from './measure';
import type { CostModel } from './model';
import type { ScenarioResult } from './results';

export const NAIVE_SCRIPT = String.raw`
var BASE = 'https://api.infusionsoft.com/crm/rest/v2';
var XMLRPC = 'https://api.infusionsoft.com/crm/xmlrpc/v1';
var STATUS_COLUMN = 5;

function getService() {
  var props = PropertiesService.getScriptProperties();
  return OAuth2.createService('keap')
    .setAuthorizationBaseUrl('https://accounts.infusionsoft.com/app/oauth/authorize')
    .setTokenUrl('https://api.infusionsoft.com/token')
    .setClientId(props.getProperty('KEAP_CLIENT_ID'))
    .setClientSecret(props.getProperty('KEAP_CLIENT_SECRET'))
    .setCallbackFunction('authCallback')
    .setPropertyStore(PropertiesService.getUserProperties())
    .setScope('full');
}

function getAuthorizationUrl() {
  return getService().getAuthorizationUrl();
}

function authCallback(request) {
  var ok = getService().handleCallback(request);
  return HtmlService.createHtmlOutput(ok ? 'Connected to Keap.' : 'Access denied.');
}

function optOutXml(email, reason) {
  return '<?xml version="1.0"?><methodCall><methodName>APIEmailService.optOut</methodName><params>' +
    '<param><value><string>unused</string></value></param>' +
    '<param><value><string>' + email + '</string></value></param>' +
    '<param><value><string>' + reason + '</string></value></param>' +
    '</params></methodCall>';
}

function syncContacts() {
  var headers = { Authorization: 'Bearer ' + getService().getAccessToken() };
  var sheet = SpreadsheetApp.getActiveSpreadsheet().getSheetByName('Contacts');
  var data = sheet.getDataRange().getValues();
  var props = PropertiesService.getScriptProperties();
  var start = Number(props.getProperty('NEXT_ROW') || 1);
  for (var i = start; i < data.length; i++) {
    var id = data[i][0];
    var email = String(data[i][1]).trim().toLowerCase();
    var contact = JSON.parse(UrlFetchApp.fetch(BASE + '/contacts/' + id + '?fields=email_addresses', {
      headers: headers
    }).getContentText());
    var emails = contact.email_addresses || [];
    var primary = emails.filter(function (e) { return e.field === 'EMAIL1'; })[0];
    if (email && (!primary || primary.email.toLowerCase() !== email)) {
      var others = emails.filter(function (e) { return e.field !== 'EMAIL1'; });
      UrlFetchApp.fetch(BASE + '/contacts/' + id + '?update_mask=email_addresses', {
        method: 'patch',
        contentType: 'application/json',
        headers: headers,
        payload: JSON.stringify({ email_addresses: [{ email: email, field: 'EMAIL1' }].concat(others) })
      });
    }
    if (data[i][2] === true) {
      UrlFetchApp.fetch(XMLRPC, {
        method: 'post',
        contentType: 'text/xml',
        headers: headers,
        payload: optOutXml(email, data[i][3] || 'Opted out from the sheet')
      });
    }
    sheet.getRange(i + 1, STATUS_COLUMN).setValue('Synced');
    props.setProperty('NEXT_ROW', String(i + 1));
  }
  props.deleteProperty('NEXT_ROW');
}
`;

/** A dist-like folder holding only the naive Code.js. */
export function writeNaiveBundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kss-bench-naive-'));
  writeFileSync(join(dir, 'Code.js'), NAIVE_SCRIPT);
  return dir;
}

/** How many times a person would run it again before giving up. */
const MAX_MANUAL_RUNS = 30;

function connectNaive(world: World): void {
  const started = world.run<string>('getAuthorizationUrl');
  if (started.error || typeof started.value !== 'string') {
    throw new Error(`naive script: no authorization URL (${started.error?.message})`);
  }
  const query = Object.fromEntries(new URL(started.value).searchParams);
  const redirect = world.sim.authorize(query, { approve: true, tenant: TENANT });
  const page = world.rt.userCallback(redirect, OWNER);
  if (!page.html.includes('Connected'))
    throw new Error(`naive script: consent failed: ${page.html}`);
}

/** Scenario (a) for the naive script: run from the menu, again after each kill, until done. */
export function benchNaive(model: CostModel, rows: number, bundleDir: string): ScenarioResult {
  const world = createWorld(model, rows, bundleDir);
  connectNaive(world);
  const sheet = readSheetRows(world.sheet().values());
  const needed = neededChanges(world.sim, sheet);
  const logBefore = world.sim.log.length;
  const violationsBefore = world.sim.specViolations.length;
  const started = performance.now();
  const executions = [];
  let finished = false;
  while (!finished && executions.length < MAX_MANUAL_RUNS) {
    const result = world.run('syncContacts');
    executions.push(result);
    finished = !result.error && world.rt.scriptProperties().NEXT_ROW === undefined;
    if (result.error && !result.killed) break;
  }
  const realMs = performance.now() - started;
  const measurement = measureRun(executions, world.sim.log.slice(logBefore), rows);
  const wrong = rowsNotInKeap(world.sim, sheet);
  const killed = measurement.killed;
  const notes: string[] = [];
  if (killed > 0) {
    const perRowMs = measurement.appsScriptMs / rows;
    notes.push(
      `execution-limited: ${killed} of its ${executions.length} executions were killed at ` +
        `${model.executionLimitMs / 60_000} min; a person ran it again each time and it resumed at its saved row ` +
        `(about ${(perRowMs / 1000).toFixed(2)} s of Apps Script time per row)`,
    );
  }
  const last = executions[executions.length - 1];
  return {
    implementation: 'naive',
    scenario: 'all-changed',
    rows,
    needed,
    measurement,
    outcome: finished
      ? `completed after ${executions.length} manual run(s)`
      : `not finished: ${last?.error?.message ?? 'stopped'}`,
    completed: finished,
    ended: finished,
    rowsNotInKeap: wrong.length,
    firstRowsNotInKeap: wrong.slice(0, 5),
    recordedRows: null,
    firstExecutionSheetCalls: {},
    specViolations: world.sim.specViolations.slice(violationsBefore),
    realMs,
    notes,
  };
}
