//! Creating and updating quality certifications of police institutions. A certification
//! without a network belongs to no network, so only admins create and change it.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entities::{organizations, quality_certifications};
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};
use serde_json::{Map, Value as Json, json};

use super::{
    ORGANIZATION_TYPES, Row, apply_reference, apply_text, check_range, date_after, date_text, free_slug, global_id,
    insert_row, load, partial_date, row, slug_from, update_row,
};
use crate::enums::{
    CertificationStatus, ContentStatus, DatePrecision, OrganizationKind, RevisionAction, Visibility, stored,
};
use crate::error::ApiResult;
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, SHORT_TEXT, UserError, UserErrorCode, changes, check_version, record_revision, require_editor,
    resolve_id,
};
use crate::graphql::organizations::QualityCertification;
use crate::import::convert::search_text;
use crate::text::fold;

/// A new quality certification of a police institution; it starts as a draft.
#[derive(InputObject)]
pub struct CreateQualityCertificationInput {
    /// Stable key; derived from the institution and the standard when left out.
    pub slug: Option<String>,
    /// The certified police institution.
    pub institution_id: ID,
    /// Standard certified against, such as `ISO 9001:2015`.
    pub standard: String,
    /// The certified processes, or the scope as the source states it.
    pub scope: Option<String>,
    /// The certification or accreditation body, when it is a known organization.
    pub certification_body_id: Option<ID>,
    /// Name of the certification body as the source gives it.
    pub certification_body_name: Option<String>,
    /// Date of issue, written `YYYY-MM-DD`, `YYYY-MM` or `YYYY` to match `issuedPrecision`.
    pub issued: Option<String>,
    /// Precision of `issued`; UNKNOWN when it is not known.
    pub issued_precision: DatePrecision,
    /// Date of expiry, written as `issued` to match `expiresPrecision`; not before `issued`.
    pub expires: Option<String>,
    /// Precision of `expires`; UNKNOWN when it is not known.
    pub expires_precision: DatePrecision,
    /// Status of the certification itself.
    pub status: CertificationStatus,
    /// Status as the source words it.
    pub status_note: Option<String>,
    /// The network whose program supported the certification; you must edit in it.
    /// Only admins may leave it out.
    pub network_id: Option<ID>,
    /// Editorial note.
    pub note: Option<String>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a quality certification. Fields left out keep their value; `null` clears an
/// optional field.
#[derive(InputObject)]
pub struct UpdateQualityCertificationInput {
    /// The certification's id.
    pub id: ID,
    /// The `version` you loaded; a newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New certified police institution.
    pub institution_id: Option<ID>,
    /// New standard.
    pub standard: Option<String>,
    /// New scope.
    pub scope: MaybeUndefined<String>,
    /// New certification body.
    pub certification_body_id: MaybeUndefined<ID>,
    /// New certification body name.
    pub certification_body_name: MaybeUndefined<String>,
    /// New date of issue.
    pub issued: MaybeUndefined<String>,
    /// New precision of `issued`; send `issued` again in the new form.
    pub issued_precision: Option<DatePrecision>,
    /// New date of expiry.
    pub expires: MaybeUndefined<String>,
    /// New precision of `expires`; send `expires` again in the new form.
    pub expires_precision: Option<DatePrecision>,
    /// New status of the certification itself.
    pub status: Option<CertificationStatus>,
    /// New status note.
    pub status_note: MaybeUndefined<String>,
    /// New network; you must edit in both networks. `null` leaves the record to admins.
    pub network_id: MaybeUndefined<ID>,
    /// New note.
    pub note: MaybeUndefined<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a quality certification mutation.
#[derive(SimpleObject)]
pub struct QualityCertificationPayload {
    /// The certification after the change; on a conflict, its current state; null when the
    /// input named no certification or the certification could not be created.
    pub quality_certification: Option<QualityCertification>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl QualityCertificationPayload {
    fn rejected(certification: Option<quality_certifications::Model>, checks: Checks) -> QualityCertificationPayload {
        QualityCertificationPayload {
            quality_certification: certification.map(QualityCertification),
            user_errors: checks.errors,
        }
    }
}

/// Builds the fields that a certification's revision history records, under their input names.
fn certification_snapshot(model: &quality_certifications::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("institutionId".into(), global_id("PoliceInstitution", Some(model.institution_id)));
    map.insert("standard".into(), json!(model.standard));
    map.insert("scope".into(), json!(model.scope));
    map.insert("certificationBodyId".into(), global_id("Organization", model.certifying_body_id));
    map.insert("certificationBodyName".into(), json!(model.certifying_body_name));
    map.insert("issued".into(), json!(date_text(model.issued_on, &model.issued_precision)));
    map.insert("issuedPrecision".into(), json!(model.issued_precision));
    map.insert("expires".into(), json!(date_text(model.expires_on, &model.expires_precision)));
    map.insert("expiresPrecision".into(), json!(model.expires_precision));
    map.insert("status".into(), json!(model.status));
    map.insert("statusNote".into(), json!(model.status_note));
    map.insert("networkId".into(), global_id("Network", model.network_id));
    map.insert("note".into(), json!(model.note));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

/// Recomputes the columns derived from a certification's texts, as the importer does.
fn derive_certification_columns(model: &mut quality_certifications::Model) {
    model.search_text =
        search_text([Some(model.standard.as_str()), model.scope.as_deref(), model.certifying_body_name.as_deref()]);
    model.sort_name = fold(&format!("{} {}", model.standard, model.slug));
}

/// Resolves the id of a police institution and returns its row id and slug. Ids of other
/// organizations are reported as invalid.
async fn police_institution(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    id: &ID,
) -> ApiResult<Option<(i32, String)>> {
    let Some(row) = resolve_id(db, checks, "institutionId", Some(id), &["PoliceInstitution"], "organizations").await?
    else {
        return Ok(None);
    };
    let Some(institution) = organizations::Entity::find_by_id(row).one(db).await? else { return Ok(None) };
    if institution.kind != OrganizationKind::PoliceInstitution.as_db() {
        checks.add(
            "institutionId",
            UserErrorCode::Invalid,
            format!(
                "\"{}\" is an organization but not a police institution; copy the `id` of one from `policeInstitutions`",
                id.as_str()
            ),
        );
        return Ok(None);
    }
    Ok(Some((row, institution.slug)))
}

/// Checks the issue and expiry dates against their precisions and each other, and stores them.
fn set_certification_dates(
    checks: &mut Checks,
    model: &mut quality_certifications::Model,
    issued: (Option<&str>, DatePrecision),
    expires: (Option<&str>, DatePrecision),
) {
    model.issued_precision = issued.1.as_db().to_owned();
    model.expires_precision = expires.1.as_db().to_owned();
    model.issued_on = partial_date(checks, "issued", "issuedPrecision", issued.0, issued.1);
    model.expires_on = partial_date(checks, "expires", "expiresPrecision", expires.0, expires.1);
    check_range(checks, "expires", model.issued_on, model.expires_on);
}

row!(
    quality_certifications,
    "QualityCertification",
    "quality_certifications",
    "quality_certification",
    derive_certification_columns
);

/// Mutations on quality certifications.
#[derive(Default)]
pub struct QualityCertificationMutations;

#[Object]
impl QualityCertificationMutations {
    /// Creates a quality certification as a draft, in a network you edit; only admins may
    /// create one without a network.
    async fn create_quality_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateQualityCertificationInput,
    ) -> async_graphql::Result<QualityCertificationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        if !viewer.is_editor() {
            require_editor(viewer, None)?;
        }
        let mut checks = Checks::default();
        let network_id =
            resolve_id(db, &mut checks, "networkId", input.network_id.as_ref(), &["Network"], "networks").await?;
        if network_id.is_some() || input.network_id.is_none() {
            require_editor(viewer, network_id)?;
        }
        let institution = police_institution(db, &mut checks, &input.institution_id).await?;
        let standard = checks.text("standard", &input.standard, SHORT_TEXT);
        let derived_from = input.slug.is_none().then(|| {
            let institution_slug = institution.as_ref().map_or("", |(_, slug)| slug.as_str());
            slug_from(&format!("{institution_slug} {standard}"), "certification")
        });
        let slug = match (&input.slug, &derived_from) {
            (Some(slug), _) => checks.slug("slug", slug),
            (None, Some(base)) => free_slug(db, "quality_certifications", base).await?,
            (None, None) => String::new(),
        };
        let now = Utc::now();
        let mut model = quality_certifications::Model {
            id: 0,
            slug,
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            institution_id: institution.map_or(0, |(id, _)| id),
            standard,
            scope: checks.opt_text("scope", input.scope.as_deref(), LONG_TEXT),
            certifying_body_id: resolve_id(
                db,
                &mut checks,
                "certificationBodyId",
                input.certification_body_id.as_ref(),
                &ORGANIZATION_TYPES,
                "organizations",
            )
            .await?,
            certifying_body_name: checks.opt_text(
                "certificationBodyName",
                input.certification_body_name.as_deref(),
                SHORT_TEXT,
            ),
            issued_on: None,
            issued_precision: String::new(),
            expires_on: None,
            expires_precision: String::new(),
            status: input.status.as_db().to_owned(),
            status_note: checks.opt_text("statusNote", input.status_note.as_deref(), LONG_TEXT),
            network_id,
            note: checks.opt_text("note", input.note.as_deref(), LONG_TEXT),
            editorial_status: ContentStatus::Draft.as_db().to_owned(),
            visibility: input.visibility.as_db().to_owned(),
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: viewer.member_id(),
        };
        set_certification_dates(
            &mut checks,
            &mut model,
            (input.issued.as_deref(), input.issued_precision),
            (input.expires.as_deref(), input.expires_precision),
        );
        model.derive_columns();
        if !checks.passed() {
            return Ok(QualityCertificationPayload::rejected(None, checks));
        }

        let txn = db.begin().await?;
        let Some(inserted) = insert_row(&txn, &mut checks, model, derived_from.as_deref()).await? else {
            return Ok(QualityCertificationPayload::rejected(None, checks));
        };
        let changed = changes(&Map::new(), &certification_snapshot(&inserted));
        record_revision(
            &txn,
            viewer,
            quality_certifications::Model::ENTITY_TYPE,
            inserted.id,
            1,
            RevisionAction::Create,
            changed,
        )
        .await?;
        txn.commit().await?;
        Ok(QualityCertificationPayload {
            quality_certification: Some(QualityCertification(inserted)),
            user_errors: Vec::new(),
        })
    }

    /// Changes a quality certification's fields, if `expectedVersion` is still its version.
    async fn update_quality_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateQualityCertificationInput,
    ) -> async_graphql::Result<QualityCertificationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = load::<quality_certifications::Model>(db, &mut checks, &input.id).await? else {
            return Ok(QualityCertificationPayload::rejected(None, checks));
        };
        require_editor(viewer, current.network_id)?;
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(QualityCertificationPayload::rejected(Some(current), checks));
        }

        let mut model = current.clone();
        match &input.network_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => {
                require_editor(viewer, None)?;
                model.network_id = None;
            }
            MaybeUndefined::Value(id) => {
                if let Some(network) =
                    resolve_id(db, &mut checks, "networkId", Some(id), &["Network"], "networks").await?
                {
                    require_editor(viewer, Some(network))?;
                    model.network_id = Some(network);
                }
            }
        }
        if let Some(id) = &input.institution_id
            && let Some((institution, _)) = police_institution(db, &mut checks, id).await?
        {
            model.institution_id = institution;
        }
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(standard) = &input.standard {
            model.standard = checks.text("standard", standard, SHORT_TEXT);
        }
        apply_text(&mut checks, "scope", &input.scope, &mut model.scope, LONG_TEXT);
        apply_reference(
            db,
            &mut checks,
            "certificationBodyId",
            &input.certification_body_id,
            &mut model.certifying_body_id,
            &ORGANIZATION_TYPES,
            "organizations",
        )
        .await?;
        apply_text(
            &mut checks,
            "certificationBodyName",
            &input.certification_body_name,
            &mut model.certifying_body_name,
            SHORT_TEXT,
        );
        let dates_changed = input.issued_precision.is_some()
            || input.expires_precision.is_some()
            || !input.issued.is_undefined()
            || !input.expires.is_undefined();
        if dates_changed {
            let issued_precision = match input.issued_precision {
                Some(precision) => precision,
                None => stored("quality_certifications.issued_precision", &current.issued_precision)?,
            };
            let expires_precision = match input.expires_precision {
                Some(precision) => precision,
                None => stored("quality_certifications.expires_precision", &current.expires_precision)?,
            };
            let issued = date_after(&input.issued, current.issued_on, &current.issued_precision);
            let expires = date_after(&input.expires, current.expires_on, &current.expires_precision);
            set_certification_dates(
                &mut checks,
                &mut model,
                (issued.as_deref(), issued_precision),
                (expires.as_deref(), expires_precision),
            );
        }
        if let Some(status) = input.status {
            model.status = status.as_db().to_owned();
        }
        apply_text(&mut checks, "statusNote", &input.status_note, &mut model.status_note, LONG_TEXT);
        apply_text(&mut checks, "note", &input.note, &mut model.note, LONG_TEXT);
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        model.derive_columns();
        if !checks.passed() {
            return Ok(QualityCertificationPayload::rejected(Some(current), checks));
        }

        let changed = changes(&certification_snapshot(&current), &certification_snapshot(&model));
        if changed.is_empty() {
            return Ok(QualityCertificationPayload {
                quality_certification: Some(QualityCertification(current)),
                user_errors: Vec::new(),
            });
        }
        model.bump_version();
        let txn = match update_row(db, &current, &model, input.expected_version).await? {
            Ok(txn) => txn,
            Err((row, checks)) => return Ok(QualityCertificationPayload::rejected(row, checks)),
        };
        record_revision(
            &txn,
            viewer,
            quality_certifications::Model::ENTITY_TYPE,
            current.id,
            model.version,
            RevisionAction::Update,
            changed,
        )
        .await?;
        txn.commit().await?;
        Ok(QualityCertificationPayload {
            quality_certification: Some(QualityCertification(model)),
            user_errors: Vec::new(),
        })
    }
}
