/** Where the e2e app listens: its own port, apart from a developer's :3000. */
export const PORT = 3100;
export const BASE_URL = `http://127.0.0.1:${PORT}`;
