//! Integration tests of the read graph, each run on SQLite and on PostgreSQL against the

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
//! real server over HTTP.

mod catalogue;
mod errors;
mod filters;
mod import;
mod locale;
mod nodes;
mod pagination;
mod replicas;
mod schema;
mod seed;
mod statements;
