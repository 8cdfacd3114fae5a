// Status bar item that tells whether the server runs. Clicking it opens the logs.
import * as vscode from 'vscode';
import { Commands, SERVER_NAME } from './constants';

export type ServerState = 'starting' | 'running' | 'stopped' | 'installing' | 'error';

const ICONS: Record<ServerState, string> = {
    starting: '$(sync~spin)',
    installing: '$(sync~spin)',
    running: '$(shield)',
    stopped: '$(circle-slash)',
    error: '$(error)',
};

let item: vscode.StatusBarItem | undefined;

export function createStatusItem(): vscode.StatusBarItem {
    item = vscode.window.createStatusBarItem('secure-ls.status', vscode.StatusBarAlignment.Right, 100);
    item.name = SERVER_NAME;
    item.command = Commands.showLogs;
    setStatus('stopped', 'not started');
    item.show();
    return item;
}

/** Show `state` with `detail` (e.g. the command line or the error) in the tooltip. */
export function setStatus(state: ServerState, detail?: string): void {
    if (!item) {
        return;
    }
    item.text = `${ICONS[state]} ${SERVER_NAME}`;
    item.tooltip = `${SERVER_NAME}: ${state}${detail ? ` — ${detail}` : ''}\nClick to show the logs.`;
    item.backgroundColor =
        state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}
