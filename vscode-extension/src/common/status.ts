// Status bar item that tells whether the server runs. Clicking it opens the logs, or, when
// the server is not installed, offers the install again.
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

/**
 * Show `state` with `detail` (e.g. the command line or the error) in the tooltip. `action`
 * is what clicking the item does: show the logs, or offer the install again (an offer
 * whose pop-up timed out or was dismissed is not lost).
 */
export function setStatus(state: ServerState, detail?: string, action: 'logs' | 'install' = 'logs'): void {
    if (!item) {
        return;
    }
    item.text = `${ICONS[state]} ${SERVER_NAME}`;
    item.command = action === 'install' ? Commands.install : Commands.showLogs;
    const click = action === 'install' ? 'Click to install the server.' : 'Click to show the logs.';
    item.tooltip = `${SERVER_NAME}: ${state}${detail ? ` — ${detail}` : ''}\n${click}`;
    item.backgroundColor =
        state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
}
