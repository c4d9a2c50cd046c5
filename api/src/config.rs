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
    /// The identity provider, when `OAUTH_ISSUER` is set; without one, only API tokens
    /// authenticate callers.
    pub oauth: Option<OAuthConfig>,
    /// Settings of the training records.
    pub training: TrainingConfig,
    /// `SQL_STATEMENT_HEADER`: return the number of SQL statements each GraphQL request
    /// sent in an `X-SQL-Statements` response header (`false` by default), for benchmarks.
    pub sql_statement_header: bool,
    /// The per-client rate limit on query cost (`RATE_LIMIT_*`).
    pub rate_limit: crate::rate_limit::RateLimitConfig,
    /// Limits on what one request may cost (`MAX_QUERY_DEPTH`, `MAX_BODY_BYTES`, …).
    pub limits: crate::limits::LimitsConfig,
    /// Failure handling, shutdown, CORS and the operational endpoints (`/ready`, `/metrics`).
    pub ops: crate::ops::OpsConfig,
}

/// Settings of the training records: disclosure control of public progress figures, and
/// the throttle on certificate-code guessing.
#[derive(Clone, Debug)]
pub struct TrainingConfig {
    /// `PROGRESS_MIN_CELL_SIZE`: the fewest officers a public progress breakdown cell may
    /// show; smaller cells are suppressed (default 5).
    pub min_cell_size: i64,
    /// `CERTIFICATE_VERIFY_FAILURES`: failed certificate verifications one client may make
    /// per window before further attempts are refused (default 10).
    pub verify_failure_limit: u32,
    /// `CERTIFICATE_VERIFY_WINDOW_SECONDS`: the length of that window (default 900).
    pub verify_failure_window: Duration,
}

impl TrainingConfig {
    /// Reads the training settings from the environment.
    pub fn from_env() -> anyhow::Result<TrainingConfig> {
        Ok(TrainingConfig {
            min_cell_size: count_var("PROGRESS_MIN_CELL_SIZE", 5, 1, 1_000)?,
            verify_failure_limit: u32::try_from(count_var("CERTIFICATE_VERIFY_FAILURES", 10, 1, 100_000)?)?,
            verify_failure_window: Duration::from_secs(seconds_var(
                "CERTIFICATE_VERIFY_WINDOW_SECONDS",
                900,
                1,
                86_400,
            )?),
        })
    }
}

impl Default for TrainingConfig {
    fn default() -> Self {
        TrainingConfig { min_cell_size: 5, verify_failure_limit: 10, verify_failure_window: Duration::from_secs(900) }
    }
}

/// Settings with which the API, as an OAuth 2.0 resource server, validates the provider's access tokens.
#[derive(Clone, Debug)]
pub struct OAuthConfig {
    /// `OAUTH_ISSUER`: the provider's issuer URL; its metadata is read from
    /// `{issuer}/.well-known/openid-configuration` (or `oauth-authorization-server`).
    pub issuer: String,
    /// `OAUTH_AUDIENCE`: the audience (`aud`) that tokens for this API carry.
    pub audience: String,
    /// `OAUTH_CLIENT_ID` and `OAUTH_CLIENT_SECRET`: the API's own client at the provider,
    /// used for RFC 7662 introspection of opaque tokens; without them, only JWTs are accepted.
    pub introspection_client: Option<(String, String)>,
    /// `OAUTH_CLOCK_SKEW_SECONDS`: how far past `exp` (or before `nbf`) a token is still
    /// accepted, for clocks that differ (default 30, at most 300).
    pub clock_skew: Duration,
    /// `OAUTH_JWKS_MIN_REFRESH_SECONDS`: the shortest time between two reads of the key
    /// set prompted by an unknown key id (default 30), so bad tokens cannot flood the provider.
    pub jwks_min_refresh: Duration,
}

impl Default for Config {
    /// Returns the settings with every variable unset, except that the seed import is on.
    fn default() -> Self {
        Config {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            import_seed: true,
            request_timeout: Duration::from_secs(30),
            oauth: None,
            training: TrainingConfig::default(),
            sql_statement_header: false,
            rate_limit: crate::rate_limit::RateLimitConfig::default(),
            limits: crate::limits::LimitsConfig::default(),
            ops: crate::ops::OpsConfig::default(),
        }
    }
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
        let oauth = OAuthConfig::from_env()?;
        let training = TrainingConfig::from_env()?;
        let sql_statement_header = match non_empty_var("SQL_STATEMENT_HEADER").as_deref() {
            None | Some("false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => anyhow::bail!("SQL_STATEMENT_HEADER must be true or false, got {other:?}"),
        };
        let rate_limit = crate::rate_limit::RateLimitConfig::from_env()?;
        let limits = crate::limits::LimitsConfig::from_env()?;
        let ops = crate::ops::OpsConfig::from_env()?;
        Ok(Config {
            database_url,
            listen_addr,
            import_seed,
            request_timeout,
            oauth,
            training,
            sql_statement_header,
            rate_limit,
            limits,
            ops,
        })
    }
}

impl OAuthConfig {
    /// Reads the `OAUTH_*` variables; returns `None` when `OAUTH_ISSUER` is unset.
    pub fn from_env() -> anyhow::Result<Option<OAuthConfig>> {
        let Some(issuer) = non_empty_var("OAUTH_ISSUER") else { return Ok(None) };
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            anyhow::bail!("OAUTH_ISSUER must be the provider's http(s) issuer URL, got {issuer:?}");
        }
        let Some(audience) = non_empty_var("OAUTH_AUDIENCE") else {
            anyhow::bail!(
                "OAUTH_AUDIENCE must be set with OAUTH_ISSUER: the `aud` value of tokens issued for this API"
            );
        };
        let introspection_client = match (non_empty_var("OAUTH_CLIENT_ID"), non_empty_var("OAUTH_CLIENT_SECRET")) {
            (Some(id), Some(secret)) => Some((id, secret)),
            (None, None) => None,
            _ => anyhow::bail!("OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET must be set together, or neither"),
        };
        let clock_skew = Duration::from_secs(seconds_var("OAUTH_CLOCK_SKEW_SECONDS", 30, 0, 300)?);
        let jwks_min_refresh = Duration::from_secs(seconds_var("OAUTH_JWKS_MIN_REFRESH_SECONDS", 30, 0, 86_400)?);
        Ok(Some(OAuthConfig { issuer, audience, introspection_client, clock_skew, jwks_min_refresh }))
    }
}

/// Reads a variable with surrounding whitespace removed. Returns `None` when it is unset or blank.
pub(crate) fn non_empty_var(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|value| value.trim().to_owned()).filter(|value| !value.is_empty())
}

/// Reads a whole number from `min` to `max`, or `default` when unset or blank.
pub(crate) fn count_var<T>(name: &str, default: T, min: T, max: T) -> anyhow::Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match non_empty_var(name) {
        None => Ok(default),
        Some(value) => parse_count(name, &value, min, max),
    }
}

fn parse_count<T>(name: &str, value: &str, min: T, max: T) -> anyhow::Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    match value.parse::<T>() {
        Ok(count) if min <= count && count <= max => Ok(count),
        _ => anyhow::bail!("{name} must be a whole number from {min} to {max}, got {value:?}"),
    }
}

/// Reads a whole number of seconds from `min` to `max`, or `default` when unset or blank.
pub(crate) fn seconds_var(name: &str, default: u64, min: u64, max: u64) -> anyhow::Result<u64> {
    let Some(value) = non_empty_var(name) else { return Ok(default) };
    match value.parse::<u64>() {
        Ok(seconds) if (min..=max).contains(&seconds) => Ok(seconds),
        _ => anyhow::bail!("{name} must be a whole number of seconds from {min} to {max}, got {value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked_against_their_range() {
        assert_eq!(parse_count("RATE_LIMIT_POINTS", "0", 0u64, 10).ok(), Some(0));
        assert_eq!(parse_count("RATE_LIMIT_POINTS", "10", 0u64, 10).ok(), Some(10));
        let error = parse_count("RATE_LIMIT_WINDOW_SECONDS", "0", 1u64, 10).err().map(|error| error.to_string());
        assert_eq!(error.as_deref(), Some("RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 10, got \"0\""));
        assert!(parse_count("RATE_LIMIT_POINTS", "-1", 0u64, 10).is_err());
        assert!(parse_count("RATE_LIMIT_POINTS", "1e5", 0u64, 10).is_err());
        assert!(parse_count("MAX_ALIASES", "31", 0usize, 30).is_err());
    }
}
