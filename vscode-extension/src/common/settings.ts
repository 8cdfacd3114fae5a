// Reads the `secure-ls.*` settings: the part sent to the server and the part that decides
// which program the extension starts.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { CONFIG_SECTION, LAUNCH_SETTINGS } from './constants';
import { ServerSettings, serverSettings } from './serverSettings';

/** Extension-only settings: what to run. */
export interface LaunchSettings {
    /** `secure-ls.path`: an installed server executable and its arguments. */
    path: string[];
    /** `secure-ls.interpreter`: a Python executable and its arguments. */
    interpreter: string[];
}

/** The folder whose settings apply to the (single) server: the first workspace folder. */
export function settingsScope(): vscode.WorkspaceFolder | undefined {
    return vscode.workspace.workspaceFolders?.[0];
}

/** The settings sent to the server, for the folder of `scope` (default: the first folder). */
export function getServerSettings(scope?: vscode.ConfigurationScope): ServerSettings {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? settingsScope());
    const folder = folderOf(scope);
    return serverSettings({
        inspect: <T>(key: string) => config.inspect<T>(key),
        trusted: vscode.workspace.isTrusted,
        resolvePath: (value) => resolveOptionalPath(value, folder),
    });
}

/**
 * The launch settings, with variables resolved. In an untrusted workspace only the user's
 * own (global) values count: a workspace must never choose a program for us to run.
 */
export function getLaunchSettings(scope?: vscode.ConfigurationScope): LaunchSettings {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? settingsScope());
    const folder = folderOf(scope);
    const read = (key: string): string[] => {
        let value: string[] | undefined;
        if (vscode.workspace.isTrusted) {
            value = config.get<string[]>(key);
        } else {
            const inspected = config.inspect<string[]>(key);
            value = inspected?.globalValue ?? inspected?.defaultValue;
        }
        return (value ?? []).filter((s) => typeof s === 'string' && s.length > 0).map((s) => resolveVariables(s, folder));
    };
    return { path: read('path'), interpreter: read('interpreter') };
}

/** True when the change needs a new server process rather than a configuration refresh. */
export function affectsLaunch(e: vscode.ConfigurationChangeEvent): boolean {
    return LAUNCH_SETTINGS.some((key) => e.affectsConfiguration(`${CONFIG_SECTION}.${key}`));
}

export function affectsServer(e: vscode.ConfigurationChangeEvent): boolean {
    return e.affectsConfiguration(CONFIG_SECTION);
}

/** Expands `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}`. */
export function resolveVariables(value: string, folder?: vscode.WorkspaceFolder): string {
    const home = os.homedir();
    let out = value;
    if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) {
        out = home + out.slice(1);
    }
    out = out.replace(/\$\{userHome\}/g, home);
    const folderPath = (folder ?? settingsScope())?.uri.fsPath;
    if (folderPath) {
        out = out.replace(/\$\{workspaceFolder\}/g, folderPath);
    }
    out = out.replace(/\$\{env:([^}]+)\}/g, (_m, name: string) => process.env[name] ?? '');
    return out;
}

function resolveOptionalPath(value: string | null | undefined, folder?: vscode.WorkspaceFolder): string | null {
    if (!value) {
        return null;
    }
    const resolved = resolveVariables(value, folder);
    const base = (folder ?? settingsScope())?.uri.fsPath;
    return path.isAbsolute(resolved) || !base ? resolved : path.join(base, resolved);
}

function folderOf(scope?: vscode.ConfigurationScope): vscode.WorkspaceFolder | undefined {
    if (!scope) {
        return undefined;
    }
    if (scope instanceof vscode.Uri) {
        return vscode.workspace.getWorkspaceFolder(scope);
    }
    if ('uri' in scope && 'index' in scope) {
        return scope;
    }
    if ('uri' in scope && scope.uri) {
        return vscode.workspace.getWorkspaceFolder(scope.uri);
    }
    return undefined;
}
