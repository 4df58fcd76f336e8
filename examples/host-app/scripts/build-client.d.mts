/** Builds the client bundle into dist/public/app.js; resolves with its path. */
export function buildClient(options?: { quiet?: boolean }): Promise<string>;
