// Client lifecycle: starts, stops and restarts the LanguageClient, and keeps the server's
// configuration in step with the settings. Which program it starts is launch.ts; the offer
// to install the server privately is installOffer.ts.
import * as vscode from 'vscode';
import {
    DidChangeConfigurationNotification,
    LanguageClient,
    LanguageClientOptions,
    ResponseError,
    RevealOutputChannelOn,
    ServerOptions,
    State,
} from 'vscode-languageclient/node';
import { CONFIG_SECTION, DOCUMENT_SELECTOR, SERVER_ID, SERVER_NAME } from './constants';
import { InstallOffer } from './installOffer';
import { Launch, resolveLaunch } from './launch';
import { traceError, traceInfo, traceWarn } from './log';
import { notifyError } from './notify';
import { initializationOptions } from './serverSettings';
import { getServerSettings } from './settings';
import { setStatus } from './status';

export class ServerController implements vscode.Disposable {
    private client: LanguageClient | undefined;
    private queue: Promise<void> = Promise.resolve();
    private restartTimer: NodeJS.Timeout | undefined;
    private readonly installOffer: InstallOffer;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly channel: vscode.LogOutputChannel,
    ) {
        this.installOffer = new InstallOffer(context, (reason) => void this.restart(reason));
    }

    /** (Re)starts the server; calls are serialized. `userRequested` re-enables the install offer. */
    restart(reason: string, userRequested = false): Promise<void> {
        if (userRequested) {
            this.installOffer.reopen();
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
        const launch = await resolveLaunch(this.context, this.installOffer);
        this.installOffer.settle();
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
            void notifyError(
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
            initializationOptions: initializationOptions(getServerSettings(), vscode.workspace.isTrusted),
            middleware: {
                workspace: {
                    // Answer for our section from settings.ts, so the server sees the same
                    // (resolved) values as in initializationOptions.
                    configuration: async (params, token, next) => {
                        const result = (await next(params, token)) as unknown[] | ResponseError<void>;
                        if (!Array.isArray(result)) {
                            return result;
                        }
                        return params.items.map((item, i): unknown =>
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
}
