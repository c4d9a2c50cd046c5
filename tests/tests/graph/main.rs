//! Integration tests of the graph, reads and writes, each run on SQLite and on PostgreSQL
//! against the real server over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]

mod api_tokens;
mod catalogue;
mod certificates;
mod db_outage;
mod editorial;
mod enrolments;
mod errors;
mod filters;
mod generate;
mod graphql_http_audit;
mod hostile_filters;
mod import;
mod initiative_writes;
mod limits;
mod load;
mod locale;
mod network_writes;
mod nodes;
mod oauth;
mod operability;
mod pagination;
mod people;
mod permissions;
mod progress;
mod protocol;
mod rate_limits;
mod record_imports;
mod reference_writes;
mod replicas;
mod schema;
mod seed;
mod statement_header;
mod statements;
mod training_writes;
