//! Integration tests of the graph, reads and writes, each run on SQLite and on PostgreSQL
//! against the real server over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]

mod api_tokens;
mod catalogue;
mod certificates;
mod editorial;
mod enrolments;
mod errors;
mod filters;
mod generate;
mod import;
mod initiative_writes;
mod locale;
mod network_writes;
mod nodes;
mod oauth;
mod pagination;
mod people;
mod permissions;
mod progress;
mod record_imports;
mod reference_writes;
mod replicas;
mod schema;
mod seed;
mod statement_header;
mod statements;
mod training_writes;
