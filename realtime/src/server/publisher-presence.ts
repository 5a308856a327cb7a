/** What every Redis publisher (api, web) says each beat, and once as it closes, with its own id. */
export const PUBLISHER_ALIVE = 'publisher:alive';
export const PUBLISHER_GONE = 'publisher:gone';
/** How often a publisher says it is alive. */
export const PUBLISHER_BEAT_MS = 1_000;
/** Silent this long without having said goodbye: its process or its host is gone. */
export const PUBLISHER_SILENCE_MS = 3_500;

export interface PublisherWatch {
  alive(publisherId: string): void;
  gone(publisherId: string): void;
  /** This server stopped hearing anyone (its own subscription was lost): silence means nothing until it hears again. */
  forget(): void;
  stop(): void;
}

/**
 * Notices a publisher that vanished without closing. An api replica whose
 * host is cut off may have committed writes it never published: its clients
 * got no answer, but the messages are in the database, and pages that stayed
 * connected to a surviving realtime server would not show them until a
 * reload (issue 18's worker-lost run: 6 such messages missing on each of 24
 * pages). A publisher that closes says so (`PUBLISHER_GONE`); one that goes
 * silent is reported once, with when it was last heard, so this server's
 * pages can re-read from before its last writes.
 */
export function publisherWatch(
  onVanished: (lastHeardAt: number) => void,
  silenceMs = PUBLISHER_SILENCE_MS,
): PublisherWatch {
  const lastHeard = new Map<string, number>();
  const check = () => {
    const now = Date.now();
    let earliest: number | undefined;
    for (const [publisherId, heardAt] of lastHeard) {
      if (now - heardAt <= silenceMs) continue;
      lastHeard.delete(publisherId);
      earliest = Math.min(earliest ?? heardAt, heardAt);
    }
    // Several vanished together (a host with an api and a web replica): one resync covers them.
    if (earliest !== undefined) onVanished(earliest);
  };
  const timer = setInterval(check, Math.max(50, Math.floor(silenceMs / 4)));
  timer.unref();
  return {
    alive: (publisherId) => void lastHeard.set(publisherId, Date.now()),
    gone: (publisherId) => void lastHeard.delete(publisherId),
    forget: () => lastHeard.clear(),
    stop: () => clearInterval(timer),
  };
}
