/**
 * The bundle's only entry. Every function exported from src/entry/* becomes a top-level
 * function of dist/Code.js, which is what Apps Script calls: menu items, triggers, the
 * OAuth callback and every google.script.run target from the sidebar.
 */
export * from './entry/connection';
export * from './entry/sync';
export * from './entry/ui';
