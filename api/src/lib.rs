//! GraphQL API for the OAS Inter-American Network for the Prevention of Violence and Crime
//! and the Inter-American Network for Police Development and Professionalization.

pub mod admin;
pub mod app;
pub mod auth;
pub mod bench;
pub mod config;
pub mod db;
pub mod enums;
pub mod error;
pub mod graphql;
pub mod http_protocol;
pub mod ids;
pub mod import;
pub mod input_text;
pub mod limits;
pub mod loaders;
pub mod locale;
pub mod metrics;
pub mod ops;
pub mod pagination;
pub mod rate_limit;
pub mod request_id;
pub mod telemetry;
pub mod text;
pub mod training;
pub mod variables;
