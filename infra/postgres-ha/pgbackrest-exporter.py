#!/usr/bin/python3
"""Prometheus exporter for the pgBackRest repository on the backup host.

Why Python: it runs on the backup host, beside pgBackRest, where Node is not
installed; Debian's python3 and python3-prometheus-client are all it needs.

Each scrape reports what `pgbackrest info --output=json` says about every
stanza, the same contract the alerts and the Infrastructure dashboard use
(monitoring/prometheus/rules/database-tier.yml):

  pgbackrest_up                                            1 when info ran and read the repository, else 0
  pgbackrest_backup_last_completion_timestamp_seconds{stanza,type}
  pgbackrest_backup_last_size_bytes{stanza,type}
  pgbackrest_backups{stanza,type}
  pgbackrest_stanza_status{stanza}                         info's status code, 0 = ok
  pgbackrest_backup_running{stanza}                        1 while a backup holds the lock
  pgbackrest_backup_last_duration_seconds{stanza,type}
  pgbackrest_backup_last_repo_size_bytes{stanza,type}
  pgbackrest_info_duration_seconds

`info` exits 0 even when it cannot read the repository (a wrong path, an
unmounted volume, a permission error): it reports that as the stanza's or
the repository's status code instead. Those codes (1 missing stanza path,
3 missing stanza data, 99 other error) make pgbackrest_up 0 too, since the
backup series are then not missing but unknown; 2 (no valid backup yet) is
a repository that was read, and BackupMissing says the rest.

A type never taken (full, diff or incr) has no series: "never" is absence,
not an age of 55 years. The result of `info` is kept for CACHE_SECONDS so a
burst of scrapes (two Prometheus replicas, a curl) runs it once.

Configured by environment only, as the rest of the backup host:
  PGBACKREST_EXPORTER_LISTEN  host:port to listen on (default 0.0.0.0:9854)
  PGBACKREST_*                read by pgbackrest itself (repository, stanza)
"""

import json
import os
import subprocess
import sys
import threading
import time

from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client import start_http_server

TYPES = ("full", "diff", "incr")
# Status codes of `pgbackrest info` for a repository it could not read.
UNREADABLE = {1, 3, 99}
# pgBackRest answers info from the repository's own files: seconds at most,
# unless the repository's storage hangs, which is itself worth reporting as down.
INFO_TIMEOUT_SECONDS = 20
CACHE_SECONDS = 15


def log(level, event, **fields):
    """One JSON line per event, like every other service."""
    line = {"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "level": level}
    line.update(service="pgbackrest-exporter", event=event, **fields)
    print(json.dumps(line), flush=True)


def status_codes(stanza):
    """The stanza's status code and every repository's."""
    codes = [(stanza.get("status") or {}).get("code")]
    codes += [(repo.get("status") or {}).get("code") for repo in stanza.get("repo") or []]
    return [code for code in codes if isinstance(code, int)]


def readable(stanzas):
    """Whether info read the repository of every stanza (and saw at least one)."""
    return bool(stanzas) and not any(UNREADABLE.intersection(status_codes(stanza)) for stanza in stanzas)


def run_info():
    """The parsed `pgbackrest info` of every stanza, or None when it failed."""
    # pgBackRest warns about every PGBACKREST_* variable it does not know: keep ours from it.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PGBACKREST_EXPORTER_")}
    try:
        done = subprocess.run(
            ["pgbackrest", "info", "--output=json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=INFO_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log("error", "info-failed", error=str(error))
        return None
    if done.returncode != 0:
        log("error", "info-failed", code=done.returncode, error=done.stderr.strip()[-500:])
        return None
    try:
        stanzas = json.loads(done.stdout)
    except ValueError as error:
        log("error", "info-failed", error=f"unparsable output: {error}")
        return None
    if not isinstance(stanzas, list):
        log("error", "info-failed", error="output is not a list of stanzas")
        return None
    if not readable(stanzas):
        messages = {str(stanza.get("name")): (stanza.get("status") or {}).get("message") for stanza in stanzas}
        log("error", "repository-unreadable", stanzas=messages)
    return stanzas


class InfoCollector:
    """Runs info at most once per CACHE_SECONDS, whatever the scrape rate."""

    def __init__(self):
        self._lock = threading.Lock()
        self._at = float("-inf")
        self._stanzas = None
        self._duration = 0.0

    def _current(self):
        with self._lock:
            if time.monotonic() - self._at >= CACHE_SECONDS:
                started = time.monotonic()
                self._stanzas = run_info()
                self._duration = time.monotonic() - started
                self._at = time.monotonic()
            return self._stanzas, self._duration

    def describe(self):
        # Nothing to declare up front: registering must not run `info`.
        return []

    def collect(self):
        stanzas, duration = self._current()
        up = GaugeMetricFamily("pgbackrest_up", "1 when `pgbackrest info` ran and its output was read, else 0")
        up.add_metric([], 1 if stanzas is not None and readable(stanzas) else 0)
        yield up
        took = GaugeMetricFamily("pgbackrest_info_duration_seconds", "How long the last `pgbackrest info` took")
        took.add_metric([], duration)
        yield took
        if stanzas is None:
            return

        labels = ["stanza", "type"]
        completion = GaugeMetricFamily(
            "pgbackrest_backup_last_completion_timestamp_seconds",
            "When the newest backup of this type finished (epoch seconds)",
            labels=labels,
        )
        size = GaugeMetricFamily(
            "pgbackrest_backup_last_size_bytes",
            "Size of the database the newest backup of this type copied",
            labels=labels,
        )
        repo_size = GaugeMetricFamily(
            "pgbackrest_backup_last_repo_size_bytes",
            "What the newest backup of this type stored in the repository (compressed, only its changes)",
            labels=labels,
        )
        backup_duration = GaugeMetricFamily(
            "pgbackrest_backup_last_duration_seconds",
            "How long the newest backup of this type took",
            labels=labels,
        )
        count = GaugeMetricFamily("pgbackrest_backups", "Backups of this type in the repository", labels=labels)
        status = GaugeMetricFamily(
            "pgbackrest_stanza_status",
            "`pgbackrest info` status code of the stanza: 0 ok, 1 missing stanza path, 2 no valid backups, 3 missing stanza data, ...",
            labels=["stanza"],
        )
        running = GaugeMetricFamily(
            "pgbackrest_backup_running", "1 while a backup of the stanza holds its lock", labels=["stanza"]
        )
        for stanza in stanzas:
            name = str(stanza.get("name", ""))
            stanza_status = stanza.get("status") or {}
            status.add_metric([name], float(stanza_status.get("code", -1)))
            held = ((stanza_status.get("lock") or {}).get("backup") or {}).get("held")
            running.add_metric([name], 1 if held else 0)
            newest = {}
            counts = {}
            for backup in stanza.get("backup") or []:
                kind = backup.get("type")
                if kind not in TYPES:
                    continue
                # An errored backup (2.36+) is listed but cannot be restored from.
                if backup.get("error"):
                    continue
                stop = (backup.get("timestamp") or {}).get("stop") or 0
                counts[kind] = counts.get(kind, 0) + 1
                if kind not in newest or stop >= newest[kind]["timestamp"]["stop"]:
                    newest[kind] = backup
            for kind in TYPES:
                if kind not in newest:
                    continue
                backup = newest[kind]
                stamp = backup["timestamp"]
                info = backup.get("info") or {}
                completion.add_metric([name, kind], float(stamp["stop"]))
                size.add_metric([name, kind], float(info.get("size", 0)))
                repo_size.add_metric([name, kind], float((info.get("repository") or {}).get("delta", 0)))
                backup_duration.add_metric([name, kind], float(stamp["stop"] - stamp.get("start", stamp["stop"])))
                count.add_metric([name, kind], float(counts[kind]))
        yield from (status, running, completion, size, repo_size, backup_duration, count)


def listen_address():
    value = os.environ.get("PGBACKREST_EXPORTER_LISTEN") or "0.0.0.0:9854"
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        sys.exit(f"PGBACKREST_EXPORTER_LISTEN must be host:port, got {value!r}")
    return host.strip("[]"), int(port)


def main():
    host, port = listen_address()
    REGISTRY.register(InfoCollector())
    start_http_server(port, addr=host)
    log("info", "listening", address=f"{host}:{port}")
    # The HTTP server runs in a daemon thread; this one only waits for SIGTERM (default action: exit).
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
