//! The async-graphql extension that charges a request's validated complexity before any
//! resolver runs.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::{ErrorExtensions as _, ServerError, ValidationResult};

use super::RateLimitTicket;

/// Charges each request's complexity to its client's budget after validation, and rejects
/// the request with `RATE_LIMITED` when the cost does not fit. A request that fails
/// validation costs 1 point. Requests without a [`RateLimitTicket`] in their data, such as
/// those the server runs on itself, are not charged.
pub struct RateLimitExtension;

impl ExtensionFactory for RateLimitExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RateLimitCharge)
    }
}

struct RateLimitCharge;

#[async_graphql::async_trait::async_trait]
impl Extension for RateLimitCharge {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let validated = next.run(ctx).await;
        let Some(ticket) = ctx.data_opt::<Arc<RateLimitTicket>>() else { return validated };
        let cost = match &validated {
            Ok(result) => u64::try_from(result.complexity).unwrap_or(u64::MAX),
            Err(_) => 1,
        };
        if let Err(error) = ticket.charge(cost).await {
            let error = error.extend();
            let mut rejection = ServerError::new(error.message, None);
            rejection.extensions = error.extensions;
            return Err(vec![rejection]);
        }
        validated
    }
}
