import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
function include(name) { return HtmlService.createHtmlOutputFromFile(name).getContent(); }
function showSidebar() {
  var t = HtmlService.createTemplateFromFile('Sidebar');
  t.name = '<b>Ann & "Bob"</b>';
  t.rows = ['one', '<two>'];
  SpreadsheetApp.getUi().showSidebar(t.evaluate().setTitle('Keap Sync'));
}
function dialog() {
  SpreadsheetApp.getUi().showModalDialog(HtmlService.createHtmlOutput('<p>Hi</p>').setWidth(400).setHeight(200), 'Connect');
}
function missing() { return HtmlService.createHtmlOutputFromFile('Nope').getContent(); }
function askTwice() {
  var ui = SpreadsheetApp.getUi();
  var first = ui.alert('Sync now?', 'This updates Keap.', ui.ButtonSet.YES_NO);
  var second = ui.alert('Again?', 'Sure?', ui.ButtonSet.YES_NO);
  var p = ui.prompt('Your key', ui.ButtonSet.OK_CANCEL);
  return [first === ui.Button.YES, second === ui.Button.NO, p.getSelectedButton() === ui.Button.OK, p.getResponseText()];
}
`;

const SIDEBAR = `<html><head><?!= include('Style') ?></head><body>
<h1><?= name ?></h1><p><?!= name ?></p>
<ul><? for (var i = 0; i < rows.length; i++) { ?><li><?= rows[i] ?></li><? } ?></ul>
</body></html>`;

describe('HtmlService and the sidebar', () => {
  test('<?= ?> escapes, <?!= ?> does not, scriptlets run, include() works, the sidebar is recorded', () => {
    const rt = runtimeWith(BUNDLE, {}, { Sidebar: SIDEBAR, Style: '<style>b{color:red}</style>' });
    const id = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const r = rt.run('showSidebar', [], { spreadsheetId: id });
    expect(r.error).toBeUndefined();
    const [shown] = r.ui;
    expect(shown).toMatchObject({ type: 'sidebar', title: 'Keap Sync' });
    const html = shown && 'html' in shown ? shown.html : '';
    expect(html).toContain('<head><style>b{color:red}</style></head>');
    expect(html).toContain('<h1>&lt;b&gt;Ann &amp; &quot;Bob&quot;&lt;/b&gt;</h1>');
    expect(html).toContain('<p><b>Ann & "Bob"</b></p>');
    expect(html).toContain('<ul><li>one</li><li>&lt;two&gt;</li></ul>');
  });

  test('dialogs keep their size and title; a missing file is an error', () => {
    const rt = runtimeWith(BUNDLE);
    const id = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    expect(rt.run('dialog', [], { spreadsheetId: id }).ui).toEqual([
      { type: 'modalDialog', title: 'Connect', html: '<p>Hi</p>', width: 400, height: 200 },
    ]);
    expect(rt.run('missing').error?.message).toBe('No HTML file named Nope was found.');
  });

  test('alerts and prompts take their answers from the test, first button by default', () => {
    const rt = runtimeWith(BUNDLE);
    const id = rt.createSpreadsheet({ sheets: { Sheet1: [] } });
    const r = rt.run('askTwice', [], {
      spreadsheetId: id,
      ui: { alertResponses: ['YES', 'NO'], promptResponses: [{ button: 'OK', text: 'abc' }] },
    });
    expect(r.value).toEqual([true, true, true, 'abc']);
    expect(rt.run('askTwice', [], { spreadsheetId: id }).value).toEqual([true, false, true, '']);
  });
});
