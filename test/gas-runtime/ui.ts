/** The spreadsheet's Ui: menus, alerts, prompts and HTML surfaces, recorded per execution. */
import { instrument, SELF, type Execution } from './execution';
import { htmlOutputState } from './html';

export type MenuEntry =
  | { type: 'item'; caption: string; functionName: string }
  | { type: 'separator' }
  | { type: 'submenu'; title: string; items: MenuEntry[] };

export type UiEvent =
  | { type: 'menu'; title: string; addOn: boolean; items: MenuEntry[] }
  | { type: 'alert'; title?: string; prompt: string; buttons: string; response: string }
  | {
      type: 'prompt';
      title?: string;
      prompt: string;
      buttons: string;
      response: string;
      text: string;
    }
  | { type: 'toast'; message: string; title?: string; timeoutSeconds?: number }
  | {
      type: 'sidebar' | 'modalDialog' | 'modelessDialog';
      title: string;
      html: string;
      width?: number;
      height?: number;
    };

const BUTTON_SETS: Record<string, string[]> = {
  OK: ['OK'],
  OK_CANCEL: ['OK', 'CANCEL'],
  YES_NO: ['YES', 'NO'],
  YES_NO_CANCEL: ['YES', 'NO', 'CANCEL'],
};

const Button = { CLOSE: 'CLOSE', OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO' };
const ButtonSet = {
  OK: 'OK',
  OK_CANCEL: 'OK_CANCEL',
  YES_NO: 'YES_NO',
  YES_NO_CANCEL: 'YES_NO_CANCEL',
};

export function createUi(exec: Execution): GoogleAppsScript.Base.Ui {
  const menu = (title: string, addOn: boolean) => {
    const items: MenuEntry[] = [];
    const impl = {
      addItem(caption: string, functionName: string) {
        items.push({ type: 'item', caption: String(caption), functionName: String(functionName) });
        return SELF;
      },
      addSeparator() {
        items.push({ type: 'separator' });
        return SELF;
      },
      addSubMenu(sub: { __entries?: () => { title: string; items: MenuEntry[] } }) {
        const entries = sub.__entries?.();
        if (entries) items.push({ type: 'submenu', title: entries.title, items: entries.items });
        return SELF;
      },
      addToUi() {
        exec.ui.push({ type: 'menu', title, addOn, items: structuredClone(items) });
      },
    };
    const wrapped = instrument(exec, 'Menu', impl) as unknown as Record<string, unknown>;
    wrapped.__entries = () => ({ title, items });
    return wrapped;
  };

  /** alert(prompt) | alert(prompt, buttons) | alert(title, prompt, buttons); same for prompt. */
  const dialogArgs = (args: unknown[], defaultButtons: string) => {
    if (args.length >= 3)
      return { title: String(args[0]), prompt: String(args[1]), buttons: String(args[2]) };
    if (args.length === 2) return { prompt: String(args[0]), buttons: String(args[1]) };
    return { prompt: String(args[0]), buttons: defaultButtons };
  };

  const surface = (
    type: 'sidebar' | 'modalDialog' | 'modelessDialog',
    output: object,
    title?: string,
  ) => {
    const state = htmlOutputState(output);
    if (!state)
      exec.fail(`The parameters (${typeof output}) don't match the method signature for Ui.show.`);
    exec.ui.push({
      type,
      title: title ?? state.title,
      html: state.content,
      ...(state.width === undefined ? {} : { width: state.width }),
      ...(state.height === undefined ? {} : { height: state.height }),
    });
  };

  const impl = {
    Button,
    ButtonSet,
    createMenu: (title: string) => menu(String(title), false),
    createAddonMenu: () => menu('Add-on', true),
    alert(...args: unknown[]) {
      const { title, prompt, buttons } = dialogArgs(args, 'OK');
      const response = exec.alertResponses.shift() ?? BUTTON_SETS[buttons]?.[0] ?? 'OK';
      exec.ui.push({
        type: 'alert',
        ...(title === undefined ? {} : { title }),
        prompt,
        buttons,
        response,
      });
      return response;
    },
    prompt(...args: unknown[]) {
      const { title, prompt, buttons } = dialogArgs(args, 'OK');
      const answer = exec.promptResponses.shift() ?? {
        button: BUTTON_SETS[buttons]?.[0] ?? 'OK',
        text: '',
      };
      exec.ui.push({
        type: 'prompt',
        ...(title === undefined ? {} : { title }),
        prompt,
        buttons,
        response: answer.button,
        text: answer.text,
      });
      return exec.realm.object({
        getResponseText: () => answer.text,
        getSelectedButton: () => answer.button,
      });
    },
    showSidebar(output: object) {
      surface('sidebar', output);
    },
    showModalDialog(output: object, title: string) {
      surface('modalDialog', output, String(title));
    },
    showModelessDialog(output: object, title: string) {
      surface('modelessDialog', output, String(title));
    },
  };
  return instrument(exec, 'Ui', impl) as never;
}
