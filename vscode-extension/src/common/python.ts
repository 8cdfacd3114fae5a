// Finding and probing Python interpreters: the Python extension's active interpreter when it
// is installed, and a quick check of what an interpreter is (version, secure_ls importable).
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import { MIN_PYTHON, PYTHON_EXTENSION_ID, SERVER_MODULE } from './constants';
import { traceDebug, traceWarn } from './log';

/** What `probePython` found out about an interpreter. */
export interface PythonInfo {
    /** `sys.executable` */
    executable: string;
    version: [number, number, number];
    /** `import secure_ls` succeeded. */
    hasServer: boolean;
    /** Installed distribution version of secure-ls, when it has one. */
    serverVersion?: string;
    /** Why the import failed, when it did. */
    importError?: string;
}

export type ProbeResult = { ok: true; info: PythonInfo } | { ok: false; error: string };

const PROBE_SCRIPT = `
import json, sys
out = {"executable": sys.executable, "version": list(sys.version_info[:3]), "hasServer": False}
try:
    import ${SERVER_MODULE}
    out["hasServer"] = True
    try:
        from importlib.metadata import version
        out["serverVersion"] = version("secure-ls")
    except Exception:
        out["serverVersion"] = getattr(${SERVER_MODULE}, "__version__", None)
except BaseException as e:
    out["importError"] = "%s: %s" % (type(e).__name__, e)
print("SECURE_LS_PROBE " + json.dumps(out))
`;

/** Runs `command -c <probe>` (command = executable + its own arguments). */
export function probePython(command: string[], cwd: string | undefined, timeoutMs = 30000): Promise<ProbeResult> {
    return new Promise((resolve) => {
        const [exe, ...args] = command;
        execFile(
            exe,
            [...args, '-c', PROBE_SCRIPT],
            { cwd, timeout: timeoutMs, windowsHide: true, env: { ...process.env, PYTHONIOENCODING: 'utf-8' } },
            (err, stdout, stderr) => {
                const line = stdout.split(/\r?\n/).find((l) => l.startsWith('SECURE_LS_PROBE '));
                if (line) {
                    try {
                        const info = JSON.parse(line.slice('SECURE_LS_PROBE '.length)) as PythonInfo;
                        traceDebug(`probe ${command.join(' ')}:`, info);
                        resolve({ ok: true, info });
                        return;
                    } catch {
                        // fall through to the error below
                    }
                }
                const why = err ? ((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : err.message) : 'no answer';
                resolve({ ok: false, error: `${why}${stderr ? `\n${stderr.trim()}` : ''}` });
            },
        );
    });
}

export function isSupportedVersion(version: [number, number, number]): boolean {
    return version[0] > MIN_PYTHON[0] || (version[0] === MIN_PYTHON[0] && version[1] >= MIN_PYTHON[1]);
}

export function formatVersion(version: number[]): string {
    return version.join('.');
}

/** The default interpreter when nothing else names one. */
export function defaultPython(): string[] {
    return process.platform === 'win32' ? ['py', '-3'] : ['python3'];
}

// ---------------------------------------------------------------- the Python extension

/** The parts of the Python extension's API (ms-python.python) used here. */
interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
        resolveEnvironment(
            env: { id: string; path: string } | string,
        ): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
        onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
    };
    settings?: {
        getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
    };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
    const ext = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
    if (!ext) {
        return undefined;
    }
    try {
        return ext.isActive ? ext.exports : await ext.activate();
    } catch (err) {
        traceWarn('The Python extension did not activate:', err);
        return undefined;
    }
}

/** The interpreter selected in the Python extension, if it is installed and one is selected. */
export async function activeInterpreter(resource?: vscode.Uri): Promise<string[] | undefined> {
    const api = await pythonExtensionApi();
    if (!api) {
        return undefined;
    }
    try {
        if (api.environments) {
            const envPath = api.environments.getActiveEnvironmentPath(resource);
            const env = await api.environments.resolveEnvironment(envPath);
            const exe = env?.executable.uri?.fsPath;
            if (exe) {
                return [exe];
            }
        }
        const exec = api.settings?.getExecutionDetails(resource).execCommand;
        return exec && exec.length ? exec : undefined;
    } catch (err) {
        traceWarn('Could not get the active interpreter from the Python extension:', err);
        return undefined;
    }
}

/** Fires when the user picks another interpreter in the Python extension. */
export async function onDidChangeInterpreter(listener: () => void): Promise<vscode.Disposable | undefined> {
    const api = await pythonExtensionApi();
    return api?.environments?.onDidChangeActiveEnvironmentPath(() => listener());
}
