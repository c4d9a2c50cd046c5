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
pub mod ids;
pub mod import;
pub mod loaders;
pub mod locale;
pub mod pagination;
pub mod request_id;
pub mod telemetry;
pub mod text;
pub mod training;
