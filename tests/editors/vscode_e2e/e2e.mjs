// Drives a real VS Code (code-server) in headless Chromium the way a user would, against the
// installed secure-ls extension. Started by tests/editors/test_vscode.py, which prepares the
// profile, the workspace and the code-server process, and asserts on the result file.
//
// Environment (all required):
//   E2E_URL           code-server URL with ?folder=...
//   E2E_WORKSPACE     workspace folder on disk (holds app.py and .vscode/settings.json)
//   E2E_ARTIFACTS     folder for screenshots and result.json
//   E2E_SCENARIO      "main" | "private-install" | "untrusted" | "bad-interpreter" | "notebook"
//                     (bad-interpreter also reads E2E_OLD_PYTHON)
//   E2E_PLAYWRIGHT    folder of the playwright-core package
//   E2E_CHROMIUM      chromium executable
//   E2E_HOME          scratch HOME of this run (to find the server processes of this run)
//   E2E_TIMEOUT_MS    overall budget (default 240000)
//
// Writes <artifacts>/result.json: {ok, scenario, steps: [{name, ok, detail, screenshot}], error,
// problems, hover, files} and exits 0 when every step passed, 1 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const env = (name, fallback) => {
    const v = process.env[name] ?? fallback;
    if (v === undefined) {
        throw new Error(`missing environment variable ${name}`);
    }
    return v;
};
const URL = env('E2E_URL');
const WORKSPACE = env('E2E_WORKSPACE');
const ARTIFACTS = env('E2E_ARTIFACTS');
const SCENARIO = env('E2E_SCENARIO');
const HOME = env('E2E_HOME');
const BUDGET_MS = Number(env('E2E_TIMEOUT_MS', '240000'));
const require = createRequire(path.join(env('E2E_PLAYWRIGHT'), 'package.json'));
const { chromium } = require('playwright-core');

const started = Date.now();
const result = { ok: false, scenario: SCENARIO, steps: [], error: null, problems: null, hover: null, files: {} };
let page;
let shotIndex = 0;

fs.mkdirSync(ARTIFACTS, { recursive: true });

function log(...args) {
    console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);
}

async function screenshot(name) {
    shotIndex += 1;
    const file = path.join(ARTIFACTS, `${String(shotIndex).padStart(2, '0')}-${name}.png`);
    try {
        await page.screenshot({ path: file });
    } catch (err) {
        log(`screenshot ${name} failed: ${err.message}`);
        return null;
    }
    return file;
}

/** Runs one user-visible step; records it with a screenshot taken at its end. */
async function step(name, fn) {
    log(`step: ${name}`);
    const entry = { name, ok: false, detail: null, screenshot: null };
    result.steps.push(entry);
    try {
        entry.detail = (await fn()) ?? null;
        entry.ok = true;
    } finally {
        entry.screenshot = await screenshot(name);
        writeResult();
    }
    return entry.detail;
}

function writeResult() {
    fs.writeFileSync(path.join(ARTIFACTS, 'result.json'), JSON.stringify(result, null, 2));
}

function remaining() {
    return Math.max(1000, BUDGET_MS - (Date.now() - started));
}

async function waitUntil(what, predicate, timeoutMs = 60000, intervalMs = 500) {
    const deadline = Date.now() + Math.min(timeoutMs, remaining());
    let last;
    while (Date.now() < deadline) {
        try {
            last = await predicate();
            if (last) {
                return last;
            }
        } catch (err) {
            last = err;
        }
        await page.waitForTimeout(intervalMs);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

const readFile = (rel) => fs.readFileSync(path.join(WORKSPACE, rel), 'utf8');

// ------------------------------------------------------------------ UI helpers

async function runCommand(title) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`>${title}`);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
}

async function openFile(rel) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(rel);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(rel) }).first().waitFor({ timeout: 15000 });
    await page.keyboard.press('Enter');
    await page.locator(`.tab.active[data-resource-name="${path.basename(rel)}"], .tab.active:has-text("${path.basename(rel)}")`).first().waitFor({ timeout: 15000 });
    await page.locator('.monaco-editor .view-lines').first().waitFor({ timeout: 15000 });
}

/** Moves the cursor with Go to Line (1-based line and column). */
async function goTo(line, column) {
    await page.keyboard.press('Control+G');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`:${line}:${column}`);
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
}

/** 1-based line and column of `needle` in the file on disk (which the editor shows after a save). */
function positionOf(rel, needle, offset = 0) {
    const lines = readFile(rel).split('\n');
    for (let i = 0; i < lines.length; i++) {
        const col = lines[i].indexOf(needle);
        if (col >= 0) {
            return [i + 1, col + 1 + offset];
        }
    }
    throw new Error(`"${needle}" not found in ${rel}:\n${readFile(rel)}`);
}

async function editorText() {
    const text = await page.locator('.monaco-editor .view-lines').first().innerText();
    return text.replace(/\u00a0/g, ' ');
}

async function squiggles() {
    return page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info').count();
}

async function problemsText() {
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) {
        await runCommand('View: Focus Problems (Problems)').catch(async () => {
            await page.keyboard.press('Control+Shift+M');
        });
        await panel.waitFor({ state: 'visible', timeout: 10000 });
    }
    const text = (await panel.innerText()).replace(/\u00a0/g, ' ');
    result.problems = text;
    return text;
}

async function focusEditor() {
    await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 400, y: 5 } }).catch(() => {});
    await page.keyboard.press('Escape');
}

async function statusText() {
    return page.locator('.statusbar-item', { hasText: 'secure-ls' }).first().innerHTML().catch(() => '');
}

async function waitForServerRunning(timeoutMs = 90000) {
    return waitUntil('the secure-ls status bar item to show the server running (shield icon)', async () => {
        const html = await statusText();
        return html.includes('codicon-shield') ? html : false;
    }, timeoutMs);
}

/** Opens the quick fix menu at the cursor and applies the item whose title starts with `prefix`. */
async function applyQuickFix(prefix, shotName) {
    await page.keyboard.press('Control+.');
    await page.locator('.action-widget .monaco-list-row', { hasText: prefix }).first().waitFor({ timeout: 15000 });
    const titles = (await page.locator('.action-widget .monaco-list-row').allInnerTexts()).map((t) => t.trim());
    for (let i = 0; i < 30; i++) {
        const focused = ((await page.locator('.action-widget .monaco-list-row.focused').first().innerText().catch(() => '')) || '').trim();
        if (focused.startsWith(prefix)) {
            await screenshot(shotName);
            await page.keyboard.press('Enter');
            return { chosen: focused, menu: titles };
        }
        await page.keyboard.press('ArrowDown');
        await page.waitForTimeout(100);
    }
    throw new Error(`no quick fix starting with "${prefix}" could be focused; menu: ${JSON.stringify(titles)}`);
}

async function save(rel, predicate, what) {
    await page.keyboard.press('Control+S');
    return waitUntil(`${rel} on disk to ${what}`, () => {
        const text = readFile(rel);
        return predicate(text) ? text : false;
    }, 20000);
}

// ------------------------------------------------------------------ processes

/** PIDs of secure-ls server processes started by this run's code-server (matched by HOME). */
function serverPids() {
    const pids = [];
    for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
            const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
            if (!cmd.includes('secure_ls') && !cmd.some((c) => c.endsWith('secure-ls'))) {
                continue;
            }
            const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
            if (environ.includes(`HOME=${HOME}`)) {
                pids.push(Number(pid));
            }
        } catch {
            // process ended meanwhile
        }
    }
    return pids.sort();
}

// ------------------------------------------------------------------ scenarios

async function openWorkbench() {
    await step('workbench', async () => {
        await page.goto(URL, { waitUntil: 'domcontentloaded', timeout: 60000 });
        await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
        await page.locator('.explorer-folders-view, .explorer-viewlet, .part.sidebar').first().waitFor({ timeout: 30000 });
        return 'code-server workbench loaded';
    });
}

async function scenarioMain() {
    await openWorkbench();
    await step('diagnostics', async () => {
        await openFile('app.py');
        await waitForServerRunning();
        await waitUntil('a secure-ls squiggle in app.py', async () => (await squiggles()) > 0, 90000);
        return `${await squiggles()} squiggle(s)`;
    });
    await step('problems-panel', async () => {
        const text = await waitUntil('SLS101 and SLS301 in the Problems panel', async () => {
            const t = await problemsText();
            return t.includes('SLS101') && t.includes('SLS301') ? t : false;
        }, 30000);
        if (!text.includes('secure-ls')) {
            throw new Error(`Problems panel does not name the source secure-ls:\n${text}`);
        }
        return text;
    });
    await step('hover', async () => {
        await focusEditor();
        const [line, col] = positionOf('app.py', 'f"SELECT', 4);
        await goTo(line, col);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        const text = await waitUntil('a hover with the rule explanation and a CWE link', async () => {
            const hovers = await page.locator('.monaco-hover:visible').allInnerTexts();
            const t = hovers.join('\n');
            return /CWE/i.test(t) ? t : false;
        }, 15000);
        result.hover = text;
        return text;
    });
    await page.keyboard.press('Escape');

    await step('ignore-setting', async () => {
        fs.writeFileSync(path.join(WORKSPACE, '.vscode', 'settings.json'), JSON.stringify({ 'secure-ls.ignore': ['SLS101'] }, null, 4));
        return waitUntil('SLS101 to leave the Problems panel while SLS301 stays', async () => {
            const t = await problemsText();
            return !t.includes('SLS101') && t.includes('SLS301') ? t : false;
        }, 30000);
    });
    await step('ignore-removed', async () => {
        fs.writeFileSync(path.join(WORKSPACE, '.vscode', 'settings.json'), '{}\n');
        return waitUntil('SLS101 to come back after removing the ignore setting', async () => {
            const t = await problemsText();
            return t.includes('SLS101') && t.includes('SLS301') ? t : false;
        }, 30000);
    });
    await step('restart-command', async () => {
        const before = serverPids();
        if (!before.length) {
            throw new Error('no secure-ls server process of this run found before the restart');
        }
        await runCommand('secure-ls: Restart Server');
        await waitUntil(`the server process to be replaced (was ${before.join(',')})`, () => {
            const now = serverPids();
            return now.length > 0 && !now.some((p) => before.includes(p)) ? now : false;
        }, 30000);
        await waitForServerRunning(30000);
        await focusEditor();
        const text = await waitUntil('diagnostics to come back after the restart', async () => {
            const t = await problemsText();
            return t.includes('SLS101') && t.includes('SLS301') && (await squiggles()) > 0 ? t : false;
        }, 60000);
        return `server pids ${before.join(',')} -> ${serverPids().join(',')}\n${text}`;
    });

    await step('sql-quick-fix', async () => {
        await focusEditor();
        const [line, col] = positionOf('app.py', 'f"SELECT', 4);
        await goTo(line, col);
        const chosen = await applyQuickFix('secure-ls (SLS101): Use a parameterized query', 'sql-quick-fix-menu');
        await waitUntil('the editor to show the fixed query', async () => !(await editorText()).includes('f"SELECT'), 15000);
        const disk = await save('app.py', (t) => !t.includes('f"SELECT'), 'hold the parameterized query');
        result.files['app.py after SQL fix'] = disk;
        return { chosen, disk };
    });

    await step('hash-quick-fix', async () => {
        const [line, col] = positionOf('app.py', 'hashlib.md5', 9);
        await goTo(line, col);
        const chosen = await applyQuickFix('secure-ls (SLS301): Hash passwords with bcrypt', 'hash-quick-fix-menu');
        await waitUntil('the editor to drop md5', async () => !(await editorText()).includes('md5('), 15000);
        const disk = await save('app.py', (t) => !t.includes('md5(') && /bcrypt/.test(t), 'use bcrypt instead of md5');
        result.files['app.py after hash fix'] = disk;
        return { chosen, disk };
    });

    await step('fix-all-command', async () => {
        await openFile('more.py');
        await waitUntil('secure-ls squiggles in more.py', async () => (await squiggles()) > 0, 30000);
        await runCommand('secure-ls: Fix All Security Findings in File');
        await waitUntil('the editor to show the fixed query', async () => !(await editorText()).includes('f"DELETE'), 20000);
        const disk = await save('more.py', (t) => !t.includes('f"DELETE'), 'hold the fix');
        result.files['more.py after fix all'] = disk;
        return disk;
    });
}

async function scenarioPrivateInstall() {
    await openWorkbench();
    await step('install-offer', async () => {
        await openFile('app.py');
        const toast = page.locator('.notification-toast', { hasText: 'private environment' });
        await waitUntil('the offer to install secure-ls into a private environment', () => toast.first().isVisible(), 60000);
        const text = await toast.first().innerText();
        await screenshot('install-offer-shown');
        // the pop-up goes away unanswered (as when it times out into the notification centre)
        await runCommand('Notifications: Clear All Notifications');
        await waitUntil('the install offer to be gone', async () => !(await toast.first().isVisible()), 20000);
        return text;
    });
    await step('install-offer-again-from-status-item', async () => {
        // the status bar item still offers it: clicking it asks again
        const toast = page.locator('.notification-toast', { hasText: 'private environment' });
        await page.locator('.statusbar-item', { hasText: 'secure-ls' }).first().click();
        await waitUntil('the install offer again after clicking the status bar item', () => toast.first().isVisible(), 60000);
        const text = await toast.first().innerText();
        await toast.first().locator('a.monaco-button, .monaco-button', { hasText: 'Install' }).first().click();
        return text;
    });
    await step('private-server-diagnostics', async () => {
        await waitForServerRunning(300000);
        await focusEditor();
        await waitUntil('a secure-ls squiggle from the privately installed server', async () => (await squiggles()) > 0, 90000);
        return waitUntil('SLS101 in the Problems panel', async () => {
            const t = await problemsText();
            return t.includes('SLS101') ? t : false;
        }, 30000);
    });
}

/** Restricted Mode: the workspace's own secure-ls.path / secure-ls.interpreter must be ignored. */
async function scenarioUntrusted() {
    await openWorkbench();
    await step('restricted-mode-diagnostics', async () => {
        await openFile('app.py');
        await waitUntil('the Restricted Mode indicator', () => page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().isVisible(), 30000);
        await waitForServerRunning();
        await waitUntil('a secure-ls squiggle from the server the user configured', async () => (await squiggles()) > 0, 90000);
        return waitUntil('SLS101 in the Problems panel', async () => {
            const t = await problemsText();
            return t.includes('SLS101') ? t : false;
        }, 30000);
    });
}

/** A Jupyter notebook in VS Code's notebook editor: the server gets it through notebook document
 * sync, analyses its Python cells as one module, and each cell's findings reach the Problems panel
 * (yaml is imported in one cell and loaded in another). */
async function scenarioNotebook() {
    await openWorkbench();
    await step('notebook-diagnostics', async () => {
        await page.keyboard.press('Control+P');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 10000 });
        await input.fill('tokens.ipynb');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'tokens.ipynb' }).first().waitFor({ timeout: 15000 });
        await page.keyboard.press('Enter');
        await page.locator('.notebook-editor, .notebookOverlay').first().waitFor({ timeout: 30000 });
        await waitForServerRunning();
        return waitUntil('SLS104 and SLS304 from the notebook cells in the Problems panel', async () => {
            const t = await problemsText();
            return t.includes('SLS104') && t.includes('SLS304') ? t : false;
        }, 90000);
    });
    await step('notebook-squiggles', async () => {
        await waitUntil('a secure-ls squiggle in a notebook cell', async () => (await squiggles()) > 0, 30000);
        await screenshot('notebook');
        return `${await squiggles()} squiggle(s) in the cells`;
    });
    await step('notebook-quick-fix', async () => {
        // put the cursor on the yaml.load squiggle in its cell, then apply the cell's quick fix
        const squiggle = page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info').first();
        const box = await squiggle.boundingBox();
        if (!box) {
            throw new Error('the squiggle has no position on the page');
        }
        await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
        await page.waitForTimeout(300);
        const applied = await applyQuickFix('secure-ls (SLS104): Use yaml.safe_load', 'notebook-quick-fix-menu');
        const text = await save('tokens.ipynb', (t) => t.includes('yaml.safe_load(s)') && !t.includes('yaml.load(s)'), 'use yaml.safe_load in its cell');
        result.files['tokens.ipynb'] = text;
        return applied.chosen;
    });
}

/** A missing interpreter, then (after a settings edit) a too-old one: each gets a notification with the remedy. */
async function scenarioBadInterpreter() {
    await openWorkbench();
    const toastWith = (text) => page.locator('.notification-toast', { hasText: text }).first();
    await step('missing-interpreter', async () => {
        await openFile('app.py');
        const toast = toastWith('could not be run');
        await waitUntil('a notification that the interpreter could not be run', () => toast.isVisible(), 60000);
        const text = await toast.innerText();
        if (!text.includes('secure-ls.interpreter')) {
            throw new Error(`the notification names no remedy: ${text}`);
        }
        return text;
    });
    await step('too-old-interpreter', async () => {
        // A launch setting changed in the (trusted) workspace: the extension restarts by itself.
        fs.writeFileSync(
            path.join(WORKSPACE, '.vscode', 'settings.json'),
            JSON.stringify({ 'secure-ls.interpreter': [env('E2E_OLD_PYTHON')] }, null, 4),
        );
        const toast = toastWith('is Python 3.8');
        await waitUntil('a notification that Python 3.8 is too old', () => toast.isVisible(), 60000);
        const text = await toast.innerText();
        if (!text.includes('3.10 or newer')) {
            throw new Error(`the notification does not say which version is needed: ${text}`);
        }
        return text;
    });
}

// ------------------------------------------------------------------ main

const browser = await chromium.launch({
    executablePath: env('E2E_CHROMIUM', '/usr/bin/chromium'),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30000);
    if (SCENARIO === 'main') {
        await scenarioMain();
    } else if (SCENARIO === 'private-install') {
        await scenarioPrivateInstall();
    } else if (SCENARIO === 'bad-interpreter') {
        await scenarioBadInterpreter();
    } else if (SCENARIO === 'untrusted') {
        await scenarioUntrusted();
    } else if (SCENARIO === 'notebook') {
        await scenarioNotebook();
    } else {
        throw new Error(`unknown scenario ${SCENARIO}`);
    }
    result.ok = true;
} catch (err) {
    result.error = err.stack ?? String(err);
    log(`FAILED: ${err.message}`);
    if (page) {
        await screenshot('failure');
        try {
            const panel = page.locator('.markers-panel');
            if (await panel.isVisible().catch(() => false)) {
                result.problems = (await panel.innerText()).replace(/\u00a0/g, ' ');
            }
            result.notifications = await page.locator('.notification-toast').allInnerTexts();
        } catch {
            // best effort
        }
    }
} finally {
    writeResult();
    await browser.close();
}
log(result.ok ? 'all steps passed' : 'failed');
process.exit(result.ok ? 0 : 1);
