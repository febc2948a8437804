/**
 * The sidebar's script (built by rollup into dist/SidebarScript.html, which Sidebar.html
 * prints in). Wires the page's fixed buttons and asks for the state.
 */
import { clearError, clearNotice } from './banners';
import { createBridge } from './bridge';
import { watchForReturn } from './consent';
import { disableDaily, enableDaily, onHourChosen } from './daily';
import { byId } from './dom';
import { preview } from './preview';
import { wireSettingsForm } from './settings';
import { createSidebar } from './sidebar';
import { refreshState } from './state';
import { syncNow } from './syncPanel';

const ui = createSidebar(createBridge(), refreshState);

watchForReturn(ui);
byId('error-dismiss').addEventListener('click', clearError);
byId('notice-dismiss').addEventListener('click', clearNotice);
byId('sync-now').addEventListener('click', () => syncNow(ui));
byId('preview').addEventListener('click', () => preview(ui));
byId('daily-enable').addEventListener('click', () => enableDaily(ui));
byId('daily-disable').addEventListener('click', () => disableDaily(ui));
byId('daily-hour').addEventListener('change', () => onHourChosen(ui));
wireSettingsForm(ui);

ui.refresh();
