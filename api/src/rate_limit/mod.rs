//! Per-client rate limiting priced by query cost.
//!
//! Each client has a budget of cost points per fixed window (`RATE_LIMIT_*` settings). A
//! GraphQL request costs the complexity that async-graphql computes while validating it,
//! at least 1: each field costs 1, and a connection multiplies the cost of its selection
//! by its page size. [`RateLimitExtension`] charges that cost after validation and before
//! any resolver runs. A request whose charge does not fit the remaining budget is rejected
//! with HTTP 429 and `RATE_LIMITED`, and its cost is not charged. A request with an
//! invalid credential charges `RATE_LIMIT_FAILED_AUTH_COST` to its IP address, which
//! throttles token guessing.
//!
//! The client is the API token, else the signed-in member, else the access token's
//! subject, else the IP address, and only a SHA-256 digest of that key is stored. The
//! counters live in memory on SQLite and in the `rate_limit_counters` table on
//! PostgreSQL, where every replica shares them.
//!
//! Priced responses carry the `RateLimit-Policy` and `RateLimit` fields of the IETF draft
//! "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-10), such as
//! `RateLimit-Policy: "cost";q=100000;w=60` and `RateLimit: "cost";r=99940;t=42`.

mod extension;
mod settings;
mod store;

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

pub use extension::RateLimitExtension;
pub use settings::RateLimitConfig;

use crate::app::ClientAddress;
use crate::auth::{Credential, Viewer};
use crate::error::ApiError;
use store::{Counters, Window};

/// The policy name in both header fields.
const POLICY: &str = "cost";
/// The `RateLimit-Policy` response header: the client's budget and window.
pub const POLICY_HEADER: HeaderName = HeaderName::from_static("ratelimit-policy");
/// The `RateLimit` response header: the points left and the seconds until the window ends.
pub const STATE_HEADER: HeaderName = HeaderName::from_static("ratelimit");

/// A client's rate-limit key: the SHA-256 hex digest of what identifies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientKey {
    /// The hex digest stored in the counters.
    digest: String,
    /// Whether the client authenticated, which selects the larger budget.
    authenticated: bool,
}

impl ClientKey {
    /// Derives the key of a request's caller: its API token, else its member, else its
    /// access token's subject, else its IP address.
    pub fn for_viewer(viewer: &Viewer, address: Option<IpAddr>) -> ClientKey {
        let identity = match (&viewer.credential, viewer.member_id()) {
            (Credential::ApiToken { id, .. }, _) => format!("token:{id}"),
            (_, Some(member)) => format!("member:{member}"),
            (Credential::AccessToken { subject }, None) => format!("subject:{subject}"),
            (Credential::Anonymous, None) => return ClientKey::for_address(address),
        };
        ClientKey { digest: hex_digest(&identity), authenticated: true }
    }

    /// Derives the key of an IP address. An IPv6 client is keyed by its /64 prefix, because
    /// one host usually controls a whole /64 and could otherwise take a fresh address for
    /// every request, as the certificate-verification throttle also does. Requests without
    /// a peer address (a router served without connect info) share one key.
    pub fn for_address(address: Option<IpAddr>) -> ClientKey {
        let identity = match address.map(|address| address.to_canonical()) {
            Some(IpAddr::V4(address)) => format!("ip:{address}"),
            Some(IpAddr::V6(address)) => {
                let [a, b, c, d, ..] = address.segments();
                format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
            }
            None => "ip:unknown".to_owned(),
        };
        ClientKey { digest: hex_digest(&identity), authenticated: false }
    }
}

/// Hashes a key so the counters hold no raw address, token id or subject.
// NOTE: the digest is unsalted, so an IPv4 address can be recovered by hashing all 2^32
// addresses. It keeps addresses out of plain sight, and counters last one window.
fn hex_digest(identity: &str) -> String {
    Sha256::digest(identity.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The rate limiter of one server, kept in the application state; cloning shares it.
#[derive(Clone)]
pub struct RateLimiter(Option<Arc<Limiter>>);

struct Limiter {
    settings: RateLimitConfig,
    counters: Counters,
}

impl RateLimiter {
    /// Builds the limiter for the connection's database; `None` inside when the settings
    /// switch rate limiting off.
    pub fn new(settings: &RateLimitConfig, db: &DatabaseConnection) -> RateLimiter {
        if !settings.is_enabled() {
            return RateLimiter(None);
        }
        RateLimiter(Some(Arc::new(Limiter { settings: settings.clone(), counters: Counters::for_database(db) })))
    }

    /// Opens the charge of one GraphQL request, to be put in the request's data for
    /// [`RateLimitExtension`]; `None` when rate limiting is off.
    pub fn ticket(&self, viewer: &Viewer, client: ClientAddress) -> Option<Arc<RateLimitTicket>> {
        let limiter = self.0.clone()?;
        let key = ClientKey::for_viewer(viewer, client.0);
        Some(Arc::new(RateLimitTicket { limiter, key, charge: Mutex::new(None) }))
    }

    /// Charges a request with an invalid credential to its IP address; `Ok(None)` when rate
    /// limiting is off.
    pub async fn charge_failed_authentication(&self, client: ClientAddress) -> Result<Option<Charge>, ApiError> {
        let Some(limiter) = &self.0 else { return Ok(None) };
        let key = ClientKey::for_address(client.0);
        let charge = limiter.charge(&key, limiter.settings.failed_authentication_cost).await?;
        if !charge.admitted {
            tracing::info!(
                client = %&key.digest[..12],
                "rejected a request with an invalid credential because its address spent its rate limit"
            );
        }
        Ok(Some(charge))
    }
}

impl Limiter {
    fn budget(&self, key: &ClientKey) -> u64 {
        if key.authenticated { self.settings.authenticated_points } else { self.settings.points }
    }

    async fn charge(&self, key: &ClientKey, cost: u64) -> Result<Charge, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let window = Window::containing(now, self.settings.window.as_secs());
        let budget = self.budget(key);
        let spent = self.counters.charge(&key.digest, cost, budget, window).await?;
        Ok(Charge {
            cost,
            admitted: spent.admitted,
            budget,
            remaining: budget.saturating_sub(spent.points),
            window_seconds: self.settings.window.as_secs().max(1),
            reset_seconds: window.seconds_left(now),
        })
    }
}

/// The outcome of charging one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charge {
    /// The points the request costs.
    pub cost: u64,
    /// Whether the cost fitted the remaining budget and was charged.
    pub admitted: bool,
    /// The client's points per window.
    pub budget: u64,
    /// The points left in the current window.
    pub remaining: u64,
    /// The window length in seconds.
    pub window_seconds: u64,
    /// The seconds until the current window ends and the budget is full again.
    pub reset_seconds: u64,
}

impl Charge {
    /// Builds the `RATE_LIMITED` error of a rejected request, for a GraphQL request or
    /// for a request with an invalid credential.
    pub fn error(&self, failed_authentication: bool) -> ApiError {
        let message = if failed_authentication {
            format!(
                "Too many requests with invalid credentials came from this address; try again in {} seconds with \
                 a valid token.",
                self.reset_seconds
            )
        } else {
            format!(
                "This request costs {} points but the client has {} of its {} points per {} seconds left; try \
                 again in {} seconds, or select fewer fields and smaller pages.",
                self.cost, self.remaining, self.budget, self.window_seconds, self.reset_seconds
            )
        };
        ApiError::RateLimited { message, retry_after_seconds: self.reset_seconds }
    }

    /// Adds the rate-limit header fields to a response, and on a rejected request sets
    /// HTTP 429 with `Retry-After`.
    pub fn apply(&self, response: &mut Response) {
        let headers = response.headers_mut();
        let policy = format!("\"{POLICY}\";q={};w={}", self.budget, self.window_seconds);
        let state = format!("\"{POLICY}\";r={};t={}", self.remaining, self.reset_seconds);
        if let (Ok(policy), Ok(state)) = (HeaderValue::from_str(&policy), HeaderValue::from_str(&state)) {
            headers.insert(POLICY_HEADER, policy);
            headers.insert(STATE_HEADER, state);
        }
        if !self.admitted {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(self.reset_seconds));
            *response.status_mut() = StatusCode::TOO_MANY_REQUESTS;
        }
    }
}

/// The charge of one GraphQL request: [`RateLimitExtension`] records it after validation,
/// and [`RateLimitTicket::finish`] puts it on the response.
pub struct RateLimitTicket {
    limiter: Arc<Limiter>,
    key: ClientKey,
    /// `None` until charged, `Some(Err(()))` when the counters were unavailable.
    charge: Mutex<Option<Result<Charge, ()>>>,
}

impl RateLimitTicket {
    /// Charges `cost` points once; the error is the GraphQL error that rejects the request.
    pub(crate) async fn charge(&self, cost: u64) -> Result<Charge, ApiError> {
        let outcome = self.limiter.charge(&self.key, cost.max(1)).await;
        let recorded = match &outcome {
            Ok(charge) => Ok(*charge),
            Err(_) => Err(()),
        };
        if let Ok(mut slot) = self.charge.lock() {
            *slot = Some(recorded);
        }
        let charge = outcome?;
        if !charge.admitted {
            tracing::info!(
                client = %&self.key.digest[..12],
                cost = charge.cost,
                remaining = charge.remaining,
                "rejected a request because its client spent its rate limit"
            );
            return Err(charge.error(false));
        }
        Ok(charge)
    }

    /// Returns the recorded charge once the request was charged.
    fn recorded(&self) -> Option<Result<Charge, ()>> {
        self.charge.lock().ok().and_then(|slot| *slot)
    }

    /// Puts the charge on the finished response: the header fields, and HTTP 429 with
    /// `Retry-After` when it was rejected. A request that never reached validation, such
    /// as one with a syntax error, is charged the minimum of 1 point here, and its response
    /// stays as it is when the counters are unavailable. Returns whether the rate limit
    /// rejected the request.
    pub async fn finish(&self, response: &mut Response) -> bool {
        let recorded = match self.recorded() {
            Some(recorded) => recorded,
            None => self.limiter.charge(&self.key, 1).await.map_err(|_| ()),
        };
        match recorded {
            Ok(charge) => {
                charge.apply(response);
                !charge.admitted
            }
            // The extension's SERVICE_UNAVAILABLE error already made the response a 503.
            Err(()) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn address_keys_hash_and_group_ipv6() {
        let ipv4 = ClientKey::for_address(address("192.0.2.7"));
        assert_eq!(ipv4.digest.len(), 64);
        assert!(!ipv4.digest.contains("192"));
        assert!(!ipv4.authenticated);
        assert_eq!(ClientKey::for_address(address("::ffff:192.0.2.7")), ipv4);
        assert_ne!(ClientKey::for_address(address("192.0.2.8")), ipv4);
        assert_eq!(
            ClientKey::for_address(address("2001:db8:1:2::1")),
            ClientKey::for_address(address("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(
            ClientKey::for_address(address("2001:db8:1:2::1")),
            ClientKey::for_address(address("2001:db8:1:3::1"))
        );
        assert_eq!(ClientKey::for_address(None), ClientKey::for_address(None));
    }

    #[test]
    fn viewer_keys_prefer_token_then_member() {
        let principal = crate::auth::Principal {
            id: 7,
            display_name: "Ana".into(),
            is_admin: false,
            editor_networks: Vec::new(),
            coordinated_institutions: Vec::new(),
            officer_id: None,
        };
        let token = |id| Viewer {
            credential: Credential::ApiToken { id, name: "t".into(), scopes: Vec::new() },
            member: Some(principal.clone()),
        };
        let access =
            Viewer { credential: Credential::AccessToken { subject: "sub-1".into() }, member: Some(principal.clone()) };
        let subject_only = Viewer { credential: Credential::AccessToken { subject: "sub-1".into() }, member: None };
        let peer = address("192.0.2.7");

        let by_token = ClientKey::for_viewer(&token(1), peer);
        assert!(by_token.authenticated);
        assert_ne!(by_token, ClientKey::for_viewer(&token(2), peer), "each token has its own budget");
        assert_eq!(by_token, ClientKey::for_viewer(&token(1), address("198.51.100.1")), "the address does not matter");
        let by_member = ClientKey::for_viewer(&access, peer);
        assert_eq!(by_member.digest, hex_digest("member:7"));
        assert_ne!(by_member, by_token);
        assert_eq!(ClientKey::for_viewer(&subject_only, peer).digest, hex_digest("subject:sub-1"));
        assert_eq!(ClientKey::for_viewer(&Viewer::anonymous(), peer), ClientKey::for_address(peer));
    }

    #[test]
    fn charges_write_draft_header_fields() {
        let charge = Charge {
            cost: 60,
            admitted: true,
            budget: 100_000,
            remaining: 99_940,
            window_seconds: 60,
            reset_seconds: 42,
        };
        let mut response = Response::new(axum::body::Body::empty());
        charge.apply(&mut response);
        assert_eq!(response.headers()[POLICY_HEADER], "\"cost\";q=100000;w=60");
        assert_eq!(response.headers()[STATE_HEADER], "\"cost\";r=99940;t=42");
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
        assert_eq!(response.status(), StatusCode::OK);

        let rejected = Charge { admitted: false, remaining: 10, ..charge };
        let mut response = Response::new(axum::body::Body::empty());
        rejected.apply(&mut response);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "42");
        assert_eq!(response.headers()[STATE_HEADER], "\"cost\";r=10;t=42");
    }
}
