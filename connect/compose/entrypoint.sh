#!/bin/sh
# Entrypoint of the compose stack's Kafka Connect (connect/Dockerfile). Writes the Debezium database user's
# password, from DEBEZIUM_DB_PASSWORD (compose.env), to the properties file that the connector's
# ${file:...:password} placeholder reads, then runs the command it was given (the image's entrypoint).
# So the password is in neither mysqlsource.json nor the connector config that Connect stores in Kafka.
# DEBEZIUM_SECRETS_DIR exists for the tests (stack/test/compose.spec.ts); the image uses the default.
set -eu

secrets_dir="${DEBEZIUM_SECRETS_DIR:-/etc/kafka-connect/secrets}"
password="${DEBEZIUM_DB_PASSWORD:?DEBEZIUM_DB_PASSWORD is not set: start the stack with docker compose --env-file compose.env}"

umask 077
mkdir -p "$secrets_dir"
# A properties file treats the backslash as an escape character: doubled, the password reads back verbatim.
escaped=$(printf '%s' "$password" | sed 's/\\/\\\\/g')
printf 'password=%s\n' "$escaped" > "$secrets_dir/debezium.properties.tmp"
mv "$secrets_dir/debezium.properties.tmp" "$secrets_dir/debezium.properties"

# The worker needs the file, not the variable.
unset DEBEZIUM_DB_PASSWORD password escaped
exec "$@"
