// The install offer: when no interpreter can import the server, run it from a private
// environment in global storage, installed from the wheel inside the .vsix after the user
// agreed (install.ts does the installing).
import * as vscode from 'vscode';
import { SERVER_ARGS, SERVER_MODULE, SERVER_NAME } from './constants';
import { PrivateInstall } from './install';
import type { Launch } from './launch';
import { traceError, traceInfo } from './log';
import { notifyError, OPEN_SETTINGS, openSettings } from './notify';
import { setStatus } from './status';

const INSTALL = 'Install';

export class InstallOffer {
    /** The user dismissed the offer: do not ask again until an explicit restart (`reopen`). */
    private declined = false;
    /** The offer is on screen. */
    private pending = false;
    /** The user chose Install: the next start installs (if still needed). */
    private accepted = false;
    private readonly privateInstall: PrivateInstall;

    /** `restart` starts the server again once the user accepted. */
    constructor(
        context: vscode.ExtensionContext,
        private readonly restart: (reason: string) => void,
    ) {
        this.privateInstall = new PrivateInstall(context);
    }

    /** The user asked for a restart or the install: a dismissed offer, or one whose pop-up
     * went into the notification centre unanswered, is made again. */
    reopen(): void {
        this.declined = false;
        this.pending = false;
    }

    /** A start attempt is over: an accepted install is not carried to the next one. */
    settle(): void {
        this.accepted = false;
    }

    /** The private environment's server, installing or updating it when the user agreed. */
    async resolve(basePython: string[], baseExecutable: string, baseVersion: string, cwd: string): Promise<Launch | undefined> {
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
            void notifyError(
                `${SERVER_NAME}: the server is not installed for ${baseExecutable}. Install it there ` +
                    '(`python -m pip install secure-ls`) or set `secure-ls.path` / `secure-ls.interpreter`.',
            );
            return undefined;
        }
        if (this.accepted) {
            this.accepted = false;
            return (await this.install(basePython)) ? launchPrivate() : undefined;
        }
        if (!this.declined && !this.pending) {
            this.offer(wheel.version, baseVersion, baseExecutable);
        }
        setStatus('stopped', 'secure-ls is not installed', 'install');
        return undefined;
    }

    /**
     * Asks whether to install the server privately. Not awaited by the restart queue: an
     * unanswered notification must not hold up restarts (e.g. after the user fixes the interpreter).
     */
    private offer(wheelVersion: string, baseVersion: string, baseExecutable: string): void {
        this.pending = true;
        void vscode.window
            .showWarningMessage(
                `${SERVER_NAME}: the server is not installed for Python ${baseVersion} (${baseExecutable}). ` +
                    `Install secure-ls ${wheelVersion} into a private environment for this extension?`,
                INSTALL,
                OPEN_SETTINGS,
            )
            .then((answer) => {
                this.pending = false;
                if (answer === INSTALL) {
                    this.accepted = true;
                    this.restart('private install accepted');
                    return;
                }
                this.declined = true;
                if (answer === OPEN_SETTINGS) {
                    void openSettings();
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
            void notifyError(
                `${SERVER_NAME}: installing the server into ${this.privateInstall.venvDir} failed: ` +
                    `${message.split('\n')[0]} See the logs for pip's output.`,
            );
            return false;
        }
        const after = await this.privateInstall.probe();
        if (!after?.ok || !after.info.hasServer) {
            setStatus('error', 'install failed');
            void notifyError(`${SERVER_NAME}: the private environment still cannot import ${SERVER_MODULE}. See the logs.`);
            return false;
        }
        return true;
    }
}
