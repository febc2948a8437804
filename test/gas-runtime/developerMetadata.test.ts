/**
 * Developer metadata of a spreadsheet: what an unattended run (openById, no active document)
 * reads the same as a person's run, kept to this script with PROJECT visibility, limited in
 * size, and paid for in spreadsheet calls like the rest of SpreadsheetApp.
 */
import { MAX_METADATA_CHARACTERS } from './index';
import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
var V = SpreadsheetApp.DeveloperMetadataVisibility;
function ss_(id) { return id ? SpreadsheetApp.openById(id) : SpreadsheetApp.getActiveSpreadsheet(); }
function add(key, value, visibility, id) {
  var ss = ss_(id);
  if (visibility === undefined) ss.addDeveloperMetadata(key, value);
  else if (value === undefined) ss.addDeveloperMetadata(key, V[visibility]);
  else ss.addDeveloperMetadata(key, value, V[visibility]);
}
function find(key, id) {
  return ss_(id).createDeveloperMetadataFinder().withKey(key).find().map(function (m) {
    return [m.getKey(), m.getValue(), String(m.getVisibility())];
  });
}
function findProject(key) {
  return ss_().createDeveloperMetadataFinder().withKey(key).withVisibility(V.PROJECT).find().length;
}
function all() {
  return ss_().getDeveloperMetadata().map(function (m) { return m.getKey() + '=' + m.getValue(); });
}
function change(key, value, id) {
  var found = ss_(id).createDeveloperMetadataFinder().withKey(key).find()[0];
  found.setValue(value);
  return found.getValue();
}
function removeKey(key) {
  var found = ss_().createDeveloperMetadataFinder().withKey(key).find()[0];
  found.remove();
  try { found.setValue('again'); return 'no error'; } catch (e) { return String(e); }
}
function noKey() { ss_().addDeveloperMetadata('', 'x', V.PROJECT); }
function markSheet(name) { ss_().getSheetByName(name).addDeveloperMetadata('marker', V.PROJECT); }
function markedSheet() {
  var found = ss_().createDeveloperMetadataFinder().withKey('marker').find();
  if (found.length === 0) return null;
  var location = found[0].getLocation();
  return [String(location.getLocationType()), location.getSheet().getName()];
}
function onSheet(name) { return ss_().getSheetByName(name).getDeveloperMetadata().length; }
function dropSheet(name) { var ss = ss_(); ss.deleteSheet(ss.getSheetByName(name)); }
function enumNames() { return [String(V.DOCUMENT), String(V.PROJECT)]; }
`;

function setup() {
  const rt = runtimeWith(BUNDLE);
  const id = rt.createSpreadsheet({ sheets: { Contacts: [['Email']], Log: [['When']] } });
  return { rt, id, ctx: { spreadsheetId: id } };
}

describe('developer metadata of a spreadsheet', () => {
  test('the visibility enum has the names of @types/google-apps-script', () => {
    const { rt, ctx } = setup();
    expect(rt.run('enumNames', [], ctx).value).toEqual(['DOCUMENT', 'PROJECT']);
  });

  test('written with the document open, read the same through openById without one', () => {
    const { rt, id, ctx } = setup();
    expect(rt.run('add', ['settings', '{"tab":"Leads"}', 'PROJECT'], ctx).error).toBeUndefined();
    const unattended = rt.run('find', ['settings', id], { spreadsheetId: null });
    expect(unattended.value).toEqual([['settings', '{"tab":"Leads"}', 'PROJECT']]);
    // And a change made there is what the next person's run reads.
    expect(
      rt.run('change', ['settings', '{"tab":"Other"}', id], { spreadsheetId: null }).value,
    ).toBe('{"tab":"Other"}');
    expect(rt.run('find', ['settings'], ctx).value).toEqual([
      ['settings', '{"tab":"Other"}', 'PROJECT'],
    ]);
    expect(rt.developerMetadata(id)).toEqual([
      expect.objectContaining({ key: 'settings', value: '{"tab":"Other"}', visibility: 'PROJECT' }),
    ]);
  });

  test("PROJECT metadata of another script is invisible; DOCUMENT metadata is anyone's", () => {
    const { rt, id, ctx } = setup();
    rt.addDeveloperMetadata(id, {
      key: 'settings',
      value: 'theirs',
      visibility: 'PROJECT',
      project: 'other-script',
    });
    rt.addDeveloperMetadata(id, {
      key: 'shared',
      value: 'all',
      visibility: 'DOCUMENT',
      project: 'other-script',
    });
    expect(rt.run('find', ['settings'], ctx).value).toEqual([]);
    expect(rt.run('all', [], ctx).value).toEqual(['shared=all']);
    rt.run('add', ['settings', 'ours', 'PROJECT'], ctx);
    expect(rt.run('find', ['settings'], ctx).value).toEqual([['settings', 'ours', 'PROJECT']]);
    expect(rt.run('findProject', ['shared'], ctx).value).toBe(0);
  });

  test('keys may repeat; without a visibility it is DOCUMENT; a value is optional', () => {
    const { rt, ctx } = setup();
    rt.run('add', ['k', 'one'], ctx);
    rt.run('add', ['k', undefined, 'PROJECT'], ctx);
    expect(rt.run('find', ['k'], ctx).value).toEqual([
      ['k', 'one', 'DOCUMENT'],
      ['k', null, 'PROJECT'],
    ]);
    expect(rt.run('noKey', [], ctx).error?.message).toBe('Invalid argument: key');
  });

  test('all metadata of a spreadsheet together holds at most 30,000 characters', () => {
    const { rt, id, ctx } = setup();
    expect(MAX_METADATA_CHARACTERS).toBe(30_000);
    rt.addDeveloperMetadata(id, {
      key: 'other',
      value: 'x'.repeat(29_000),
      project: 'other-script',
    });
    const tooBig = rt.run('add', ['settings', 'y'.repeat(1_000), 'PROJECT'], ctx);
    expect(tooBig.error?.message).toBe(
      'The developer metadata of this spreadsheet would exceed 30000 characters.',
    );
    expect(rt.run('find', ['settings'], ctx).value).toEqual([]);
    // 'other' + 29,000 + 'settings' + 987 = 30,000 exactly.
    expect(rt.run('add', ['settings', 'y'.repeat(987), 'PROJECT'], ctx).error).toBeUndefined();
    expect(rt.run('change', ['settings', 'y'.repeat(988)], ctx).error?.message).toMatch(/exceed/);
    expect(rt.run('change', ['settings', 'short'], ctx).value).toBe('short');
  });

  test('a removed record is gone, and changing it afterwards throws', () => {
    const { rt, id, ctx } = setup();
    rt.run('add', ['k', 'v', 'PROJECT'], ctx);
    expect(rt.run('removeKey', ['k'], ctx).value).toBe(
      'Exception: The developer metadata no longer exists.',
    );
    expect(rt.developerMetadata(id)).toEqual([]);
  });

  test('add, getDeveloperMetadata, find and each change are spreadsheet calls; building a finder and reading a found record are not', () => {
    const { rt, ctx } = setup();
    // getActiveSpreadsheet + addDeveloperMetadata
    expect(rt.run('add', ['k', 'v', 'PROJECT'], ctx).ledger.spreadsheetCalls).toBe(2);
    // getActiveSpreadsheet + find (the finder, withKey and the getters are local)
    expect(rt.run('find', ['k'], ctx).ledger.spreadsheetCalls).toBe(2);
    // getActiveSpreadsheet + getDeveloperMetadata
    expect(rt.run('all', [], ctx).ledger.spreadsheetCalls).toBe(2);
    // getActiveSpreadsheet + find + setValue
    const changed = rt.run('change', ['k', 'w'], ctx);
    expect(changed.ledger.spreadsheetCalls).toBe(3);
    expect(changed.ledger.serviceCalls).toBe(3);
  });

  test("a sheet's metadata is found from the spreadsheet, follows a rename and goes with the sheet", () => {
    const { rt, id, ctx } = setup();
    rt.run('markSheet', ['Log'], ctx);
    expect(rt.run('all', [], ctx).value).toEqual([]);
    expect(rt.run('onSheet', ['Log'], ctx).value).toBe(1);
    expect(rt.run('onSheet', ['Contacts'], ctx).value).toBe(0);
    rt.sheet(id, 'Log').rename('Old log');
    const found = rt.run('markedSheet', [], ctx);
    expect(found.value).toEqual(['SHEET', 'Old log']);
    // find + getName: the location and its sheet come with the record.
    expect(found.ledger.spreadsheetCalls).toBe(3);
    expect(rt.developerMetadata(id)).toEqual([
      expect.objectContaining({ key: 'marker', sheet: 'Old log', visibility: 'PROJECT' }),
    ]);
    rt.run('dropSheet', ['Old log'], ctx);
    expect(rt.run('markedSheet', [], ctx).value).toBeNull();
    expect(rt.developerMetadata(id)).toEqual([]);
  });
});
