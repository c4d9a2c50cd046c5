//! Validation of the identity provider's access tokens: signed JWTs against the keys the
//! issuer publishes, and opaque tokens by RFC 7662 introspection.
//!
//! The provider's metadata, key set and positive introspection responses are cached in
//! memory. They are caches of what the provider publishes, so every replica may hold its
//! own copy.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2::{AccessToken, ClientId, ClientSecret, IntrospectionUrl, TokenIntrospectionResponse};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, RwLock};

use crate::config::OAuthConfig;

/// How long the provider's metadata and key set are used before they are read again.
const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);
/// Time allowed for one request to the provider.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(5);
/// Maximum time a positive introspection response is reused, even for a token that
/// lives longer, so that a revocation at the provider takes effect within it.
const INTROSPECTION_MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept in the introspection cache; when it is full, expired entries are dropped
/// first and then the whole cache.
const INTROSPECTION_CACHE_SIZE: usize = 10_000;

/// Signature algorithms accepted on access tokens: asymmetric ones only, because the API
/// shares no secret with the provider.
const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The caller a valid access token names.
#[derive(Clone, Debug)]
pub struct TokenSubject {
    /// `sub`, or for a client-credentials token without one, `client_id`.
    pub subject: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

/// The reason a token was rejected.
#[derive(Debug)]
pub enum TokenError {
    /// The token is invalid; the reason is safe to show to the caller.
    Invalid(String),
    /// The provider could not be reached or sent an invalid response; the detail is for the log.
    ProviderUnavailable(String),
}

#[derive(Deserialize)]
struct ProviderMetadata {
    issuer: String,
    jwks_uri: Option<String>,
    introspection_endpoint: Option<String>,
}

struct Keys {
    metadata_fetched: Instant,
    jwks_uri: Option<String>,
    introspection_endpoint: Option<String>,
    keys: JwkSet,
    keys_fetched: Instant,
}

#[derive(Deserialize)]
struct Claims {
    sub: Option<String>,
    client_id: Option<String>,
    exp: i64,
}

/// Validates the provider's access tokens for one audience.
pub struct TokenVerifier {
    config: OAuthConfig,
    http: reqwest::Client,
    keys: RwLock<Option<Keys>>,
    /// Serializes refreshes, so that a burst of tokens with a new key id reads the key set once.
    refresh: Mutex<()>,
    introspected: Mutex<HashMap<[u8; 32], (TokenSubject, Instant)>>,
}

impl TokenVerifier {
    /// Builds a verifier; nothing is fetched until the first token arrives.
    pub fn new(config: OAuthConfig) -> anyhow::Result<TokenVerifier> {
        // No redirects: a provider endpoint that redirects elsewhere is a misconfiguration,
        // and following it could send the client secret to another host.
        let http =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).timeout(PROVIDER_TIMEOUT).build()?;
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            anyhow::bail!("jsonwebtoken was built without a crypto provider");
        }
        Ok(TokenVerifier {
            config,
            http,
            keys: RwLock::new(None),
            refresh: Mutex::new(()),
            introspected: Mutex::new(HashMap::new()),
        })
    }

    /// Validates `token` and returns its subject.
    pub async fn verify(&self, token: &str) -> Result<TokenSubject, TokenError> {
        if token.split('.').count() == 3 { self.verify_jwt(token).await } else { self.introspect(token).await }
    }

    async fn verify_jwt(&self, token: &str) -> Result<TokenSubject, TokenError> {
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| TokenError::Invalid("the access token is not a well-formed JWT".into()))?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(TokenError::Invalid(format!(
                "the access token is signed with {:?}; only asymmetric algorithms such as RS256 or ES256 are accepted",
                header.alg
            )));
        }
        let key = self.key_for(header.kid.as_deref()).await?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        validation.leeway = self.config.clock_skew.as_secs();
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|err| {
            use jsonwebtoken::errors::ErrorKind;
            let reason = match err.kind() {
                ErrorKind::ExpiredSignature => "the access token has expired; request a new one".to_owned(),
                ErrorKind::ImmatureSignature => "the access token is not valid yet (nbf is in the future)".to_owned(),
                ErrorKind::InvalidAudience => format!(
                    "the access token was issued for another audience; request one for {}",
                    self.config.audience
                ),
                ErrorKind::InvalidIssuer => {
                    format!("the access token was issued by another issuer; this API accepts {}", self.config.issuer)
                }
                ErrorKind::InvalidSignature => "the access token's signature does not verify".to_owned(),
                ErrorKind::MissingRequiredClaim(claim) => format!("the access token has no `{claim}` claim"),
                _ => "the access token could not be validated".to_owned(),
            };
            TokenError::Invalid(reason)
        })?;
        subject(data.claims.sub, data.claims.client_id, Some(data.claims.exp))
    }

    /// Returns the decoding key for `kid`, reading the key set again when the id is unknown
    /// (the provider rotated its keys) and the last read is old enough.
    async fn key_for(&self, kid: Option<&str>) -> Result<DecodingKey, TokenError> {
        for attempt in 0..2 {
            {
                let keys = self.keys.read().await;
                if let Some(keys) = keys.as_ref().filter(|keys| keys.keys_fetched.elapsed() < KEYS_MAX_AGE) {
                    let jwk = match kid {
                        Some(kid) => keys.keys.find(kid),
                        // A token without a key id is accepted only while the set has one key.
                        None if keys.keys.keys.len() == 1 => keys.keys.keys.first(),
                        None => None,
                    };
                    if let Some(jwk) = jwk {
                        return DecodingKey::from_jwk(jwk).map_err(|err| {
                            TokenError::ProviderUnavailable(format!("the provider published an unusable key: {err}"))
                        });
                    }
                    if attempt == 1 || keys.keys_fetched.elapsed() < self.config.jwks_min_refresh {
                        break;
                    }
                }
            }
            self.refresh_keys(attempt == 0).await?;
        }
        Err(TokenError::Invalid(match kid {
            Some(kid) => format!("the access token's key id {kid:?} is not among the issuer's published keys"),
            None => "the access token has no key id (kid) and the issuer publishes several keys".to_owned(),
        }))
    }

    async fn refresh_keys(&self, first_attempt: bool) -> Result<(), TokenError> {
        let _guard = self.refresh.lock().await;
        // Another request may have refreshed the keys while this one waited.
        if first_attempt
            && let Some(keys) = self.keys.read().await.as_ref()
            && keys.keys_fetched.elapsed() < self.config.jwks_min_refresh
        {
            return Ok(());
        }
        let metadata = self.metadata().await?;
        let Some(jwks_uri) = metadata.0.clone() else {
            return Err(TokenError::ProviderUnavailable("the provider's metadata has no jwks_uri".into()));
        };
        let keys: JwkSet = self.get_json(&jwks_uri).await?;
        tracing::info!(keys = keys.keys.len(), jwks_uri, "read the identity provider's signing keys");
        let now = Instant::now();
        *self.keys.write().await = Some(Keys {
            metadata_fetched: now,
            jwks_uri: Some(jwks_uri),
            introspection_endpoint: metadata.1,
            keys,
            keys_fetched: now,
        });
        Ok(())
    }

    /// Returns the key set address and introspection endpoint, from the cache while fresh.
    async fn metadata(&self) -> Result<(Option<String>, Option<String>), TokenError> {
        if let Some(keys) = self.keys.read().await.as_ref()
            && keys.metadata_fetched.elapsed() < KEYS_MAX_AGE
        {
            return Ok((keys.jwks_uri.clone(), keys.introspection_endpoint.clone()));
        }
        let base = self.config.issuer.trim_end_matches('/');
        let metadata: ProviderMetadata = match self.get_json(&format!("{base}/.well-known/openid-configuration")).await
        {
            Ok(metadata) => metadata,
            Err(_) => self.get_json(&format!("{base}/.well-known/oauth-authorization-server")).await?,
        };
        if metadata.issuer != self.config.issuer {
            return Err(TokenError::ProviderUnavailable(format!(
                "the provider's metadata names issuer {:?}, but OAUTH_ISSUER is {:?}",
                metadata.issuer, self.config.issuer
            )));
        }
        Ok((metadata.jwks_uri, metadata.introspection_endpoint))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str) -> Result<T, TokenError> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|err| TokenError::ProviderUnavailable(format!("GET {url} failed: {err}")))?;
        if !response.status().is_success() {
            return Err(TokenError::ProviderUnavailable(format!("GET {url} returned {}", response.status())));
        }
        response.json().await.map_err(|err| TokenError::ProviderUnavailable(format!("GET {url}: invalid JSON: {err}")))
    }

    /// Asks the provider about an opaque token (RFC 7662), reusing a positive response for at
    /// most [`INTROSPECTION_MAX_AGE`] and never past the token's expiry.
    async fn introspect(&self, token: &str) -> Result<TokenSubject, TokenError> {
        let Some((client_id, client_secret)) = self.config.introspection_client.clone() else {
            return Err(TokenError::Invalid(
                "the access token is not a JWT, and this API is not configured to introspect opaque tokens".into(),
            ));
        };
        let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some((subject, cached_at)) = self.introspected.lock().await.get(&digest)
            && cached_at.elapsed() < INTROSPECTION_MAX_AGE
            && subject.expires_at > Utc::now()
        {
            return Ok(subject.clone());
        }
        let (_, endpoint) = self.metadata().await?;
        let Some(endpoint) = endpoint else {
            return Err(TokenError::ProviderUnavailable(
                "the provider's metadata has no introspection_endpoint".into(),
            ));
        };
        let url = IntrospectionUrl::new(endpoint.clone()).map_err(|err| {
            TokenError::ProviderUnavailable(format!("invalid introspection_endpoint {endpoint:?}: {err}"))
        })?;
        let client = oauth2::basic::BasicClient::new(ClientId::new(client_id))
            .set_client_secret(ClientSecret::new(client_secret))
            .set_introspection_url(url);
        let access_token = AccessToken::new(token.to_owned());
        let answer = client
            .introspect(&access_token)
            .request_async(&self.http)
            .await
            .map_err(|err| TokenError::ProviderUnavailable(format!("token introspection failed: {err}")))?;
        if !answer.active() {
            return Err(TokenError::Invalid("the access token is not active: it expired or was revoked".into()));
        }
        let skew = chrono::Duration::from_std(self.config.clock_skew).unwrap_or_default();
        if let Some(iss) = answer.iss()
            && iss != self.config.issuer
        {
            return Err(TokenError::Invalid(format!(
                "the access token was issued by another issuer; this API accepts {}",
                self.config.issuer
            )));
        }
        let audiences = answer.aud().cloned().unwrap_or_default();
        if !audiences.contains(&self.config.audience) {
            return Err(TokenError::Invalid(format!(
                "the access token was issued for another audience; request one for {}",
                self.config.audience
            )));
        }
        if let Some(exp) = answer.exp()
            && exp + skew < Utc::now()
        {
            return Err(TokenError::Invalid("the access token has expired; request a new one".into()));
        }
        let subject = subject(
            answer.sub().map(str::to_owned),
            answer.client_id().map(|id| id.to_string()),
            answer.exp().map(|exp| exp.timestamp()),
        )?;
        let mut cache = self.introspected.lock().await;
        if cache.len() >= INTROSPECTION_CACHE_SIZE {
            let now = Utc::now();
            cache.retain(|_, (subject, cached_at)| {
                cached_at.elapsed() < INTROSPECTION_MAX_AGE && subject.expires_at > now
            });
            if cache.len() >= INTROSPECTION_CACHE_SIZE {
                cache.clear();
            }
        }
        cache.insert(digest, (subject.clone(), Instant::now()));
        Ok(subject)
    }
}

fn subject(sub: Option<String>, client_id: Option<String>, exp: Option<i64>) -> Result<TokenSubject, TokenError> {
    let Some(subject) = sub.or(client_id).filter(|subject| !subject.is_empty()) else {
        return Err(TokenError::Invalid("the access token names no subject (`sub`) and no `client_id`".into()));
    };
    let Some(expires_at) = exp.and_then(|exp| DateTime::from_timestamp(exp, 0)) else {
        return Err(TokenError::Invalid("the access token has no expiry (`exp`)".into()));
    };
    Ok(TokenSubject { subject, expires_at })
}
