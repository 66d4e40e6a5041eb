export { buildApp, type AppOptions } from './app.ts';
export type { Authenticator } from './auth.ts';
export { requestLang, type Lang } from './language.ts';
export { errorHandler } from './errors.ts';
