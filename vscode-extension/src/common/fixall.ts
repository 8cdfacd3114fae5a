// "secure-ls: Fix All Security Findings in File": applies the server's
// `source.fixAll.secure-ls` code action to the active editor.
import * as vscode from 'vscode';
import { FIX_ALL_KIND, SERVER_NAME } from './constants';
import { traceInfo } from './log';

export async function fixAll(serverRunning: () => boolean): Promise<void> {
    if (!serverRunning()) {
        void vscode.window.showWarningMessage(`${SERVER_NAME}: the server is not running; see "secure-ls: Show Logs".`);
        return;
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
        void vscode.window.showInformationMessage(`${SERVER_NAME}: open a Python file to fix.`);
        return;
    }
    const document = editor.document;
    const fullRange = new vscode.Range(0, 0, document.lineCount, 0);
    const actions =
        (await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            document.uri,
            fullRange,
            FIX_ALL_KIND,
            20, // resolve edits the server computes lazily (codeAction/resolve)
        )) ?? [];
    const action = actions.find((a) => a.kind?.value === FIX_ALL_KIND && (a.edit || a.command));
    if (!action) {
        void vscode.window.showInformationMessage(`${SERVER_NAME}: nothing to fix in ${vscode.workspace.asRelativePath(document.uri)}.`);
        return;
    }
    traceInfo(`Applying "${action.title}" to ${document.uri.toString()}`);
    if (action.edit) {
        await vscode.workspace.applyEdit(action.edit);
    }
    if (action.command) {
        await vscode.commands.executeCommand(action.command.command, ...((action.command.arguments ?? []) as unknown[]));
    }
}
