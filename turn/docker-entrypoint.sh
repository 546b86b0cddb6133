#!/bin/sh
# coturn's entrypoint under compose.yaml. The TURN secret comes from TURN_SECRET (.env) or,
# by default, from the file the renderer generates on its first start in the shared state
# volume. It goes into a config file in coturn's tmpfs, never on the command line (where `ps`
# and `docker inspect` would show it) and never into the log.
set -eu

SECRET_FILE=${TURN_SECRET_FILE:-/var/lib/jiomosa/turn-secret}
# The renderer writes the secret before it starts Chromium: seconds, even on a slow box.
WAIT_SECONDS=${TURN_SECRET_WAIT_SECONDS:-120}
BASE_CONFIG=/etc/coturn/turnserver.conf
CONFIG=/var/lib/coturn/turnserver.conf

secret=${TURN_SECRET:-}
if [ -z "$secret" ]; then
  waited=0
  while [ ! -s "$SECRET_FILE" ]; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      echo "jiomosa-turn: no TURN secret after ${WAIT_SECONDS} s: the renderer writes $SECRET_FILE on start (is it running? docker compose logs renderer), or set TURN_SECRET in .env" >&2
      exit 1
    fi
    [ "$waited" -eq 0 ] && echo "jiomosa-turn: waiting for the renderer to write the TURN secret ($SECRET_FILE)"
    sleep 1
    waited=$((waited + 1))
  done
  secret=$(cat "$SECRET_FILE")
fi

umask 077
{
  cat "$BASE_CONFIG"
  echo "static-auth-secret=$secret"
  # Only behind NAT: the public address (or PUBLIC/PRIVATE) tablets reach the box on. Without
  # it coturn relays from the address each client reached it on, right for a flat LAN.
  if [ -n "${EXTERNAL_IP:-}" ]; then echo "external-ip=$EXTERNAL_IP"; fi
} > "$CONFIG"
unset secret TURN_SECRET

exec turnserver -c "$CONFIG" "$@"
