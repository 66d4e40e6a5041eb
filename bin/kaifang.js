#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npm start` needs no build step;
// `npm run build` still type-checks and emits dist/ for those who want it.
// The supported runtime is the Node 24 that `npm ci` installs (devDependency `node`, ADR 0024):
// npm scripts and `npx kaifang` find it first on their PATH; an older Node is refused here, by name,
// rather than failing later on a dependency that needs a newer one.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `kaifang needs Node.js 24 or later; this is ${process.version} (${process.execPath}).\n` +
      'Run it through npm (`npm start`, `npx kaifang …`), which puts the Node 24 that `npm ci` installs first on the PATH.',
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/cli/main.ts');
