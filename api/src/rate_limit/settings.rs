//! The rate limiter's settings, read from `RATE_LIMIT_*` environment variables.

use std::time::Duration;

/// Settings of the per-client rate limit on query cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitConfig {
    /// `RATE_LIMIT_POINTS`: the cost points a client without valid credentials, keyed by
    /// its IP address, may spend per window (default 100,000). 0 switches rate limiting
    /// off for every client.
    pub points: u64,
    /// `RATE_LIMIT_AUTHENTICATED_POINTS`: the cost points an API token or a signed-in
    /// member may spend per window (default 500,000).
    pub authenticated_points: u64,
    /// `RATE_LIMIT_WINDOW_SECONDS`: the length of the fixed window after which every
    /// budget is full again (default 60 seconds).
    pub window: Duration,
    /// `RATE_LIMIT_FAILED_AUTH_COST`: the cost points that a request with an invalid
    /// credential charges to its IP address (default 1,000).
    pub failed_authentication_cost: u64,
}

/// The largest budget or cost a setting accepts.
const MAX_POINTS: u64 = 1_000_000_000;
/// The maximum window length a setting accepts: one day.
const MAX_WINDOW_SECONDS: u64 = 86_400;

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            points: 100_000,
            authenticated_points: 500_000,
            window: Duration::from_secs(60),
            failed_authentication_cost: 1_000,
        }
    }
}

impl RateLimitConfig {
    /// Returns settings that switch rate limiting off.
    pub fn off() -> RateLimitConfig {
        RateLimitConfig { points: 0, ..RateLimitConfig::default() }
    }

    /// Returns whether requests are rate limited at all.
    pub fn is_enabled(&self) -> bool {
        self.points > 0
    }

    /// Reads the settings from the environment; an invalid value is an error naming the
    /// variable and the accepted range.
    pub fn from_env() -> anyhow::Result<RateLimitConfig> {
        let defaults = RateLimitConfig::default();
        Ok(RateLimitConfig {
            points: whole_number("RATE_LIMIT_POINTS", defaults.points, 0, MAX_POINTS)?,
            authenticated_points: whole_number(
                "RATE_LIMIT_AUTHENTICATED_POINTS",
                defaults.authenticated_points,
                1,
                MAX_POINTS,
            )?,
            window: Duration::from_secs(whole_number(
                "RATE_LIMIT_WINDOW_SECONDS",
                defaults.window.as_secs(),
                1,
                MAX_WINDOW_SECONDS,
            )?),
            failed_authentication_cost: whole_number(
                "RATE_LIMIT_FAILED_AUTH_COST",
                defaults.failed_authentication_cost,
                1,
                MAX_POINTS,
            )?,
        })
    }
}

/// Reads the variable `name` as a whole number from `min` to `max`, or `default` when it
/// is unset or empty.
fn whole_number(name: &str, default: u64, min: u64, max: u64) -> anyhow::Result<u64> {
    match std::env::var(name).ok().map(|value| value.trim().to_owned()).filter(|value| !value.is_empty()) {
        None => Ok(default),
        Some(value) => parse_whole_number(name, &value, min, max),
    }
}

fn parse_whole_number(name: &str, value: &str, min: u64, max: u64) -> anyhow::Result<u64> {
    match value.parse::<u64>() {
        Ok(number) if (min..=max).contains(&number) => Ok(number),
        _ => anyhow::bail!("{name} must be a whole number from {min} to {max}, got {value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_limit_and_off_does_not() {
        assert!(RateLimitConfig::default().is_enabled());
        assert!(!RateLimitConfig::off().is_enabled());
    }

    #[test]
    fn whole_number_checks_range() {
        assert_eq!(parse_whole_number("RATE_LIMIT_POINTS", "0", 0, 10).ok(), Some(0));
        assert_eq!(parse_whole_number("RATE_LIMIT_POINTS", "10", 0, 10).ok(), Some(10));
        let error = parse_whole_number("RATE_LIMIT_WINDOW_SECONDS", "0", 1, 10).err().map(|error| error.to_string());
        assert_eq!(error.as_deref(), Some("RATE_LIMIT_WINDOW_SECONDS must be a whole number from 1 to 10, got \"0\""));
        assert!(parse_whole_number("RATE_LIMIT_POINTS", "-1", 0, 10).is_err());
        assert!(parse_whole_number("RATE_LIMIT_POINTS", "1e5", 0, 10).is_err());
    }
}
