// ESLint for the extension's TypeScript (npm run lint; tests/editors/test_vscode.py runs it).
// The recommended rules of ESLint and typescript-eslint, with type information: floating
// promises and misused promises are the client's usual bugs (an unawaited `client.start()`
// loses its error), so they are errors here.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/**", "out/**", "bundled/**", "node_modules/**", "esbuild.mjs", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
        },
    },
);
