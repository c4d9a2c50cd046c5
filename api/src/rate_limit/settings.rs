//! The rate limiter's settings, read from `RATE_LIMIT_*` environment variables.

use std::time::Duration;

use crate::config::count_var;

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
        let settings = RateLimitConfig {
            points: count_var("RATE_LIMIT_POINTS", defaults.points, 0, MAX_POINTS)?,
            authenticated_points: count_var(
                "RATE_LIMIT_AUTHENTICATED_POINTS",
                defaults.authenticated_points,
                1,
                MAX_POINTS,
            )?,
            window: Duration::from_secs(count_var(
                "RATE_LIMIT_WINDOW_SECONDS",
                defaults.window.as_secs(),
                1,
                MAX_WINDOW_SECONDS,
            )?),
            failed_authentication_cost: count_var(
                "RATE_LIMIT_FAILED_AUTH_COST",
                defaults.failed_authentication_cost,
                1,
                MAX_POINTS,
            )?,
        };
        settings.check()?;
        Ok(settings)
    }

    /// Rejects a failed-authentication cost above the anonymous budget, with which every
    /// invalid credential would get HTTP 429 and never the 401 that names the problem.
    fn check(&self) -> anyhow::Result<()> {
        if self.is_enabled() && self.failed_authentication_cost > self.points {
            anyhow::bail!(
                "RATE_LIMIT_FAILED_AUTH_COST ({}) must not exceed RATE_LIMIT_POINTS ({}); lower the cost or raise the budget",
                self.failed_authentication_cost,
                self.points
            );
        }
        Ok(())
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
    fn failed_authentication_cost_fits_budget() {
        assert!(RateLimitConfig::default().check().is_ok());
        let too_costly = RateLimitConfig { points: 300, ..RateLimitConfig::default() };
        assert!(too_costly.check().is_err());
        let off = RateLimitConfig { failed_authentication_cost: 10, ..RateLimitConfig::off() };
        assert!(off.check().is_ok());
    }
}
