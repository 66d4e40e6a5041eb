#!/usr/bin/env node
// Runs the TypeScript sources through tsx so `npm start` needs no build step;
// `npm run build` still type-checks and emits dist/ for those who want it.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
