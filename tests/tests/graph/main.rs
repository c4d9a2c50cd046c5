//! Integration tests of the read graph, each run on SQLite and on PostgreSQL against the

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
//! real server over HTTP.

mod api_tokens;
mod catalogue;
mod editorial;
mod errors;
mod filters;
mod import;
mod locale;
mod nodes;
mod oauth;
mod pagination;
mod people;
mod permissions;
mod replicas;
mod schema;
mod seed;
mod statements;
