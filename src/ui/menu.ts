/**
 * The add-on menu. Each item names a global function of the bundle (src/entry/ui.ts);
 * building it touches nothing but the Ui, so it works in every auth mode, AuthMode.NONE included.
 */
export interface MenuItem {
  caption: string;
  functionName: string;
}

export const MENU_ITEMS: readonly MenuItem[] = [
  { caption: 'Open sidebar', functionName: 'showSidebar' },
  { caption: 'Sync now', functionName: 'menuSyncNow' },
  { caption: 'Preview changes', functionName: 'menuPreviewSync' },
  { caption: 'Enable daily sync…', functionName: 'menuEnableDailySync' },
  { caption: 'Disable daily sync', functionName: 'menuDisableDailySync' },
  { caption: 'Disconnect', functionName: 'menuDisconnect' },
];

/** Items after which a separator keeps the menu readable. */
const SEPARATOR_AFTER = new Set(['menuPreviewSync', 'menuDisableDailySync']);

/** The part of GoogleAppsScript.Base.Menu the menu needs (chainable). */
export interface AddonMenu {
  addItem(caption: string, functionName: string): AddonMenu;
  addSeparator(): AddonMenu;
  addToUi(): void;
}

export function buildAddonMenu(ui: { createAddonMenu(): AddonMenu }): void {
  let menu = ui.createAddonMenu();
  for (const item of MENU_ITEMS) {
    menu = menu.addItem(item.caption, item.functionName);
    if (SEPARATOR_AFTER.has(item.functionName)) menu = menu.addSeparator();
  }
  menu.addToUi();
}
