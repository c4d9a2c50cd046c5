//! Fault injection for tests, compiled into debug builds only.
//!
//! With the setting on (`FAULT_INJECTION=true`, or `OpsConfig::fault_injection` in tests),
//! a GraphQL request that carries `X-Fault-Injection: panic` panics inside its execution,
//! and one that carries `X-Fault-Injection: delay-ms=N` waits N milliseconds (at most
//! [`MAX_DELAY_MS`]) before it runs. Release builds read neither the variable nor the
//! header, and contain none of this code.

use axum::http::HeaderMap;

/// The request header that selects a fault.
pub const FAULT_HEADER: &str = "x-fault-injection";

/// Maximum delay a request may select, in milliseconds.
pub const MAX_DELAY_MS: u64 = 60_000;

/// Reads `FAULT_INJECTION` in debug builds; release builds always return `false`.
pub fn enabled_by_env() -> anyhow::Result<bool> {
    #[cfg(debug_assertions)]
    {
        match std::env::var("FAULT_INJECTION").unwrap_or_default().trim() {
            "" | "false" | "0" => Ok(false),
            "true" | "1" => Ok(true),
            other => anyhow::bail!("FAULT_INJECTION must be true or false, got {other:?}"),
        }
    }
    #[cfg(not(debug_assertions))]
    {
        Ok(false)
    }
}

/// Injects the fault a request's header selects, when `enabled`.
///
/// # Panics
///
/// Panics on purpose for `X-Fault-Injection: panic`.
#[cfg(debug_assertions)]
pub async fn inject(enabled: bool, headers: &HeaderMap) {
    if !enabled {
        return;
    }
    let Some(fault) = headers.get(FAULT_HEADER).and_then(|value| value.to_str().ok()) else { return };
    let fault = fault.trim();
    if fault == "panic" {
        tracing::warn!("fault injection: panicking inside the request");
        panic!("fault injection: the request asked for a panic");
    }
    if let Some(delay) = fault.strip_prefix("delay-ms=").and_then(|value| value.parse::<u64>().ok()) {
        let delay = delay.min(MAX_DELAY_MS);
        tracing::info!(delay_ms = delay, "fault injection: delaying the request");
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    }
}

/// Does nothing: release builds contain no fault injection.
#[cfg(not(debug_assertions))]
pub async fn inject(_enabled: bool, _headers: &HeaderMap) {}
