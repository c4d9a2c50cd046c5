//! CORS and the security headers of every response.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The content security policy of every response except the GraphiQL page: it loads
/// nothing and may not be framed.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Maximum age of a cached preflight response.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(600);

/// The largest HTML page whose inline scripts are hashed for its content security policy.
const MAX_HTML_BYTES: usize = 1024 * 1024;

/// Parses `CORS_ALLOWED_ORIGINS`: a comma-separated list of exact origins such as
/// `https://www.oas.org,https://app.example.org`. Each is a scheme (`http` or `https`),
/// a host and an optional port, without a path or a trailing slash. Hosts are compared in
/// lowercase, as browsers send them.
pub fn parse_origins(list: &str) -> anyhow::Result<Vec<HeaderValue>> {
    let mut origins = Vec::new();
    for item in list.split(',').map(str::trim).filter(|item| !item.is_empty()) {
        let origin = item.to_ascii_lowercase();
        if !is_origin(&origin) {
            anyhow::bail!(
                "CORS_ALLOWED_ORIGINS contains {item:?}, which is not an origin; write each as scheme://host[:port], such as https://www.oas.org, without a path or trailing slash, separated by commas"
            );
        }
        let value = HeaderValue::from_str(&origin)
            .map_err(|_| anyhow::anyhow!("CORS_ALLOWED_ORIGINS contains {item:?}, which is not valid header text"))?;
        if !origins.contains(&value) {
            origins.push(value);
        }
    }
    Ok(origins)
}

/// Checks the `scheme://host[:port]` form of a lowercase origin.
fn is_origin(origin: &str) -> bool {
    let Some(authority) = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        // An IPv6 literal: [::1] or [::1]:8080.
        let Some((address, after)) = rest.split_once(']') else { return false };
        if address.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => (address, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (address, Some(port)),
                None => return false,
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let valid_host = !host.is_empty()
        && (authority.starts_with('[')
            || host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
            }));
    let valid_port = port.is_none_or(|port| port.parse::<u16>().is_ok_and(|number| number > 0));
    valid_host && valid_port
}

/// Builds the CORS layer for the allowed origins; `None` when there are none, so that
/// responses carry no CORS headers and browsers refuse cross-origin calls.
pub fn cors_layer(origins: &[HeaderValue]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let request_headers = [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE]
        .into_iter()
        .chain([HeaderName::from_static("preview")]);
    let exposed =
        ["x-request-id", "content-language", "ratelimit", "ratelimit-policy", "retry-after", "x-sql-statements"]
            .map(HeaderName::from_static);
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins.iter().cloned()))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(request_headers.collect::<Vec<_>>())
            .expose_headers(exposed)
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// Middleware that adds the security headers to every response: `nosniff`, no referrer,
/// no framing, `Cache-Control: no-store` unless the handler set a policy, and a content
/// security policy. API responses get [`API_CSP`]; the GraphiQL page gets a policy that
/// allows its scripts and styles from unpkg.com and exactly its own inline scripts, by hash.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    let mut response = if is_html { with_page_policy(response).await } else { response };
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(API_CSP));
    // Responses depend on the caller's credential, so no cache may store them.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Gives an HTML page a content security policy that allows its own inline scripts by
/// their SHA-256 hashes. A page too large to read gets the strict API policy instead.
async fn with_page_policy(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_HTML_BYTES).await else {
        tracing::error!("an HTML response was too large to hash its inline scripts; it gets the strict policy");
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(API_CSP));
        return Response::from_parts(parts, Body::empty());
    };
    let policy = page_policy(&String::from_utf8_lossy(&bytes));
    if let Ok(value) = HeaderValue::from_str(&policy) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Builds the GraphiQL page's policy: scripts from unpkg.com and the page's inline scripts
/// (by hash), styles from unpkg.com and inline, the favicon from graphql.org, and requests
/// to this server only.
// NOTE: derived from the page's HTML (async-graphql 7.2, GraphiQL 4 from unpkg.com), not
// tried in a browser. Anything the GraphiQL bundle loads from other hosts is blocked.
pub fn page_policy(html: &str) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|script| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script))))
        .collect();
    format!(
        "default-src 'none'; script-src https://unpkg.com {}; style-src https://unpkg.com 'unsafe-inline'; img-src https://graphql.org data:; font-src https://unpkg.com data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

/// Returns the text of every `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag = &rest[start..];
        let Some(tag_end) = after_tag.find('>') else { break };
        let tag = &after_tag[..tag_end];
        let content_start = &after_tag[tag_end + 1..];
        let Some(close) = content_start.find("</script>") else { break };
        if !tag.contains("src=") {
            scripts.push(&content_start[..close]);
        }
        rest = &content_start[close..];
    }
    scripts
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn origins_parse_and_normalize() {
        let origins = parse_origins(" https://www.oas.org, http://localhost:5173 ,https://WWW.OAS.ORG,").unwrap();
        assert_eq!(origins, vec!["https://www.oas.org", "http://localhost:5173"]);
        assert_eq!(parse_origins("").unwrap(), Vec::<HeaderValue>::new());
        assert_eq!(parse_origins("http://[::1]:8080").unwrap(), vec!["http://[::1]:8080"]);
    }

    #[test]
    fn malformed_origins_rejected() {
        for bad in [
            "www.oas.org",
            "https://www.oas.org/",
            "https://www.oas.org/path",
            "ftp://www.oas.org",
            "*",
            "https://*.oas.org",
            "https://www.oas.org:0",
            "https://www.oas.org:99999",
            "https://user@www.oas.org",
            "https://",
            "http://[::1",
        ] {
            let error = parse_origins(bad).expect_err(bad).to_string();
            assert!(error.contains("CORS_ALLOWED_ORIGINS"), "{error}");
        }
    }

    #[test]
    fn page_policy_hashes_inline_scripts() {
        let html = "<script src=\"https://unpkg.com/x.js\"></script><script>run()</script>";
        let policy = page_policy(html);
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest("run()"));
        assert!(policy.contains(&format!("'sha256-{expected}'")), "{policy}");
        assert_eq!(inline_scripts(html), vec!["run()"]);
    }
}
