// Chooses how to run the server (launch order below), starts and restarts the LanguageClient,
// and keeps the server's configuration in step with the settings.
//
// Launch order:
//   1. `secure-ls.path`: an installed executable and its arguments;
//   2. an interpreter that can `import secure_ls` runs `-m secure_ls serve`: `secure-ls.interpreter`,
//      else the Python extension's active interpreter, else python3 on PATH;
//   3. else the private environment in global storage, installed (after asking) from the wheel
//      inside the .vsix.
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    LanguageClient,
    LanguageClientOptions,
    RevealOutputChannelOn,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import { CONFIG_SECTION, Commands, DOCUMENT_SELECTOR, MIN_PYTHON, SERVER_ARGS, SERVER_ID, SERVER_MODULE, SERVER_NAME } from './constants';
import { PrivateInstall } from './install';
import { traceError, traceInfo, traceWarn } from './log';
import { activeInterpreter, defaultPython, formatVersion, isSupportedVersion, probePython } from './python';
import { getLaunchSettings, getServerSettings, settingsScope } from './settings';
import { setStatus } from './status';

/** A resolved way to start the server. */
export interface Launch {
    command: string;
    args: string[];
    cwd: string;
    /** Where the command came from, for logs and the status bar. */
    origin: string;
}

const OPEN_SETTINGS = 'Open Settings';
const SHOW_LOGS = 'Show Logs';
const INSTALL = 'Install';

export class ServerController implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private queue: Promise<void> = Promise.resolve();
    private restartTimer: NodeJS.Timeout | undefined;
    /** The user dismissed the install offer: do not ask again until an explicit restart. */
    private installDeclined = false;
    /** The install offer is on screen. */
    private offerPending = false;
    /** The user chose Install: the next start installs (if still needed). */
    private installAccepted = false;
    private readonly privateInstall: PrivateInstall;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly channel: vscode.LogOutputChannel,
    ) {
        this.privateInstall = new PrivateInstall(context);
    }

    /** (Re)starts the server; calls are serialized. `userRequested` re-enables the install offer. */
    restart(reason: string, userRequested = false): Promise<void> {
        if (userRequested) {
            this.installDeclined = false;
        }
        this.queue = this.queue.then(() => this.doRestart(reason)).catch((err) => {
            traceError('Server start failed:', err);
            setStatus('error', String(err instanceof Error ? err.message : err));
        });
        return this.queue;
    }

    /** Restart after a short pause, so that a burst of settings edits restarts once. */
    scheduleRestart(reason: string, delayMs = 500): void {
        if (this.restartTimer) {
            clearTimeout(this.restartTimer);
        }
        this.restartTimer = setTimeout(() => {
            this.restartTimer = undefined;
            void this.restart(reason);
        }, delayMs);
    }

    /** Tells the running server that settings changed; it pulls `workspace/configuration` again. */
    async sendConfiguration(): Promise<void> {
        const client = this.client;
        if (!client || client.state !== State.Running) {
            return;
        }
        traceInfo('Settings changed: sending workspace/didChangeConfiguration');
        await client.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [CONFIG_SECTION]: getServerSettings() },
        });
    }

    isRunning(): boolean {
        return this.client?.state === State.Running;
    }

    stop(): Promise<void> {
        this.queue = this.queue.then(() => this.stopClient());
        return this.queue;
    }

    dispose(): void {
        if (this.restartTimer) {
            clearTimeout(this.restartTimer);
        }
        void this.stop();
    }

    private async doRestart(reason: string): Promise<void> {
        traceInfo(`Starting the server (${reason})`);
        await this.stopClient();
        setStatus('starting');
        const launch = await this.resolveLaunch();
        this.installAccepted = false;
        if (!launch) {
            return; // resolveLaunch told the user why and set the status
        }
        traceInfo(`Server command (${launch.origin}): ${[launch.command, ...launch.args].join(' ')}  [cwd ${launch.cwd}]`);
        const client = this.createClient(launch);
        this.client = client;
        client.onDidChangeState((e) => {
            if (this.client !== client) {
                return;
            }
            if (e.newState === State.Running) {
                setStatus('running', [launch.command, ...launch.args].join(' '));
            } else if (e.newState === State.Stopped) {
                // Intentional stops clear this.client first, so this is the server going away.
                setStatus('error', 'the server stopped; see the logs, then run "secure-ls: Restart Server"');
            }
        });
        try {
            await client.start();
        } catch (err) {
            this.client = undefined;
            void client.dispose().catch(() => undefined);
            const message = err instanceof Error ? err.message : String(err);
            setStatus('error', message);
            void this.notifyError(
                `${SERVER_NAME}: the server did not start (${message}). Command: ${[launch.command, ...launch.args].join(' ')}`,
            );
            return;
        }
        setStatus('running', [launch.command, ...launch.args].join(' '));
    }

    private async stopClient(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (!client) {
            return;
        }
        try {
            await client.stop(5000);
        } catch (err) {
            traceWarn('Stopping the server:', err);
        }
        try {
            await client.dispose();
        } catch {
            // already stopped
        }
        setStatus('stopped');
    }

    private createClient(launch: Launch): LanguageClient {
        const serverOptions: ServerOptions = {
            command: launch.command,
            args: launch.args,
            options: { cwd: launch.cwd, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
        };
        const clientOptions: LanguageClientOptions = {
            documentSelector: DOCUMENT_SELECTOR,
            outputChannel: this.channel,
            traceOutputChannel: this.channel,
            revealOutputChannelOn: RevealOutputChannelOn.Never,
            // workspaceTrusted: without it the server ignores the project's own base-url,
            // ca-bundle and cache-dir (granting trust restarts the server, see extension.ts)
            // VS Code shows the diagnostic's message above our hover: the server leaves it out (hoverShowsDiagnostics)
            initializationOptions: { ...getServerSettings(), workspaceTrusted: vscode.workspace.isTrusted, hoverShowsDiagnostics: true },
            middleware: {
                workspace: {
                    // Answer for our section from settings.ts, so the server sees the same
                    // (resolved) values as in initializationOptions.
                    configuration: async (params, token, next) => {
                        const result = await next(params, token);
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return params.items.map((item, i) =>
                            item.section === CONFIG_SECTION
                                ? getServerSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                                : result[i],
                        );
                    },
                },
            },
        };
        return new LanguageClient(SERVER_ID, SERVER_NAME, serverOptions, clientOptions);
    }

    /** Applies the launch order; on a dead end tells the user what to do and returns undefined. */
    private async resolveLaunch(): Promise<Launch | undefined> {
        const folder = settingsScope();
        const settings = getLaunchSettings(folder);
        // In an untrusted workspace do not run Python in the workspace folder: `-m secure_ls`
        // would import a secure_ls package that the workspace itself contains.
        const cwd =
            folder && vscode.workspace.isTrusted ? folder.uri.fsPath : await this.neutralDirectory();

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
            void this.notifyError(
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
            void this.notifyError(
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
        return this.resolvePrivateInstall(interpreter, info.executable, formatVersion(info.version), cwd);
    }

    private async resolvePrivateInstall(
        basePython: string[],
        baseExecutable: string,
        baseVersion: string,
        cwd: string,
    ): Promise<Launch | undefined> {
        const wheel = this.privateInstall.bundledWheel();
        const existing = await this.privateInstall.probe();
        const launchPrivate = (): Launch => ({
            command: this.privateInstall.python,
            args: ['-m', SERVER_MODULE, ...SERVER_ARGS],
            cwd,
            origin: `private environment ${this.privateInstall.venvDir}`,
        });
        if (existing?.ok && existing.info.hasServer) {
            if (!wheel || existing.info.serverVersion === wheel.version) {
                return launchPrivate();
            }
            // The user accepted the private install before; keep it at the bundled version.
            traceInfo(`Updating the private server ${existing.info.serverVersion} -> ${wheel.version}`);
            return (await this.install(basePython)) ? launchPrivate() : undefined;
        }
        if (!wheel) {
            setStatus('error', 'secure-ls is not installed');
            void this.notifyError(
                `${SERVER_NAME}: the server is not installed for ${baseExecutable}. Install it there ` +
                    '(`python -m pip install secure-ls`) or set `secure-ls.path` / `secure-ls.interpreter`.',
            );
            return undefined;
        }
        if (this.installAccepted) {
            this.installAccepted = false;
            return (await this.install(basePython)) ? launchPrivate() : undefined;
        }
        if (!this.installDeclined && !this.offerPending) {
            this.offerInstall(wheel.version, baseVersion, baseExecutable);
        }
        setStatus('stopped', 'secure-ls is not installed');
        return undefined;
    }

    /**
     * Asks whether to install the server privately. Not awaited by the restart queue: an
     * unanswered notification must not hold up restarts (e.g. after the user fixes the interpreter).
     */
    private offerInstall(wheelVersion: string, baseVersion: string, baseExecutable: string): void {
        this.offerPending = true;
        void vscode.window
            .showWarningMessage(
                `${SERVER_NAME}: the server is not installed for Python ${baseVersion} (${baseExecutable}). ` +
                    `Install secure-ls ${wheelVersion} into a private environment for this extension?`,
                INSTALL,
                OPEN_SETTINGS,
            )
            .then((answer) => {
                this.offerPending = false;
                if (answer === INSTALL) {
                    this.installAccepted = true;
                    void this.restart('private install accepted');
                    return;
                }
                this.installDeclined = true;
                if (answer === OPEN_SETTINGS) {
                    void vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
                }
            });
    }

    private async install(basePython: string[]): Promise<boolean> {
        setStatus('installing', this.privateInstall.venvDir);
        try {
            await this.privateInstall.install(basePython);
        } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            traceError('Private install failed:', message);
            setStatus('error', 'install failed');
            void this.notifyError(
                `${SERVER_NAME}: installing the server into ${this.privateInstall.venvDir} failed: ` +
                    `${message.split('\n')[0]} See the logs for pip's output.`,
            );
            return false;
        }
        const after = await this.privateInstall.probe();
        if (!after?.ok || !after.info.hasServer) {
            setStatus('error', 'install failed');
            void this.notifyError(`${SERVER_NAME}: the private environment still cannot import ${SERVER_MODULE}. See the logs.`);
            return false;
        }
        return true;
    }

    private async neutralDirectory(): Promise<string> {
        const dir = this.context.globalStorageUri.fsPath;
        await fs.promises.mkdir(dir, { recursive: true });
        return dir;
    }

    private async notifyError(message: string): Promise<void> {
        const answer = await vscode.window.showErrorMessage(message, OPEN_SETTINGS, SHOW_LOGS);
        if (answer === OPEN_SETTINGS) {
            await vscode.commands.executeCommand('workbench.action.openSettings', CONFIG_SECTION);
        } else if (answer === SHOW_LOGS) {
            await vscode.commands.executeCommand(Commands.showLogs);
        }
    }
}
