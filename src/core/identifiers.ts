/**
 * A UUID in its canonical text form, the one definition: ids from paths, forms and bodies are
 * checked with it before a lookup, so a malformed one is "not found" or a 400, never a database
 * error (PostgreSQL's uuid type rejects it with a 500 otherwise).
 */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (text: string): boolean => UUID.test(text);
