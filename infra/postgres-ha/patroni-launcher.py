#!/usr/bin/python3
"""Starts Debian's Patroni with one upstream fix backported.

Every MiniTwit PostgreSQL node runs Patroni through this file (the local test
cluster in infra/src/pg-ha/ and the postgres-ha image): `patroni-launcher.py
<patroni.yml>` takes the same arguments as `patroni`.

The fix: Patroni 4.0.6 (upstream commit 0567d36, pull request #3372, "Avoid
running demote('offline') concurrently"). A primary that loses the consensus
store demotes itself ("offline": fast shutdown, then start read-only).
Patroni before 4.0.6 runs that demotion in its background executor, and when
the shutdown is slow -- a primary cut off the network waits up to
wal_sender_timeout for its walsenders -- the next heartbeat finds the node
still a running leader and demotes it a second time from the main thread.
Both then start PostgreSQL; the second postmaster fails on the lock file,
Patroni believes PostgreSQL is down, pg_rewind fails against the running
postmaster, and remove_data_directory_on_rewind_failure deletes the data
directory under it. MiniTwit's partition test saw exactly that (a 70 s
re-clone, then a standby that stopped replicating). Upstream now demotes
synchronously in the heartbeat, so a second heartbeat cannot overlap it;
this does the same. Debian bookworm ships 3.0.2; newer Patroni runs
unpatched.
"""

import logging
import sys
import time

from patroni import ha
from patroni.version import __version__

logger = logging.getLogger('patroni.ha')

FIXED_IN = (4, 0, 6)


def _version(text):
    return tuple(int(part) for part in text.split('.')[:3] if part.isdigit())


def _handle_dcs_error(self):
    """Patroni 3.0.2's Ha._handle_dcs_error with the demotion run synchronously (as in 4.0.6)."""
    if not self.is_paused() and self.state_handler.is_running():
        if self.state_handler.is_leader():
            if self.is_failsafe_mode() and self.check_failsafe_topology():
                self.set_is_leader(True)
                self._failsafe.set_is_active(time.time())
                self.watchdog.keepalive()
                return 'continue to run as a leader because failsafe mode is enabled and all members are accessible'
            self._failsafe.set_is_active(0)
            logger.info('demoting self because DCS is not accessible and I was a leader')
            self.demote('offline')
            return 'demoted self because DCS is not accessible and I was a leader'
        else:
            self._sync_replication_slots(True)
    return 'DCS is not accessible'


if _version(__version__) < FIXED_IN:
    ha.Ha._handle_dcs_error = _handle_dcs_error

if __name__ == '__main__':
    from patroni.__main__ import main

    sys.argv[0] = 'patroni'
    sys.exit(main())
