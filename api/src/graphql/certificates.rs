//! Public verification of certificate codes, throttled per client so that valid codes
//! cannot be found by guessing.
//!
//! A verification returns only what is printed on the certificate: the holder's name as
//! printed, the course with its accreditations, the issue date and whether the
//! certificate is still valid.
//!
//! Failed attempts are counted per client and per fixed time window in the
//! `verification_failures` table, so every replica sees the same counts. Each attempt
//! first reserves a failure with one atomic upsert that returns the new count, and a
//! successful verification gives its reservation back. Because the check and the count
//! are one statement, concurrent attempts from one client, on one replica or several,
//! cannot all pass the check before any of them is counted.

use std::net::IpAddr;

use async_graphql::{Context, Object, Result};
use chrono::Utc;
use entities::{accreditations, certificates, courses, organizations};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::common::{database, viewer};
use super::scalars::Date;
use crate::app::ClientAddress;
use crate::auth::Viewer;
use crate::config::TrainingConfig;
use crate::enums::{AccreditationRole, CertificateStatus, Modality, stored};
use crate::error::{ApiError, ApiResult};
use crate::ids::shorten;
use crate::locale::{Locale, LocalizedText, localized_field};
use crate::training::certificates::normalize_code;

/// Counter rows older than this are deleted, unless the window is longer.
const KEEP_FAILURES_SECONDS: i64 = 86_400;

/// The public certificate check.
#[derive(Default)]
pub struct CertificateQuery;

#[Object]
impl CertificateQuery {
    /// Checks the verification code printed on a certificate and returns what the
    /// certificate shows. Open to anonymous callers. A malformed code fails with
    /// `BAD_USER_INPUT`, and a code that matches no certificate fails with `NOT_FOUND`.
    /// Both count as failed attempts of the client (the signed-in member, otherwise the IP
    /// address). After `CERTIFICATE_VERIFY_FAILURES` of them in one fixed window of
    /// `CERTIFICATE_VERIFY_WINDOW_SECONDS`, every verification from that client fails with
    /// `RATE_LIMITED` until the window ends, and `extensions.retryAfterSeconds` gives the
    /// seconds left.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code as printed, such as `7QK2M-D9XWA-04HTB-ZR6PE`; case, spaces and hyphens \
                          do not matter, and O, I and L read as 0, 1 and 1.")]
        code: String,
    ) -> Result<CertificateVerification> {
        Ok(verify(ctx, &code).await?)
    }
}

/// Runs one verification under the client's failure throttle.
async fn verify(ctx: &Context<'_>, typed: &str) -> ApiResult<CertificateVerification> {
    let db = database(ctx)?;
    let settings = ctx
        .data::<TrainingConfig>()
        .map_err(|_| ApiError::Unexpected("training settings missing from the GraphQL context".into()))?;
    let address = ctx.data_opt::<ClientAddress>().and_then(|client| client.0);
    let throttle = Throttle::new(client_key(viewer(ctx)?, address), settings, Utc::now().timestamp());

    throttle.reserve(db).await?;
    let Some(code) = normalize_code(typed) else {
        return Err(ApiError::bad_input(
            "code",
            format!(
                "\"{}\" is not a certificate code; a code is four groups of five letters and digits, such as \
                 7QK2M-D9XWA-04HTB-ZR6PE.",
                shorten(typed)
            ),
        ));
    };
    let Some(certificate) = certificates::Entity::find().filter(certificates::Column::Code.eq(&code)).one(db).await?
    else {
        return Err(ApiError::NotFound(format!(
            "No certificate has the code {code}; check the code against the printed certificate."
        )));
    };
    // The course is shown whatever its editorial status, because the certificate names it.
    let course = courses::Entity::find_by_id(certificate.course_id).one(db).await?.ok_or_else(|| {
        ApiError::Unexpected(format!(
            "certificate {} names the missing course {}",
            certificate.id, certificate.course_id
        ))
    })?;
    throttle.release(db).await;
    Ok(CertificateVerification { certificate, course })
}

/// Derives the caller's throttle key, stored only as its SHA-256 hex digest: the member id
/// for a signed-in member, otherwise the IP address.
///
/// An IPv6 client is keyed by its /64 prefix, because one host usually controls a whole
/// /64 and could otherwise take a fresh address for every attempt. Requests without a peer
/// address (a router served without connect info) share one key.
fn client_key(viewer: &Viewer, address: Option<IpAddr>) -> String {
    let key = match (viewer.member_id(), address.map(|address| address.to_canonical())) {
        (Some(member), _) => format!("member:{member}"),
        (None, Some(IpAddr::V4(address))) => format!("ip:{address}"),
        (None, Some(IpAddr::V6(address))) => {
            let [a, b, c, d, ..] = address.segments();
            format!("ip:{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        (None, None) => "ip:unknown".to_owned(),
    };
    // NOTE: the digest is unsalted, so an IPv4 address can be recovered by hashing all 2^32
    // addresses. It keeps addresses out of plain sight, and rows older than a day are
    // deleted as new windows start.
    Sha256::digest(key.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// One client's failure counter in the current fixed window.
struct Throttle {
    /// SHA-256 hex digest of the client key.
    client: String,
    /// Unix time in seconds at which the current window started.
    window_start: i64,
    /// Length of a window in seconds, at least 1.
    window_seconds: i64,
    /// Unix time in seconds of this attempt.
    now: i64,
    /// Failed attempts a client may make per window.
    limit: i64,
}

impl Throttle {
    fn new(client: String, settings: &TrainingConfig, now: i64) -> Throttle {
        let window_seconds =
            std::cmp::max(i64::try_from(settings.verify_failure_window.as_secs()).unwrap_or(i64::MAX), 1);
        Throttle {
            client,
            window_start: now - now.rem_euclid(window_seconds),
            window_seconds,
            now,
            limit: i64::from(settings.verify_failure_limit),
        }
    }

    /// Returns the seconds until the current window ends, at least 1.
    fn seconds_left(&self) -> u64 {
        let left = self.window_start.saturating_add(self.window_seconds) - self.now;
        std::cmp::max(u64::try_from(left).unwrap_or(1), 1)
    }

    /// Counts this attempt as a failure in advance and rejects it with `RATE_LIMITED` when
    /// the client had already reached the limit before it.
    async fn reserve(&self, db: &DatabaseConnection) -> ApiResult<()> {
        let mut upsert = Query::insert();
        upsert
            .into_table("verification_failures")
            .columns(["client", "window_start", "failures"])
            .values([self.client.clone().into(), self.window_start.into(), 1.into()])
            .map_err(|err| ApiError::Unexpected(format!("could not build the failure count upsert: {err}")))?
            .on_conflict(
                OnConflict::columns(["client", "window_start"])
                    .value("failures", Expr::col(("verification_failures", "failures")).add(1))
                    .to_owned(),
            )
            .returning_col("failures");
        let row = db
            .query_one(&upsert)
            .await?
            .ok_or_else(|| ApiError::Unexpected("the failure count upsert returned no row".into()))?;
        let failures = i64::from(row.try_get::<i32>("", "failures")?);
        if failures == 1 {
            // The first attempt of a client in a window is a cheap moment to drop old windows.
            self.delete_old_windows(db).await;
        }
        if failures == self.limit + 1 {
            tracing::info!(
                client = %&self.client[..12],
                limit = self.limit,
                window_seconds = self.window_seconds,
                "a client reached the limit of failed certificate verifications; rejecting its attempts until the window ends"
            );
        }
        if failures > self.limit {
            let retry_after_seconds = self.seconds_left();
            return Err(ApiError::RateLimited {
                message: format!(
                    "Certificate verification is paused for this client after {} failed attempts; try again in {} \
                     seconds, and check each code against the printed certificate.",
                    self.limit, retry_after_seconds
                ),
                retry_after_seconds,
            });
        }
        Ok(())
    }

    /// Gives back the failure reserved for an attempt that succeeded. A database error is
    /// logged and not returned, because the verification itself succeeded.
    async fn release(&self, db: &DatabaseConnection) {
        let refund = Query::update()
            .table("verification_failures")
            .value("failures", Expr::col("failures").sub(1))
            .and_where(Expr::col("client").eq(self.client.as_str()))
            .and_where(Expr::col("window_start").eq(self.window_start))
            .and_where(Expr::col("failures").gt(0))
            .take();
        if let Err(err) = db.execute(&refund).await {
            tracing::warn!(error = %err, "could not give back the failure reserved for a successful certificate verification");
        }
    }

    /// Deletes counter rows of windows that ended long ago, through the index on
    /// `window_start`. A database error is logged and not returned, because the next new
    /// window tries again.
    async fn delete_old_windows(&self, db: &DatabaseConnection) {
        let cutoff = self.now.saturating_sub(std::cmp::max(KEEP_FAILURES_SECONDS, self.window_seconds));
        let delete =
            Query::delete().from_table("verification_failures").and_where(Expr::col("window_start").lt(cutoff)).take();
        if let Err(err) = db.execute(&delete).await {
            tracing::warn!(error = %err, cutoff, "could not delete old certificate verification failure counts");
        }
    }
}

/// The result of checking a certificate code: the facts printed on the certificate.
pub struct CertificateVerification {
    certificate: certificates::Model,
    course: courses::Model,
}

/// The result of checking a certificate code: the facts printed on the certificate.
#[Object]
impl CertificateVerification {
    /// The code in its printed form, such as `7QK2M-D9XWA-04HTB-ZR6PE`, however it was typed.
    async fn code(&self) -> &str {
        &self.certificate.code
    }

    /// Whether the certificate is still valid; `REVOKED` after the completion it records
    /// was corrected.
    async fn status(&self) -> Result<CertificateStatus> {
        Ok(stored("certificates.status", &self.certificate.status)?)
    }

    /// The holder's name as printed on the certificate.
    async fn holder_name(&self) -> &str {
        &self.certificate.holder_name
    }

    /// The issue date printed on the certificate.
    async fn issued_on(&self) -> Date {
        Date(self.certificate.issued_on)
    }

    /// The course the certificate was issued for.
    async fn course(&self) -> CertifiedCourse {
        CertifiedCourse(self.course.clone())
    }
}

/// A course as a certificate shows it.
pub struct CertifiedCourse(courses::Model);

/// A course as a certificate shows it.
#[Object]
impl CertifiedCourse {
    /// Catalogue code, such as `REDPPOL-OS`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Title of the course.
    async fn title(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.0.titles, locale, fallback)
    }

    /// Class hours.
    async fn hours(&self) -> Option<i32> {
        self.0.hours
    }

    /// How the course is delivered.
    async fn modality(&self) -> Result<Modality> {
        Ok(stored("courses.modality", &self.0.modality)?)
    }

    /// Universities that accredit or certify the course, in the order they were recorded.
    async fn accreditations(&self, ctx: &Context<'_>) -> Result<Vec<CertifiedAccreditation>> {
        Ok(course_accreditations(database(ctx)?, self.0.id).await?)
    }
}

/// Loads a course's accreditations with their universities' names, whatever the editorial
/// status of those universities, because the certificate shows them.
async fn course_accreditations(db: &DatabaseConnection, course: i32) -> ApiResult<Vec<CertifiedAccreditation>> {
    let rows = accreditations::Entity::find()
        .filter(accreditations::Column::CourseId.eq(course))
        .order_by_asc(accreditations::Column::Id)
        .all(db)
        .await?;
    let universities = organizations::Entity::find()
        .filter(organizations::Column::Id.is_in(rows.iter().map(|row| row.university_id)))
        .all(db)
        .await?;
    let mut accreditations = Vec::with_capacity(rows.len());
    for row in rows {
        let university =
            universities.iter().find(|university| university.id == row.university_id).ok_or_else(|| {
                ApiError::Unexpected(format!(
                    "accreditation {} names the missing organization {}",
                    row.id, row.university_id
                ))
            })?;
        accreditations.push(CertifiedAccreditation {
            university_names: university.names.clone(),
            credits: row.credits,
            role: stored("accreditations.role", &row.role)?,
        });
    }
    Ok(accreditations)
}

/// A university's accreditation of a certified course.
pub struct CertifiedAccreditation {
    university_names: Value,
    credits: Option<f64>,
    role: AccreditationRole,
}

/// A university's accreditation of a certified course.
#[Object]
impl CertifiedAccreditation {
    /// Name of the accrediting or certifying university.
    async fn university(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Locale to return; defaults to the request's `Accept-Language`.")] locale: Option<Locale>,
        #[graphql(desc = "Fall back to English, then any translation, when `locale` is missing. Defaults to true.")]
        fallback: Option<bool>,
    ) -> LocalizedText {
        localized_field(ctx, &self.university_names, locale, fallback)
    }

    /// Academic credits awarded, when stated.
    async fn credits(&self) -> Option<f64> {
        self.credits
    }

    /// What the university does for the course.
    async fn role(&self) -> AccreditationRole {
        self.role
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_key_hashes_and_groups_ipv6() {
        let anonymous = Viewer::anonymous();
        let key = |address: &str| client_key(&anonymous, Some(address.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))));
        let ipv4 = key("192.0.2.7");
        assert_eq!(ipv4.len(), 64);
        assert!(!ipv4.contains("192"));
        assert_eq!(key("::ffff:192.0.2.7"), ipv4);
        assert_ne!(key("192.0.2.8"), ipv4);
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(client_key(&anonymous, None), client_key(&anonymous, None));
    }

    #[test]
    fn throttle_windows_align_to_length() {
        let settings =
            TrainingConfig { verify_failure_window: std::time::Duration::from_secs(900), ..TrainingConfig::default() };
        let throttle = Throttle::new(String::new(), &settings, 1_800_000_123);
        assert_eq!(throttle.window_start, 1_800_000_000);
        assert_eq!(throttle.seconds_left(), 777);
        let settings = TrainingConfig { verify_failure_window: std::time::Duration::ZERO, ..TrainingConfig::default() };
        assert_eq!(Throttle::new(String::new(), &settings, 42).window_seconds, 1);
    }
}
