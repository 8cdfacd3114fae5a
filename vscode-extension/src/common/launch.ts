// Launch resolution: which program starts the server.
//
// Launch order:
//   1. `secure-ls.path`: an installed executable and its arguments;
//   2. an interpreter that can `import secure_ls` runs `-m secure_ls serve`: `secure-ls.interpreter`,
//      else the Python extension's active interpreter, else python3 on PATH;
//   3. else the private environment in global storage, installed (after asking) from the wheel
//      inside the .vsix (installOffer.ts).
import * as fs from 'fs';
import * as vscode from 'vscode';
import { MIN_PYTHON, SERVER_ARGS, SERVER_MODULE, SERVER_NAME } from './constants';
import type { InstallOffer } from './installOffer';
import { traceError, traceInfo } from './log';
import { notifyError } from './notify';
import { activeInterpreter, defaultPython, formatVersion, isSupportedVersion, probePython } from './python';
import { getLaunchSettings, settingsScope } from './settings';
import { setStatus } from './status';

/** A resolved way to start the server. */
export interface Launch {
    command: string;
    args: string[];
    cwd: string;
    /** Where the command came from, for logs and the status bar. */
    origin: string;
}

/** Applies the launch order; on a dead end tells the user what to do and returns undefined. */
export async function resolveLaunch(context: vscode.ExtensionContext, installOffer: InstallOffer): Promise<Launch | undefined> {
    const folder = settingsScope();
    const settings = getLaunchSettings(folder);
    // In an untrusted workspace do not run Python in the workspace folder: `-m secure_ls`
    // would import a secure_ls package that the workspace itself contains.
    const cwd = folder && vscode.workspace.isTrusted ? folder.uri.fsPath : await neutralDirectory(context);

    if (settings.path.length) {
        return { command: settings.path[0], args: settings.path.slice(1), cwd, origin: 'secure-ls.path' };
    }

    let interpreter = settings.interpreter;
    let origin = 'secure-ls.interpreter';
    if (!interpreter.length) {
        interpreter = (await activeInterpreter(folder?.uri)) ?? [];
        origin = 'the Python extension';
    }
    if (!interpreter.length) {
        interpreter = defaultPython();
        origin = 'PATH';
    }

    const probe = await probePython(interpreter, cwd);
    if (!probe.ok) {
        setStatus('error', `no usable Python (${interpreter.join(' ')})`);
        traceError(`Cannot run ${interpreter.join(' ')} (from ${origin}): ${probe.error}`);
        void notifyError(
            `${SERVER_NAME} needs Python ${MIN_PYTHON.join('.')} or newer, but \`${interpreter.join(' ')}\` ` +
                `(from ${origin}) could not be run: ${probe.error.split('\n')[0]}. ` +
                'Install Python, select an interpreter with the Python extension, or set `secure-ls.interpreter` ' +
                '(or `secure-ls.path` to an installed secure-ls).',
        );
        return undefined;
    }
    const info = probe.info;
    if (!isSupportedVersion(info.version)) {
        setStatus('error', `Python ${formatVersion(info.version)} is too old`);
        void notifyError(
            `${SERVER_NAME} needs Python ${MIN_PYTHON.join('.')} or newer; ${info.executable} (from ${origin}) ` +
                `is Python ${formatVersion(info.version)}. Select a newer interpreter with the Python extension ` +
                'or set `secure-ls.interpreter` to one.',
        );
        return undefined;
    }
    if (info.hasServer) {
        return {
            command: interpreter[0],
            args: [...interpreter.slice(1), '-m', SERVER_MODULE, ...SERVER_ARGS],
            cwd,
            origin: `${origin} (Python ${formatVersion(info.version)}, secure-ls ${info.serverVersion ?? '?'})`,
        };
    }
    traceInfo(`${info.executable} cannot import ${SERVER_MODULE}: ${info.importError ?? ''}`);
    return installOffer.resolve(interpreter, info.executable, formatVersion(info.version), cwd);
}

async function neutralDirectory(context: vscode.ExtensionContext): Promise<string> {
    const dir = context.globalStorageUri.fsPath;
    await fs.promises.mkdir(dir, { recursive: true });
    return dir;
}
