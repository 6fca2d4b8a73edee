#!/bin/sh
# First start of compose's Postgres (docker-entrypoint-initdb.d, as the superuser): the
# owner role the migrations run as, the database's ownership, and pgvector (not a trusted
# extension: only a superuser may create it). The migrate job does the rest.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v owner_password="$DB_PASSWORD_OWNER" <<'SQL'
CREATE ROLE leadgen_owner LOGIN CREATEROLE BYPASSRLS PASSWORD :'owner_password';
ALTER DATABASE leadgen OWNER TO leadgen_owner;
GRANT ALL ON SCHEMA public TO leadgen_owner;
CREATE EXTENSION IF NOT EXISTS vector;
SQL
