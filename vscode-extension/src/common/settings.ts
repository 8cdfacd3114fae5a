// Reads the `secure-ls.*` settings: the part sent to the server and the part that decides
// which program the extension starts.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { CONFIG_SECTION, LAUNCH_SETTINGS } from './constants';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type Confidence = 'low' | 'medium' | 'high';

/**
 * What the server receives as `initializationOptions` and for `workspace/configuration` section
 * `secure-ls`: only the settings the user (or workspace) actually set. Defaults are left out on
 * purpose: the server applies editor settings on top of the project's `[tool.secure-ls]`, key
 * by key, so sending a default would silently override the team's pyproject.toml.
 */
export interface ServerSettings {
    enable?: boolean;
    select?: string[];
    extendSelect?: string[];
    ignore?: string[];
    severity?: Record<string, Severity>;
    minConfidence?: Confidence;
    baseline?: string | null;
    scope?: 'openFiles' | 'workspace';
    dependencies?: {
        enable?: boolean;
        offlineDir?: string | null;
        caBundle?: string | null;
    };
}

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

export function getServerSettings(scope?: vscode.ConfigurationScope): ServerSettings {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION, scope ?? settingsScope());
    const folder = folderOf(scope);
    const explicit = <T>(key: string): T | undefined => {
        const inspected = config.inspect<T>(key);
        return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    };
    const out: ServerSettings = {};
    const enable = explicit<boolean>('enable');
    if (enable !== undefined) out.enable = enable;
    const select = explicit<string[]>('select');
    if (select !== undefined) out.select = select;
    const extendSelect = explicit<string[]>('extendSelect');
    if (extendSelect !== undefined) out.extendSelect = extendSelect;
    const ignore = explicit<string[]>('ignore');
    if (ignore !== undefined) out.ignore = ignore;
    const severity = explicit<Record<string, Severity>>('severity');
    if (severity !== undefined) out.severity = severity;
    const minConfidence = explicit<Confidence | null>('minConfidence');
    if (minConfidence !== undefined && minConfidence !== null) out.minConfidence = minConfidence;
    const diagnosticsScope = explicit<'openFiles' | 'workspace'>('scope');
    if (diagnosticsScope !== undefined) out.scope = diagnosticsScope;
    const baseline = explicit<string | null>('baseline');
    if (baseline !== undefined) out.baseline = resolveOptionalPath(baseline, folder);
    const dependencies: NonNullable<ServerSettings['dependencies']> = {};
    const depsEnable = explicit<boolean>('dependencies.enable');
    if (depsEnable !== undefined) dependencies.enable = depsEnable;
    const offlineDir = explicit<string | null>('dependencies.offlineDir');
    if (offlineDir !== undefined) dependencies.offlineDir = resolveOptionalPath(offlineDir, folder);
    // Whom TLS trusts is the user's choice: in an untrusted workspace, only their own
    // (global) value counts, as for the project's pyproject.toml on the server's side.
    const caBundle = vscode.workspace.isTrusted
        ? explicit<string | null>('dependencies.caBundle')
        : config.inspect<string | null>('dependencies.caBundle')?.globalValue;
    if (caBundle !== undefined) dependencies.caBundle = resolveOptionalPath(caBundle, folder);
    if (Object.keys(dependencies).length > 0) out.dependencies = dependencies;
    return out;
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
        return scope as vscode.WorkspaceFolder;
    }
    if ('uri' in scope && scope.uri) {
        return vscode.workspace.getWorkspaceFolder(scope.uri);
    }
    return undefined;
}
