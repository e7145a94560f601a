import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import prettierRecommended from "eslint-plugin-prettier/recommended";

// Node's built-in modules are imported with the `node:` prefix, one import style throughout.
const unprefixedBuiltins = builtinModules
    .filter((name) => !name.startsWith("_"))
    .map((name) => ({ name, message: `import "node:${name}" (the node: prefix is this codebase's style)` }));

export default tseslint.config(
    { ignores: ["node_modules/**", "bin/**", ".engine/**", "dist/**", "**/*.js", "**/*.mjs", "policies/node_modules/**"] },
    ...tseslint.configs.recommended,
    {
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            // Interpolating an Output into a template string yields "Calling [toString] on an Output" text.
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "no-restricted-imports": ["error", { paths: unprefixedBuiltins }],
        },
    },
    // Tests pick through untyped mock inputs.
    { files: ["test/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
    // Formatting is Prettier's (.prettierrc.json), reported as lint errors; `npx eslint --fix .` applies it.
    prettierRecommended,
);
