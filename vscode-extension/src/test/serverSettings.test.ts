// Unit test of the mapping from `secure-ls.*` settings to the server's initializationOptions
// (serverSettings.ts). Plain node: `npm run test:unit` (run by tests/editors/test_vscode.py).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Inspected, initializationOptions, serverSettings, SettingsSource } from '../common/serverSettings';

/** A settings source from a table: key -> what `inspect` reports for it. */
function source(table: Record<string, Inspected<unknown>>, trusted = true): SettingsSource {
    return {
        inspect: <T>(key: string) => table[key] as Inspected<T> | undefined,
        trusted,
        resolvePath: (value) => (value ? (value.startsWith('/') ? value : `/work/folder/${value}`) : null),
    };
}

void test('nothing set sends nothing but trust and the hover style', () => {
    assert.deepEqual(initializationOptions(serverSettings(source({})), false), {
        workspaceTrusted: false,
        hoverShowsDiagnostics: true,
    });
});

void test('every server setting is sent under its own name', () => {
    const options = initializationOptions(
        serverSettings(
            source({
                enable: { globalValue: false },
                select: { globalValue: ['SLS1'] },
                extendSelect: { globalValue: ['SLS705'] },
                ignore: { globalValue: ['sql-injection'] },
                severity: { globalValue: { SLS301: 'error' } },
                minConfidence: { globalValue: 'high' },
                scope: { globalValue: 'workspace' },
                baseline: { globalValue: 'baseline.json' },
                'dependencies.enable': { globalValue: false },
                'dependencies.offlineDir': { globalValue: '/osv' },
                'dependencies.caBundle': { globalValue: 'ca.pem' },
            }),
        ),
        true,
    );
    assert.deepEqual(options, {
        enable: false,
        select: ['SLS1'],
        extendSelect: ['SLS705'],
        ignore: ['sql-injection'],
        severity: { SLS301: 'error' },
        minConfidence: 'high',
        scope: 'workspace',
        baseline: '/work/folder/baseline.json',
        dependencies: { enable: false, offlineDir: '/osv', caBundle: '/work/folder/ca.pem' },
        workspaceTrusted: true,
        hoverShowsDiagnostics: true,
    });
});

void test('the folder value beats the workspace value, which beats the user value', () => {
    const settings = serverSettings(
        source({
            select: { globalValue: ['SLS1'], workspaceValue: ['SLS2'], workspaceFolderValue: ['SLS3'] },
            ignore: { globalValue: ['SLS1'], workspaceValue: ['SLS2'] },
        }),
    );
    assert.deepEqual(settings, { select: ['SLS3'], ignore: ['SLS2'] });
});

void test('an unset minimum confidence is left out; a path set to null is sent as null', () => {
    const table = { minConfidence: { globalValue: null }, 'dependencies.offlineDir': { globalValue: null } };
    assert.deepEqual(serverSettings(source(table)), { dependencies: { offlineDir: null } });
});

void test('an untrusted workspace cannot choose the CA bundle; the user can', () => {
    const table = { 'dependencies.caBundle': { globalValue: '/mine.pem', workspaceValue: '/theirs.pem' } };
    assert.deepEqual(serverSettings(source(table, false)).dependencies, { caBundle: '/mine.pem' });
    assert.deepEqual(serverSettings(source(table, true)).dependencies, { caBundle: '/theirs.pem' });
    const onlyWorkspace = { 'dependencies.caBundle': { workspaceValue: '/theirs.pem' } };
    assert.equal(serverSettings(source(onlyWorkspace, false)).dependencies, undefined);
});
