import { type DatabaseBackend, availableBackends } from '@minitwit/db/testing';
import { describe, expect, it } from 'vitest';
import type { SubscribeReply } from '../contract';
import { inProcessPublisher } from '../publish/local-hub';
import { createUser, isLive, newestIdIn, rawSocket, waitFor } from '../testing/harness';
import { inProcessServer } from '../testing/in-process-server';
import { buildInfo } from '@minitwit/monitoring';

/** One realtime server without Redis: the embedded setup, written to through the in-process publisher. */
describe.each(availableBackends())('realtime server, in-process (%s)', (backend: DatabaseBackend) => {
  const world = inProcessServer(backend);
  const { open, post } = world;

  it('delivers new messages to an anonymous public page, with the gravatar and no email', async () => {
    const alice = await createUser(world.db, 'Alice');
    const page = open(world.url, { kind: 'public' }, { newestId: await newestIdIn(world.db) });
    await waitFor(isLive(page), 'public subscription');
    const written = await post(alice.id, 'hello <world>');
    await waitFor(() => page.received.length === 1, 'the live message');
    expect(page.received[0]).toEqual({
      id: written.id,
      text: 'hello <world>',
      pubMs: written.pubDate.getTime(),
      // For pages of the release before during a rolling deploy (contract.ts).
      pubDate: written.pubDate.toISOString(),
      author: {
        id: alice.id,
        username: alice.username,
        avatarUrl: expect.stringMatching(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}\?d=identicon&s=48$/),
      },
      mentions: [],
      // Stamped by the publisher after the commit, for the commit→emit latency.
      committedAt: expect.any(Number),
    });
    expect(page.received[0]!.committedAt).toBeGreaterThanOrEqual(written.pubDate.getTime());
    expect(JSON.stringify(page.received)).not.toContain('@example.com');
  });

  it('sends what a page missed since its newest id before going live, in order', async () => {
    const bob = await createUser(world.db, 'Bob');
    const shown = await post(bob.id, 'rendered on the page');
    const missed = [await post(bob.id, 'missed 1'), await post(bob.id, 'missed 2')];
    const page = open(world.url, { kind: 'user', userId: bob.id }, { newestId: shown.id });
    await waitFor(isLive(page), 'user subscription');
    const live = await post(bob.id, 'live');
    await waitFor(() => page.received.length === 3, 'backlog and live message');
    expect(page.ids()).toEqual([...missed.map((m) => m.id), live.id]);
  });

  it("keeps a user page to that user's messages", async () => {
    const carol = await createUser(world.db, 'Carol');
    const dave = await createUser(world.db, 'Dave');
    const page = open(world.url, { kind: 'user', userId: carol.id }, { newestId: await newestIdIn(world.db) });
    await waitFor(isLive(page), 'user subscription');
    await post(dave.id, 'not for carol');
    const mine = await post(carol.id, 'for carol');
    // Published in order on one server: Dave's would have arrived before Carol's.
    await waitFor(() => page.received.length >= 1, "carol's message");
    expect(page.ids()).toEqual([mine.id]);
  });

  it('My Timeline follows the follow graph as it changes', async () => {
    const erin = await createUser(world.db, 'Erin');
    const frank = await createUser(world.db, 'Frank');
    const home = open(
      world.url,
      { kind: 'home' },
      { sessionToken: erin.sessionToken, newestId: await newestIdIn(world.db) },
    );
    await waitFor(isLive(home), 'home subscription');

    const before = await post(frank.id, 'before the follow');
    const own1 = await post(erin.id, 'own 1');
    await waitFor(() => home.ids().includes(own1.id), 'own message');

    const follow = await world.db.follows.follow(erin.username, frank.username);
    inProcessPublisher.followChanged({ whoId: follow.whoId, whomId: follow.whomId, following: true });
    const during = await post(frank.id, 'while following');
    await waitFor(() => home.ids().includes(during.id), 'followed message');

    const unfollow = await world.db.follows.unfollow(erin.username, frank.username);
    inProcessPublisher.followChanged({ whoId: unfollow.whoId, whomId: unfollow.whomId, following: false });
    const after = await post(frank.id, 'after the unfollow');
    const own2 = await post(erin.id, 'own 2');
    await waitFor(() => home.ids().includes(own2.id), 'second own message');

    expect(home.ids()).toEqual([own1.id, during.id, own2.id]);
    expect(home.ids()).not.toContain(before.id);
    expect(home.ids()).not.toContain(after.id);
  });

  it("refuses My Timeline to an anonymous socket, even one naming another user's id", async () => {
    const gina = await createUser(world.db, 'Gina');
    const socket = rawSocket(world.url);
    const received: unknown[] = [];
    socket.onAny((event: string, payload: unknown) => received.push([event, payload]));
    try {
      const reply = (await socket
        .timeout(5_000)
        .emitWithAck('timeline:subscribe', { scope: { kind: 'home', userId: gina.id }, afterId: 0 })) as SubscribeReply;
      expect(reply).toEqual({ ok: false, error: 'unauthorized' });
      const page = open(world.url, { kind: 'user', userId: gina.id }, { newestId: await newestIdIn(world.db) });
      await waitFor(isLive(page), 'control subscription');
      const message = await post(gina.id, 'private-ish');
      await waitFor(() => page.ids().includes(message.id), 'control page receipt');
      expect(received).toEqual([]);
    } finally {
      socket.disconnect();
    }
  });

  it('treats an unknown session as anonymous and reports it to the page', async () => {
    const page = open(world.url, { kind: 'home' }, { sessionToken: 'not-a-session' });
    await waitFor(() => page.statuses.includes('unauthorized'), 'unauthorized status');
    expect(page.received).toEqual([]);
  });

  it('rejects a malformed subscription', async () => {
    const socket = rawSocket(world.url);
    try {
      const reply = (await socket
        .timeout(5_000)
        .emitWithAck('timeline:subscribe', { scope: { kind: 'user', userId: 'x' }, afterId: -1 })) as SubscribeReply;
      expect(reply).toEqual({ ok: false, error: 'invalid' });
    } finally {
      socket.disconnect();
    }
  });

  it('takes a flagged message off open pages', async () => {
    const hank = await createUser(world.db, 'Hank');
    const publicPage = open(world.url, { kind: 'public' }, { newestId: await newestIdIn(world.db) });
    const userPage = open(world.url, { kind: 'user', userId: hank.id }, { newestId: await newestIdIn(world.db) });
    await waitFor(() => isLive(publicPage)() && isLive(userPage)(), 'subscriptions');
    const message = await post(hank.id, 'soon gone');
    inProcessPublisher.messagesFlagged(await world.db.messages.flag([message.id]));
    await waitFor(() => publicPage.removed.includes(message.id) && userPage.removed.includes(message.id), 'removals');
    expect(publicPage.removed).toEqual([message.id]);
  });

  it('serves health and metrics on its internal port', async () => {
    const health = await fetch(`${world.internalUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', checks: { database: 'ok' }, ...buildInfo() });
    const metrics = await (await fetch(`${world.internalUrl}/metrics`)).text();
    expect(metrics).toMatch(/^realtime_connected_sockets\{service="realtime"\} \d+$/m);
    expect(metrics).toMatch(
      /^realtime_messages_delivered_total\{event="message:created",service="realtime"\} [1-9]\d*$/m,
    );
    expect(metrics).toMatch(
      /^realtime_messages_delivered_total\{event="message:removed",service="realtime"\} [1-9]\d*$/m,
    );
  });
});
