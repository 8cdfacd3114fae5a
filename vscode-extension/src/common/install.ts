// The private install: a virtual environment in the extension's global storage, with the
// secure_ls wheel that ships inside the .vsix (bundled/). pip fetches its dependencies from
// the user's package index.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { SERVER_NAME } from './constants';
import { traceError, traceInfo } from './log';
import { probePython, ProbeResult } from './python';

export class PrivateInstall {
    constructor(private readonly context: vscode.ExtensionContext) {}

    get venvDir(): string {
        return path.join(this.context.globalStorageUri.fsPath, 'server-venv');
    }

    get python(): string {
        return process.platform === 'win32'
            ? path.join(this.venvDir, 'Scripts', 'python.exe')
            : path.join(this.venvDir, 'bin', 'python');
    }

    /** The newest secure_ls wheel in the extension's bundled/ folder. */
    bundledWheel(): { file: string; version: string } | undefined {
        const dir = path.join(this.context.extensionPath, 'bundled');
        let names: string[];
        try {
            names = fs.readdirSync(dir);
        } catch {
            return undefined;
        }
        const wheels = names
            .map((name) => /^secure_ls-([^-]+)-.*\.whl$/.exec(name))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ file: path.join(dir, m[0]), version: m[1] }))
            .sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
        return wheels.at(-1);
    }

    /** Probes the private environment; `undefined` when it does not exist. */
    async probe(): Promise<ProbeResult | undefined> {
        if (!fs.existsSync(this.python)) {
            return undefined;
        }
        return probePython([this.python], this.context.globalStorageUri.fsPath);
    }

    /**
     * Creates (or refreshes) the environment with `basePython` and installs the bundled wheel,
     * showing progress. Throws with pip's output when a step fails.
     */
    async install(basePython: string[]): Promise<void> {
        const wheel = this.bundledWheel();
        if (!wheel) {
            throw new Error('this build of the extension carries no secure_ls wheel');
        }
        await fs.promises.mkdir(this.context.globalStorageUri.fsPath, { recursive: true });
        await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `${SERVER_NAME}: installing the server` },
            async (progress) => {
                if (!fs.existsSync(this.python)) {
                    progress.report({ message: `creating ${this.venvDir}` });
                    const [exe, ...args] = basePython;
                    await run(exe, [...args, '-m', 'venv', this.venvDir]);
                }
                progress.report({ message: `pip install ${path.basename(wheel.file)} (and its dependencies)` });
                await run(this.python, [
                    '-m',
                    'pip',
                    'install',
                    '--disable-pip-version-check',
                    '--no-input',
                    '--upgrade',
                    wheel.file,
                ]);
            },
        );
        traceInfo(`Installed secure-ls ${wheel.version} into ${this.venvDir}`);
    }
}

/** Runs a command, logging its output; rejects with the tail of the output on failure. */
function run(command: string, args: string[]): Promise<void> {
    traceInfo(`> ${command} ${args.join(' ')}`);
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { windowsHide: true, env: { ...process.env, PIP_NO_INPUT: '1' } });
        let tail = '';
        const collect = (chunk: Buffer) => {
            const text = chunk.toString();
            tail = (tail + text).slice(-4000);
            for (const line of text.split(/\r?\n/)) {
                if (line.trim()) {
                    traceInfo(line);
                }
            }
        };
        child.stdout.on('data', collect);
        child.stderr.on('data', collect);
        child.on('error', (err) => reject(err));
        child.on('close', (code) => {
            if (code === 0) {
                resolve();
            } else {
                traceError(`${command} exited with ${code}`);
                reject(new Error(`${path.basename(command)} ${args.slice(0, 3).join(' ')} failed (exit ${code}):\n${tail}`));
            }
        });
    });
}
