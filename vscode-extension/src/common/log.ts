// One LogOutputChannel for the extension and the language client. Its level follows
// VS Code's log level ("Developer: Set Log Level..." or --log), so debug lines cost nothing
// unless asked for.
import * as vscode from 'vscode';
import { SERVER_NAME } from './constants';

let channel: vscode.LogOutputChannel | undefined;

export function createLogChannel(): vscode.LogOutputChannel {
    channel = vscode.window.createOutputChannel(SERVER_NAME, { log: true });
    return channel;
}

export function logChannel(): vscode.LogOutputChannel | undefined {
    return channel;
}

export function traceError(...args: unknown[]): void {
    channel?.error(format(args));
}

export function traceWarn(...args: unknown[]): void {
    channel?.warn(format(args));
}

export function traceInfo(...args: unknown[]): void {
    channel?.info(format(args));
}

export function traceDebug(...args: unknown[]): void {
    channel?.debug(format(args));
}

function format(args: unknown[]): string {
    return args
        .map((a) => (a instanceof Error ? a.stack ?? a.message : typeof a === 'string' ? a : JSON.stringify(a)))
        .join(' ');
}
