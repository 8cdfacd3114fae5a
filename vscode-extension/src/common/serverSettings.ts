// The mapping from the `secure-ls.*` settings to what the server receives, as pure functions
// (no `vscode` import), so that it can be unit-tested with plain node (src/test/).
// settings.ts feeds them from VS Code's configuration.

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

/** One setting as `WorkspaceConfiguration.inspect` reports it (defaults left out). */
export interface Inspected<T> {
    globalValue?: T;
    workspaceValue?: T;
    workspaceFolderValue?: T;
}

/** Where the settings come from: VS Code's configuration in the extension, a table in tests. */
export interface SettingsSource {
    inspect<T>(key: string): Inspected<T> | undefined;
    /** Whether the user trusts the workspace. */
    trusted: boolean;
    /** Expands variables and makes a relative path absolute (against the workspace folder). */
    resolvePath(value: string | null | undefined): string | null;
}

export function serverSettings(source: SettingsSource): ServerSettings {
    const explicit = <T>(key: string): T | undefined => {
        const inspected = source.inspect<T>(key);
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
    if (baseline !== undefined) out.baseline = source.resolvePath(baseline);
    const dependencies: NonNullable<ServerSettings['dependencies']> = {};
    const depsEnable = explicit<boolean>('dependencies.enable');
    if (depsEnable !== undefined) dependencies.enable = depsEnable;
    const offlineDir = explicit<string | null>('dependencies.offlineDir');
    if (offlineDir !== undefined) dependencies.offlineDir = source.resolvePath(offlineDir);
    // Whom TLS trusts is the user's choice: in an untrusted workspace, only their own
    // (global) value counts, as for the project's pyproject.toml on the server's side.
    const caBundle = source.trusted
        ? explicit<string | null>('dependencies.caBundle')
        : source.inspect<string | null>('dependencies.caBundle')?.globalValue;
    if (caBundle !== undefined) dependencies.caBundle = source.resolvePath(caBundle);
    if (Object.keys(dependencies).length > 0) out.dependencies = dependencies;
    return out;
}

/** The `initializationOptions` of the language client. */
export function initializationOptions(settings: ServerSettings, trusted: boolean): Record<string, unknown> {
    // workspaceTrusted: without it the server ignores the project's own base-url,
    // ca-bundle and cache-dir (granting trust restarts the server, see extension.ts).
    // VS Code shows the diagnostic's message above our hover: the server leaves it out (hoverShowsDiagnostics).
    return { ...settings, workspaceTrusted: trusted, hoverShowsDiagnostics: true };
}
