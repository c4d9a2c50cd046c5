//! API tokens issued by admins: random secrets shown once, stored only as SHA-256 hashes.

use chrono::{DateTime, Utc};
use entities::api_tokens;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// Every API token starts with this prefix, so that a leaked one is easy to recognize and
/// is never mistaken for a provider's access token.
pub const TOKEN_PREFIX: &str = "oasn_";
/// Random bytes in a token. 32 bytes make guessing hopeless, which is also why a fast hash
/// (not a password hash) is enough to store them.
const TOKEN_BYTES: usize = 32;
/// `last_used_at` is written at most this often per token, to keep reads free of writes.
const LAST_USED_RESOLUTION: chrono::Duration = chrono::Duration::seconds(60);

/// A new token's secret and the values stored for it.
pub struct NewToken {
    /// The full token, shown to its creator once.
    pub secret: String,
    /// Its first characters, stored to tell tokens apart in listings.
    pub prefix: String,
    /// The hex SHA-256 of the secret: the only form stored.
    pub hash: String,
}

/// Generates a token from the operating system's random source.
pub fn generate() -> anyhow::Result<NewToken> {
    use base64::Engine as _;
    let mut bytes = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes).map_err(|err| anyhow::anyhow!("the operating system's random source failed: {err}"))?;
    let secret = format!("{TOKEN_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let prefix = secret.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let hash = hash(&secret);
    Ok(NewToken { secret, prefix, hash })
}

/// Returns the hex SHA-256 of a token.
pub fn hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The reason a presented API token was rejected.
pub enum TokenRejection {
    /// No token has this hash.
    Unknown,
    /// The token was revoked at this time.
    Revoked(DateTime<Utc>),
    /// The token expired at this time.
    Expired(DateTime<Utc>),
}

/// Finds the live token matching `secret` and records its use.
pub async fn find_live(
    db: &impl ConnectionTrait,
    secret: &str,
) -> Result<Result<api_tokens::Model, TokenRejection>, sea_orm::DbErr> {
    let Some(token) = api_tokens::Entity::find().filter(api_tokens::Column::TokenHash.eq(hash(secret))).one(db).await?
    else {
        return Ok(Err(TokenRejection::Unknown));
    };
    if let Some(revoked_at) = token.revoked_at {
        return Ok(Err(TokenRejection::Revoked(revoked_at)));
    }
    let now = Utc::now();
    if token.expires_at <= now {
        return Ok(Err(TokenRejection::Expired(token.expires_at)));
    }
    if token.last_used_at.is_none_or(|used| now - used >= LAST_USED_RESOLUTION) {
        api_tokens::Entity::update_many()
            .col_expr(api_tokens::Column::LastUsedAt, Expr::value(now))
            .filter(api_tokens::Column::Id.eq(token.id))
            .filter(
                Expr::col(api_tokens::Column::LastUsedAt)
                    .is_null()
                    .or(Expr::col(api_tokens::Column::LastUsedAt).lt(now - LAST_USED_RESOLUTION)),
            )
            .exec(db)
            .await?;
    }
    Ok(Ok(token))
}
