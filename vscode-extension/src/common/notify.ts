// Error notifications that offer the two ways out: the settings, or the logs.
import * as vscode from 'vscode';
import { CONFIG_SECTION, Commands } from './constants';

export const OPEN_SETTINGS = 'Open Settings';
const SHOW_LOGS = 'Show Logs';

export function openSettings(): Thenable<unknown> {
    return vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
}

export async function notifyError(message: string): Promise<void> {
    const answer = await vscode.window.showErrorMessage(message, OPEN_SETTINGS, SHOW_LOGS);
    if (answer === OPEN_SETTINGS) {
        await openSettings();
    } else if (answer === SHOW_LOGS) {
        await vscode.commands.executeCommand(Commands.showLogs);
    }
}
