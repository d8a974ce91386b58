# The bank database and the pipeline's three MySQL users, with exactly the grants the local stack gives
# them (stack/src/components.ts), passwords from compose.env. The mysql image runs the files of
# /docker-entrypoint-initdb.d once, on an empty data directory; a shell script rather than a .sql file
# because plain SQL cannot read the environment.
#
# Not executable on purpose: the image then sources it, so the entrypoint's docker_process_sql (which logs
# in as root through a temporary option file) is at hand. Being sourced, it must not `exit` nor change
# shell options. The Debezium user's name is the one in mysqlsource.json.

: "${DB_USER:?}" "${DB_PASSWORD:?}" "${DB_MIGRATION_USER:?}" "${DB_MIGRATION_PASSWORD:?}" "${DEBEZIUM_DB_PASSWORD:?}"

# A SQL string literal: backslashes and single quotes escaped.
bank_sql_string() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"
}

# An account that may connect from any container of the compose network.
bank_account() {
  printf "%s@'%%'" "$(bank_sql_string "$1")"
}

docker_process_sql <<SQL
CREATE DATABASE IF NOT EXISTS bank CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
CREATE USER IF NOT EXISTS $(bank_account "$DB_MIGRATION_USER") IDENTIFIED BY $(bank_sql_string "$DB_MIGRATION_PASSWORD");
CREATE USER IF NOT EXISTS $(bank_account "$DB_USER") IDENTIFIED BY $(bank_sql_string "$DB_PASSWORD");
CREATE USER IF NOT EXISTS $(bank_account debezium) IDENTIFIED BY $(bank_sql_string "$DEBEZIUM_DB_PASSWORD");
-- Migrations only: DDL on the application's database, nothing else.
GRANT ALL PRIVILEGES ON bank.* TO $(bank_account "$DB_MIGRATION_USER");
-- The running application: data only, no DDL, no replication.
GRANT SELECT, INSERT, UPDATE, DELETE ON bank.* TO $(bank_account "$DB_USER");
-- Exactly the grants Debezium documents for reading the binlog.
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO $(bank_account debezium);
SQL
