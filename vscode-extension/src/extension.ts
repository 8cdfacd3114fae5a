// Entry point: wires the modules in src/common together. No logic of its own.
import * as vscode from 'vscode';
import { Commands } from './common/constants';
import { fixAll } from './common/fixall';
import { createLogChannel, traceInfo } from './common/log';
import { onDidChangeInterpreter } from './common/python';
import { ServerController } from './common/server';
import { affectsLaunch, affectsServer, getLaunchSettings } from './common/settings';
import { createStatusItem } from './common/status';

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const channel = createLogChannel();
    context.subscriptions.push(channel, createStatusItem());
    traceInfo(`secure-ls extension ${(context.extension.packageJSON as { version?: string }).version ?? '?'} activating`);

    controller = new ServerController(context, channel);
    const server = controller;
    context.subscriptions.push(
        server,
        vscode.commands.registerCommand(Commands.restart, () => server.restart('restart command', true)),
        vscode.commands.registerCommand(Commands.install, () => server.restart('install asked for', true)),
        vscode.commands.registerCommand(Commands.showLogs, () => channel.show()),
        vscode.commands.registerCommand(Commands.fixAll, () => fixAll(() => server.isRunning())),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (affectsLaunch(e)) {
                server.scheduleRestart('launch settings changed');
            } else if (affectsServer(e)) {
                void server.sendConfiguration();
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => server.scheduleRestart('workspace trusted')),
        vscode.workspace.onDidChangeWorkspaceFolders(() => server.scheduleRestart('workspace folders changed')),
    );
    // Do not hold up activation on the server (it may wait for an install offer).
    void server.restart('activation');

    const interpreterWatch = await onDidChangeInterpreter(() => {
        const launch = getLaunchSettings();
        if (!launch.path.length && !launch.interpreter.length) {
            server.scheduleRestart('Python interpreter changed');
        }
    });
    if (interpreterWatch) {
        context.subscriptions.push(interpreterWatch);
    }
}

export async function deactivate(): Promise<void> {
    await controller?.stop();
    controller = undefined;
}
