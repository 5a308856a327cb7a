import { createCommands } from '@minitwit/db';
import { type Request, type Response, Router } from 'express';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/api-error';
import { jsonBody } from '../http/json-body';
import { latestOf, readLatest } from '../http/latest';
import { databaseRegistrationLimit, limitRegistrations } from '../http/registration-limit';
import type { FollowsBody, LatestBody, SimulatorMessage } from '../http/responses';
import { requireSimulator } from '../http/simulator-auth';
import { followBody, messageBody, parseBody, parseNo, registerBody } from '../http/validation';

/** Messages as the simulator reads them: `pub_date` in Unix seconds, as in the reference. */
const toSimulatorMessage = (message: {
  text: string;
  pubDate: Date;
  author: { username: string };
}): SimulatorMessage => ({
  content: message.text,
  pub_date: Math.floor(message.pubDate.getTime() / 1000),
  user: message.author.username,
});

/** The `:username` path segment, already URL-decoded by Express. */
function usernameParam(req: Request): string {
  const value = req.params.username;
  if (typeof value !== 'string') throw new ApiError(400, 'A username is required');
  return value;
}

/** A write's answer, sent by its command once it has committed and before it publishes. */
const noContent = (res: Response) => () => {
  res.status(204).end();
};

/** The routes of SPEC §3. Thin: validate, call the domain (a command for a write that pages see), present. */
export function simulatorRoutes({ db, publisher, simulatorCredentials, registrationLimit }: ApiDeps): Router {
  const router = Router();
  const commands = createCommands(db, () => publisher);
  // Any content type is parsed as JSON: the simulator's contract is JSON bodies.
  const json = jsonBody(16 * 1024);
  const auth = requireSimulator(simulatorCredentials);
  const registrations = limitRegistrations(registrationLimit ?? databaseRegistrationLimit(db), simulatorCredentials);

  router.get('/latest', async (_req, res) => {
    const body: LatestBody = { latest: await db.simulator.getLatest() };
    res.json(body);
  });

  // Every route below records `?latest=`; GET /latest above only reads it.
  router.use(readLatest);

  // Counted before the body is read: a refused call costs neither the parse nor the hash.
  router.post('/register', registrations, json, async (req, res) => {
    const body = parseBody(registerBody, req.body);
    await db.users.register(
      { username: body.username, email: body.email, password: body.pwd },
      { latest: latestOf(res) },
    );
    res.status(204).end();
  });

  router.get('/msgs', auth, async (req, res) => {
    const limit = parseNo(req.query.no);
    const latest = latestOf(res);
    if (latest !== undefined) await db.simulator.setLatest(latest);
    const page = await db.timelines.page({ kind: 'public' }, { limit });
    res.json(page.messages.map(toSimulatorMessage));
  });

  router.get('/msgs/:username', auth, async (req, res) => {
    const limit = parseNo(req.query.no);
    const user = await db.users.requireByUsername(usernameParam(req), { latest: latestOf(res) });
    const page = await db.timelines.page({ kind: 'user', userId: user.id }, { limit });
    res.json(page.messages.map(toSimulatorMessage));
  });

  router.post('/msgs/:username', auth, json, async (req, res) => {
    const { content } = parseBody(messageBody, req.body);
    await commands.postMessageAs(usernameParam(req), content, { latest: latestOf(res), acknowledge: noContent(res) });
  });

  router.get('/fllws/:username', auth, async (req, res) => {
    const limit = parseNo(req.query.no);
    const user = await db.users.requireByUsername(usernameParam(req), { latest: latestOf(res) });
    const body: FollowsBody = { follows: await db.follows.followingOf(user.id, limit) };
    res.json(body);
  });

  router.post('/fllws/:username', auth, json, async (req, res) => {
    const body = parseBody(followBody, req.body);
    const options = { latest: latestOf(res), acknowledge: noContent(res) };
    if ('follow' in body) await commands.follow(usernameParam(req), body.follow, options);
    else await commands.unfollow(usernameParam(req), body.unfollow, options);
  });

  return router;
}
