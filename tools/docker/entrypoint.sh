#!/bin/sh
# The image's entrypoint. Compose (without swarm) bind-mounts a file secret with
# the host file's owner and mode, so a secret kept 0600 by its host owner is
# unreadable to the unprivileged user the apps run as. Started as root, this
# copies each secret named by a *_FILE variable under /run/secrets into a
# directory only that user can read (0700, files 0600), points the variable at
# the copy, and drops to that user before the app starts: the app never runs
# as root. Started as any other user (`docker run --user`, Kubernetes
# runAsNonRoot), it starts the app as it is.
#
# A changed secret reaches the app when the container is recreated
# (`docker compose up -d`), as compose itself only mounts secrets at creation.
set -eu
RUN_AS="${RUN_AS:-node}"
SECRETS_DIR="${SECRETS_DIR:-/run/secrets}"
SECRETS_COPY="${SECRETS_COPY:-/run/refresh-token-secrets}"

if [ "$(id -u)" != 0 ]; then
  exec "$@"
fi

umask 077
mkdir -p "$SECRETS_COPY"
chown "$RUN_AS:" "$SECRETS_COPY"
chmod 0700 "$SECRETS_COPY"
for name in SIGNING_KEYS_FILE CHECKPOINT_SIGNING_KEY_FILE; do
  eval "path=\${$name:-}"
  case "$path" in
    "$SECRETS_DIR"/*)
      if [ -f "$path" ]; then
        copy="$SECRETS_COPY/$(basename "$path")"
        cp "$path" "$copy"
        chown "$RUN_AS:" "$copy"
        chmod 0600 "$copy"
        export "$name=$copy"
      fi
      ;;
  esac
done
exec setpriv --reuid="$(id -u "$RUN_AS")" --regid="$(id -g "$RUN_AS")" --init-groups -- "$@"
