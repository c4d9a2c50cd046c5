//! Settings read from environment variables, each with a default that runs locally.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context as _;

/// The default database: an SQLite file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/oas-networks.db?mode=rwc";
/// The default listen address: loopback only.
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8080";

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`: any `sqlite:` or `postgres:` URL.
    pub database_url: String,
    /// `LISTEN_ADDR`: address and port to bind.
    pub listen_addr: SocketAddr,
    /// `IMPORT_SEED`: import the shipped seed data into an empty database at start-up
    /// (`true` by default; `false` starts with empty tables).
    pub import_seed: bool,
    /// `REQUEST_TIMEOUT_SECONDS`: longest time one GraphQL request may run (default 30).
    pub request_timeout: Duration,
}

impl Config {
    /// Reads the settings from the environment; an invalid value is an error naming the
    /// variable and the expected form.
    pub fn from_env() -> anyhow::Result<Config> {
        let database_url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres:")
            || database_url.starts_with("postgresql:"))
        {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres:, got {database_url:?}");
        }
        let listen = std::env::var("LISTEN_ADDR").unwrap_or_else(|_| DEFAULT_LISTEN_ADDR.to_owned());
        let listen_addr = listen.parse().with_context(|| {
            format!("LISTEN_ADDR must be an address and port such as 127.0.0.1:8080, got {listen:?}")
        })?;
        let import_seed = match std::env::var("IMPORT_SEED").as_deref() {
            Err(_) | Ok("true" | "1") => true,
            Ok("false" | "0") => false,
            Ok(other) => anyhow::bail!("IMPORT_SEED must be true or false, got {other:?}"),
        };
        let timeout = std::env::var("REQUEST_TIMEOUT_SECONDS").unwrap_or_else(|_| "30".to_owned());
        let request_timeout = match timeout.parse::<u64>() {
            Ok(seconds) if (1..=3600).contains(&seconds) => Duration::from_secs(seconds),
            _ => anyhow::bail!(
                "REQUEST_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600, got {timeout:?}"
            ),
        };
        Ok(Config { database_url, listen_addr, import_seed, request_timeout })
    }
}
