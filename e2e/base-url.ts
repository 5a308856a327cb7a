/**
 * Where the e2e system listens: its own ports, apart from a developer's
 * :3000 / :5001. The web app and its live timelines share one origin.
 * E2E_BASE_URL / E2E_API_URL point the specs at a deployment instead (the
 * topology tests run the live specs through a compose or Swarm proxy).
 */
/** Shifts every e2e port, so two checkouts (or two people on one machine) can run the suite at once. */
export const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0);
export const PORT = 3100 + PORT_OFFSET;
export const BASE_URL = process.env.E2E_BASE_URL ?? `http://127.0.0.1:${PORT}`;
/** The simulator API of the same launcher process. */
export const API_PORT = 5101 + PORT_OFFSET;
export const API_URL = process.env.E2E_API_URL ?? `http://127.0.0.1:${API_PORT}`;
