import {
  defaultSettings,
  loadSharedSettings,
  saveSharedSettings,
  SETTINGS_KEY,
  type SharedSettingsRecord,
} from '../../../src/sync/settings';
import { MemoryStore } from './support/fakes';

class Record implements SharedSettingsRecord {
  text: string | null = null;
  writes = 0;
  failing = false;
  read(): string | null {
    return this.text;
  }
  write(text: string): void {
    if (this.failing) throw new Error('Service error: Spreadsheets');
    this.writes += 1;
    this.text = text;
  }
}

const MIRROR = `${SETTINGS_KEY}.sheet1`;
const leads = { sheetName: 'Leads', headers: { ...defaultSettings().headers, email: 'E-mail' } };
const stale = defaultSettings();

function sources(documents: MemoryStore | null, mirror = new MemoryStore()) {
  return { documents, mirror: { store: mirror, key: MIRROR } };
}

describe('settings kept in the spreadsheet', () => {
  it('the record is the truth: copies of earlier versions are not read', () => {
    const record = new Record();
    record.text = JSON.stringify(leads);
    const documents = new MemoryStore();
    documents.setProperty(SETTINGS_KEY, JSON.stringify(stale));
    const mirror = new MemoryStore();
    mirror.setProperty(MIRROR, JSON.stringify(stale));
    expect(loadSharedSettings(record, sources(documents, mirror))).toEqual(leads);
    expect(record.writes).toBe(0);
  });

  it('document properties are carried in and removed, with the user copy', () => {
    const record = new Record();
    const documents = new MemoryStore();
    documents.setProperty(SETTINGS_KEY, JSON.stringify(leads));
    const mirror = new MemoryStore();
    mirror.setProperty(MIRROR, JSON.stringify(stale));
    expect(loadSharedSettings(record, sources(documents, mirror))).toEqual(leads);
    expect(JSON.parse(record.text as string)).toEqual(leads);
    expect(documents.getProperty(SETTINGS_KEY)).toBeNull();
    expect(mirror.getProperty(MIRROR)).toBeNull();
  });

  it('a record that cannot be written leaves the earlier copies in place', () => {
    const record = new Record();
    record.failing = true;
    const documents = new MemoryStore();
    documents.setProperty(SETTINGS_KEY, JSON.stringify(leads));
    expect(loadSharedSettings(record, sources(documents))).toEqual(leads);
    expect(documents.getProperty(SETTINGS_KEY)).toBe(JSON.stringify(leads));
  });

  it("a user's copy carried without the document properties yields to them later", () => {
    const record = new Record();
    const mirror = new MemoryStore();
    mirror.setProperty(MIRROR, JSON.stringify(stale));
    expect(loadSharedSettings(record, sources(null, mirror))).toEqual(stale);
    expect(JSON.parse(record.text as string)).toMatchObject({ fromCopy: true });
    const documents = new MemoryStore();
    documents.setProperty(SETTINGS_KEY, JSON.stringify(leads));
    expect(loadSharedSettings(record, sources(documents))).toEqual(leads);
    expect(JSON.parse(record.text as string)).toEqual(leads);
  });

  it('a carried copy becomes the truth once a run finds the document properties empty', () => {
    const record = new Record();
    record.text = JSON.stringify({ ...leads, fromCopy: true });
    expect(loadSharedSettings(record, sources(new MemoryStore()))).toEqual(leads);
    expect(JSON.parse(record.text as string)).toEqual(leads);
  });

  it('nothing anywhere: defaults, and nothing written', () => {
    const record = new Record();
    expect(loadSharedSettings(record, sources(new MemoryStore()))).toEqual(defaultSettings());
    expect(record.writes).toBe(0);
  });

  it('saving writes the record and removes the earlier copies', () => {
    const record = new Record();
    const documents = new MemoryStore();
    documents.setProperty(SETTINGS_KEY, JSON.stringify(stale));
    saveSharedSettings(record, leads, sources(documents));
    expect(JSON.parse(record.text as string)).toEqual(leads);
    expect(documents.getProperty(SETTINGS_KEY)).toBeNull();
  });
});
