// Names shared by the modules of the extension. Keep them in step with package.json.

/** Id of the language client, also the prefix of `<id>.trace.server`. */
export const SERVER_ID = 'secure-ls';
/** Human-readable name: output channel, notifications, status bar. */
export const SERVER_NAME = 'secure-ls';
/** Settings section (`secure-ls.*`) and the section the server asks for in `workspace/configuration`. */
export const CONFIG_SECTION = 'secure-ls';
/** Python module run with `-m` and the arguments that start the stdio language server. */
export const SERVER_MODULE = 'secure_ls';
export const SERVER_ARGS = ['serve'];
/** Oldest Python the server runs on (pyproject.toml: requires-python). */
export const MIN_PYTHON: readonly [number, number] = [3, 10];
/** Code action kind of the server's "fix everything in this file" action. */
export const FIX_ALL_KIND = 'source.fixAll.secure-ls';
/** The Python extension, asked for the active interpreter when it is installed. */
export const PYTHON_EXTENSION_ID = 'ms-python.python';

/**
 * Documents the server analyses: Python code, the Python cells of notebooks, and the dependency
 * files it checks for known vulnerabilities (keep in step with secure_ls/deps/files.py). The
 * cells reach the server through notebook document sync (the client sends no textDocument
 * events for them); listing them here is what makes the client pull their diagnostics.
 */
export const DOCUMENT_SELECTOR = [
    { scheme: 'file', language: 'python' },
    { scheme: 'untitled', language: 'python' },
    { notebook: '*', language: 'python' },
    { scheme: 'file', language: 'pip-requirements' },
    {
        scheme: 'file',
        pattern:
            '**/{requirements*.txt,*requirements.txt,*-requirements*.txt,*_requirements*.txt,requirements*.in,constraints*.txt}',
    },
    { scheme: 'file', pattern: '**/{requirements,constraints}/*.{txt,in}' },
    { scheme: 'file', pattern: '**/{pyproject.toml,uv.lock,poetry.lock,pylock.toml,pylock.*.toml}' },
];

export const Commands = {
    restart: 'secure-ls.restart',
    showLogs: 'secure-ls.showLogs',
    fixAll: 'secure-ls.fixAll',
    install: 'secure-ls.install',
} as const;

/** Settings that decide which program is started: changing one restarts the server. */
export const LAUNCH_SETTINGS = ['path', 'interpreter'] as const;
