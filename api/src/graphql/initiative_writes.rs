//! Mutations on initiatives and their evidence ratings: create and update. Life-cycle
//! changes are shared by every kind and live in the lifecycle module.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{NaiveDate, Utc};
use entities::{evidence_ratings, initiatives};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    TransactionTrait,
};
use serde_json::{Map, Value as Json, json};

use super::common::{database, viewer};
use super::content::Initiative;
use super::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, changes, check_version, duplicate_or,
    record_revision, require_editor, resolve_id, resolve_ids,
};
use super::write_support::{free_slug, random_suffix, slug_from};
use crate::auth::Viewer;
use crate::enums::{
    ContentStatus, DatePrecision, EvidenceLevel, InitiativeKind, InitiativeRole, RevisionAction, Visibility, stored,
};
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, encode_global_id};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

const ORGANIZATION_TYPES: [&str; 2] = ["Organization", "PoliceInstitution"];

/// An organization's part in an initiative.
#[derive(InputObject, Clone, Debug)]
pub struct InitiativeOrganizationInput {
    /// The organization or police institution.
    pub organization_id: ID,
    /// The organization's role in the initiative.
    pub role: InitiativeRole,
}

/// One evidence rating of an initiative, for one outcome from one source.
#[derive(InputObject, Clone, Debug)]
pub struct EvidenceRatingInput {
    /// Outcome rated, such as `homicides`. Leave it out when the source rates the initiative as a whole.
    pub outcome: Option<String>,
    /// Evidence registry or clearinghouse that issued the rating, such as CrimeSolutions.
    pub registry: Option<String>,
    /// The rating in the source's own words.
    pub rating_as_stated: Option<String>,
    /// The rating on the common scale, NOT_EVALUATED when no evaluation is known.
    pub level: EvidenceLevel,
    /// Number of studies behind the rating, 0 or more.
    pub study_count: Option<i32>,
    /// Date of the review as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. The form sets its precision.
    pub reviewed: Option<String>,
    /// Evaluation method, such as a randomized trial or a synthetic control.
    pub method: Option<String>,
    /// Brief account of what the evidence found.
    pub basis: Option<String>,
    /// Address of the rating or study.
    pub source_url: Option<String>,
}

/// A new initiative, which starts as a draft.
#[derive(InputObject)]
pub struct CreateInitiativeInput {
    /// Stable key, derived from the English (or first) name when left out.
    pub slug: Option<String>,
    /// The network whose editors maintain the initiative. You must edit in it. Without one,
    /// only admins may create and change the initiative.
    pub network_id: Option<ID>,
    /// Name in one or more locales.
    pub names: Vec<LocalizedTextInput>,
    /// Official name in its original language, spelled as the source spells it.
    pub official_name: Option<String>,
    /// Language of the original (ISO 639-1), such as `pt`.
    pub original_language: String,
    /// The kind of initiative.
    pub kind: InitiativeKind,
    /// True for a regional or international initiative not tied to one country.
    #[graphql(default)]
    pub international: bool,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Countries where the initiative is carried out.
    #[graphql(default)]
    pub country_ids: Vec<ID>,
    /// Countries taking part in a multinational initiative. None may also be in `countryIds`.
    #[graphql(default)]
    pub participating_country_ids: Vec<ID>,
    /// Sub-national jurisdiction, such as a state or city.
    pub jurisdiction: Option<String>,
    /// First year of the initiative.
    pub start_year: Option<i32>,
    /// Last year of the initiative, not before `startYear`.
    pub end_year: Option<i32>,
    /// Implementing body as the sources name it.
    pub implementing_organization_name: Option<String>,
    /// Organizations with their roles, each organization once.
    #[graphql(default)]
    pub organizations: Vec<InitiativeOrganizationInput>,
    /// Topics of the initiative.
    #[graphql(default)]
    pub topic_ids: Vec<ID>,
    /// Population the initiative targets, in one or more locales.
    #[graphql(default)]
    pub target_populations: Vec<LocalizedTextInput>,
    /// Summary of the initiative, in one or more locales.
    #[graphql(default)]
    pub summaries: Vec<LocalizedTextInput>,
    /// Evidence ratings in display order, at least one.
    pub evidence: Vec<EvidenceRatingInput>,
    /// Law or decree the initiative rests on.
    pub legal_basis: Option<String>,
    /// Editorial notes.
    pub notes: Option<String>,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to an initiative. Fields left out keep their value, `null` clears an optional
/// field, and a list given replaces the stored list.
#[derive(InputObject)]
pub struct UpdateInitiativeInput {
    /// The initiative's id.
    pub id: ID,
    /// The `version` you loaded. A newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New owning network. You must edit in both networks. `null` leaves the initiative to
    /// admins, and only admins may set it.
    pub network_id: MaybeUndefined<ID>,
    /// New names, replacing every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// New official name.
    pub official_name: MaybeUndefined<String>,
    /// New original language.
    pub original_language: Option<String>,
    /// New kind.
    pub kind: Option<InitiativeKind>,
    /// Whether it is a regional or international initiative.
    pub international: Option<bool>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New countries where it is carried out.
    pub country_ids: Option<Vec<ID>>,
    /// New participating countries.
    pub participating_country_ids: Option<Vec<ID>>,
    /// New jurisdiction.
    pub jurisdiction: MaybeUndefined<String>,
    /// New first year.
    pub start_year: MaybeUndefined<i32>,
    /// New last year.
    pub end_year: MaybeUndefined<i32>,
    /// New implementing body name.
    pub implementing_organization_name: MaybeUndefined<String>,
    /// New organizations with their roles.
    pub organizations: Option<Vec<InitiativeOrganizationInput>>,
    /// New topics.
    pub topic_ids: Option<Vec<ID>>,
    /// New target populations, replacing every locale.
    pub target_populations: Option<Vec<LocalizedTextInput>>,
    /// New summaries, replacing every locale.
    pub summaries: Option<Vec<LocalizedTextInput>>,
    /// New evidence ratings, at least one, replacing every stored rating.
    pub evidence: Option<Vec<EvidenceRatingInput>>,
    /// New legal basis.
    pub legal_basis: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of an initiative mutation.
#[derive(SimpleObject)]
pub struct InitiativePayload {
    /// The initiative after the change, or its current state on a conflict. Null when the
    /// input named no initiative.
    pub initiative: Option<Initiative>,
    /// Problems with the input, empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl InitiativePayload {
    fn rejected(initiative: Option<initiatives::Model>, checks: Checks) -> InitiativePayload {
        InitiativePayload { initiative: initiative.map(Initiative), user_errors: checks.errors }
    }
}

/// An initiative's links to other records, as row ids.
#[derive(Default, Clone, PartialEq)]
struct Links {
    topics: Vec<i32>,
    countries: Vec<i32>,
    participating: Vec<i32>,
    implementing: Vec<i32>,
    partners: Vec<i32>,
}

/// The link tables: (table, column, role), in the order of `Links::lists`.
const LINK_TABLES: [(&str, &str, Option<&str>); 5] = [
    ("initiative_topics", "topic_id", None),
    ("initiative_countries", "country_id", Some("implementing")),
    ("initiative_countries", "country_id", Some("participating")),
    ("initiative_organizations", "organization_id", Some("implementing")),
    ("initiative_organizations", "organization_id", Some("partner")),
];

impl Links {
    fn lists(&self) -> [&Vec<i32>; 5] {
        [&self.topics, &self.countries, &self.participating, &self.implementing, &self.partners]
    }

    fn lists_mut(&mut self) -> [&mut Vec<i32>; 5] {
        [&mut self.topics, &mut self.countries, &mut self.participating, &mut self.implementing, &mut self.partners]
    }

    async fn read(db: &impl ConnectionTrait, id: i32) -> ApiResult<Links> {
        let mut links = Links::default();
        for ((table, column, role), list) in LINK_TABLES.into_iter().zip(links.lists_mut()) {
            let mut select =
                Query::select().column(column).from(table).and_where(Expr::col("initiative_id").eq(id)).take();
            if let Some(role) = role {
                select.and_where(Expr::col("role").eq(role));
            }
            for row in db.query_all(&select).await? {
                list.push(row.try_get::<i32>("", column)?);
            }
            list.sort_unstable();
        }
        Ok(links)
    }

    async fn write(&self, db: &impl ConnectionTrait, id: i32) -> ApiResult<()> {
        for ((table, column, role), list) in LINK_TABLES.into_iter().zip(self.lists()) {
            let mut delete = Query::delete().from_table(table).and_where(Expr::col("initiative_id").eq(id)).take();
            if let Some(role) = role {
                delete.and_where(Expr::col("role").eq(role));
            }
            db.execute(&delete).await?;
            if list.is_empty() {
                continue;
            }
            let mut insert = Query::insert().into_table(table).take();
            match role {
                Some(role) => {
                    insert.columns(["initiative_id", column, "role"]);
                    for right in list {
                        insert
                            .values([id.into(), (*right).into(), role.into()])
                            .map_err(|err| ApiError::Unexpected(err.to_string()))?;
                    }
                }
                None => {
                    insert.columns(["initiative_id", column]);
                    for right in list {
                        insert
                            .values([id.into(), (*right).into()])
                            .map_err(|err| ApiError::Unexpected(err.to_string()))?;
                    }
                }
            }
            db.execute(&insert).await?;
        }
        Ok(())
    }

    /// Lists the organizations with their roles, for revision history.
    fn organizations_json(&self) -> Json {
        let implementing = self.implementing.iter().map(|id| (id, InitiativeRole::Implementing));
        let partners = self.partners.iter().map(|id| (id, InitiativeRole::Partner));
        Json::Array(
            implementing
                .chain(partners)
                .map(|(id, role)| {
                    json!({ "organizationId": encode_global_id("Organization", *id), "role": role.as_db() })
                })
                .collect(),
        )
    }
}

/// One checked evidence rating, as `evidence_ratings` stores it apart from its position.
#[derive(Clone, PartialEq, Debug)]
struct Rating {
    outcome: Option<String>,
    registry: Option<String>,
    rating_as_stated: Option<String>,
    level: String,
    study_count: Option<i32>,
    reviewed_on: Option<NaiveDate>,
    reviewed_precision: DatePrecision,
    method: Option<String>,
    basis: Option<String>,
    source_url: Option<String>,
}

impl Rating {
    fn from_model(model: evidence_ratings::Model) -> ApiResult<Rating> {
        Ok(Rating {
            reviewed_precision: stored("evidence_ratings.reviewed_precision", &model.reviewed_precision)?,
            outcome: model.outcome,
            registry: model.registry,
            rating_as_stated: model.rating_as_stated,
            level: model.level,
            study_count: model.study_count,
            reviewed_on: model.reviewed_on,
            method: model.method,
            basis: model.basis,
            source_url: model.source_url,
        })
    }

    fn to_json(&self) -> Json {
        let reviewed = self.reviewed_on.and_then(|date| match self.reviewed_precision {
            DatePrecision::Day => Some(date.format("%Y-%m-%d").to_string()),
            DatePrecision::Month => Some(date.format("%Y-%m").to_string()),
            DatePrecision::Year => Some(date.format("%Y").to_string()),
            DatePrecision::Unknown => None,
        });
        json!({
            "outcome": self.outcome,
            "registry": self.registry,
            "ratingAsStated": self.rating_as_stated,
            "level": self.level,
            "studyCount": self.study_count,
            "reviewed": reviewed,
            "method": self.method,
            "basis": self.basis,
            "sourceUrl": self.source_url,
        })
    }

    fn row(&self, initiative_id: i32, position: usize) -> evidence_ratings::ActiveModel {
        evidence_ratings::ActiveModel {
            id: ActiveValue::NotSet,
            initiative_id: ActiveValue::Set(initiative_id),
            position: ActiveValue::Set(i32::try_from(position).unwrap_or(i32::MAX)),
            outcome: ActiveValue::Set(self.outcome.clone()),
            registry: ActiveValue::Set(self.registry.clone()),
            rating_as_stated: ActiveValue::Set(self.rating_as_stated.clone()),
            level: ActiveValue::Set(self.level.clone()),
            study_count: ActiveValue::Set(self.study_count),
            reviewed_on: ActiveValue::Set(self.reviewed_on),
            reviewed_precision: ActiveValue::Set(self.reviewed_precision.as_db().to_owned()),
            method: ActiveValue::Set(self.method.clone()),
            basis: ActiveValue::Set(self.basis.clone()),
            source_url: ActiveValue::Set(self.source_url.clone()),
        }
    }
}

async fn read_evidence(db: &impl ConnectionTrait, id: i32) -> ApiResult<Vec<Rating>> {
    evidence_ratings::Entity::find()
        .filter(Expr::col(evidence_ratings::Column::InitiativeId).eq(id))
        .order_by_asc(evidence_ratings::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(Rating::from_model)
        .collect()
}

/// Replaces an initiative's evidence ratings, giving each its index as position.
async fn write_evidence(db: &impl ConnectionTrait, id: i32, ratings: &[Rating]) -> ApiResult<()> {
    evidence_ratings::Entity::delete_many()
        .filter(Expr::col(evidence_ratings::Column::InitiativeId).eq(id))
        .exec(db)
        .await?;
    if ratings.is_empty() {
        return Ok(());
    }
    let rows = ratings.iter().enumerate().map(|(position, rating)| rating.row(id, position));
    evidence_ratings::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// Parses a review date written as `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, whose form gives
/// its precision. Imprecise dates are stored as the first day of their period.
fn reviewed_date(checks: &mut Checks, field: &str, value: &str) -> (Option<NaiveDate>, DatePrecision) {
    const PATTERN: &str = "dddd-dd-dd";
    let value = value.trim();
    let (precision, full) = match value.len() {
        10 => (DatePrecision::Day, value.to_owned()),
        7 => (DatePrecision::Month, format!("{value}-01")),
        4 => (DatePrecision::Year, format!("{value}-01-01")),
        _ => (DatePrecision::Unknown, String::new()),
    };
    let shaped = value.chars().zip(PATTERN.chars()).all(|(c, p)| if p == 'd' { c.is_ascii_digit() } else { c == p });
    let parsed = NaiveDate::parse_from_str(&full, "%Y-%m-%d").ok().filter(|_| shaped);
    if parsed.is_none() {
        checks.add(
            field,
            UserErrorCode::Invalid,
            format!("\"{value}\" is not a date; write it as YYYY-MM-DD, YYYY-MM or YYYY, such as 2019-05"),
        );
        return (None, DatePrecision::Unknown);
    }
    (parsed, precision)
}

/// Checks evidence ratings, of which the data set requires at least one.
fn evidence_list(checks: &mut Checks, values: &[EvidenceRatingInput]) -> Vec<Rating> {
    if values.is_empty() {
        checks.add(
            "evidence",
            UserErrorCode::Required,
            "evidence is empty; give at least one rating, with level NOT_EVALUATED when no evaluation is known",
        );
    }
    let mut ratings = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        let field = |name: &str| format!("evidence.{i}.{name}");
        if let Some(count) = value.study_count
            && count < 0
        {
            checks.add(
                &field("studyCount"),
                UserErrorCode::Invalid,
                format!("{count} is negative; give the number of studies, 0 or more"),
            );
        }
        let reviewed = value.reviewed.as_deref().map(str::trim).filter(|text| !text.is_empty());
        let (reviewed_on, reviewed_precision) = match reviewed {
            Some(text) => reviewed_date(checks, &field("reviewed"), text),
            None => (None, DatePrecision::Unknown),
        };
        let source_url = value.source_url.as_deref().map(str::trim).filter(|url| !url.is_empty());
        ratings.push(Rating {
            outcome: checks.opt_text(&field("outcome"), value.outcome.as_deref(), SHORT_TEXT),
            registry: checks.opt_text(&field("registry"), value.registry.as_deref(), SHORT_TEXT),
            rating_as_stated: checks.opt_text(&field("ratingAsStated"), value.rating_as_stated.as_deref(), SHORT_TEXT),
            level: value.level.as_db().to_owned(),
            study_count: value.study_count,
            reviewed_on,
            reviewed_precision,
            method: checks.opt_text(&field("method"), value.method.as_deref(), SHORT_TEXT),
            basis: checks.opt_text(&field("basis"), value.basis.as_deref(), LONG_TEXT),
            source_url: source_url.map(|url| checks.url(&field("sourceUrl"), url)),
        });
    }
    ratings
}

/// Resolves organizations with their roles into the implementing and partner lists,
/// rejecting an organization listed twice.
async fn organization_links(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    values: &[InitiativeOrganizationInput],
    links: &mut Links,
) -> ApiResult<()> {
    links.implementing.clear();
    links.partners.clear();
    let mut seen = std::collections::HashSet::new();
    for (i, value) in values.iter().enumerate() {
        let field = format!("organizations.{i}.organizationId");
        let id = &value.organization_id;
        let Some(row) = resolve_id(db, checks, &field, Some(id), &ORGANIZATION_TYPES, "organizations").await? else {
            continue;
        };
        if !seen.insert(row) {
            checks.add(
                &field,
                UserErrorCode::Invalid,
                format!("\"{}\" is listed twice; give each organization one role", id.as_str()),
            );
            continue;
        }
        match value.role {
            InitiativeRole::Implementing => links.implementing.push(row),
            InitiativeRole::Partner => links.partners.push(row),
        }
    }
    links.implementing.sort_unstable();
    links.partners.sort_unstable();
    Ok(())
}

/// Resolves a list of country or topic ids.
async fn id_list(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    field: &str,
    ids: &[ID],
    type_name: &str,
    table: &'static str,
) -> ApiResult<Vec<i32>> {
    let mut rows = resolve_ids(db, checks, field, ids, &[type_name], table).await?;
    rows.sort_unstable();
    Ok(rows)
}

/// Reports each id of `ids` that names a country in `other`, because a country takes one
/// role per initiative.
fn check_overlap(checks: &mut Checks, field: &str, ids: &[ID], other: &[i32], other_field: &str) {
    for (i, id) in ids.iter().enumerate() {
        if let Ok((type_name, row)) = decode_global_id(id)
            && type_name == "Country"
            && other.contains(&row)
        {
            checks.add(
                &format!("{field}.{i}"),
                UserErrorCode::Invalid,
                format!("\"{}\" is also in {other_field}; list each country under one role", id.as_str()),
            );
        }
    }
}

/// Reports an end year before the start year, on `field`.
fn check_years(checks: &mut Checks, field: &str, model: &initiatives::Model) {
    if let (Some(start), Some(end)) = (model.start_year, model.end_year)
        && end < start
    {
        checks.add(
            field,
            UserErrorCode::Invalid,
            format!("endYear {end} is before startYear {start}; correct one of them"),
        );
    }
}

/// Builds the fields that revision history records, under their input names.
fn snapshot(model: &initiatives::Model, links: &Links, evidence: &[Rating]) -> Map<String, Json> {
    let ids = |type_name: &str, ids: &[i32]| {
        Json::from(ids.iter().map(|id| encode_global_id(type_name, *id)).collect::<Vec<_>>())
    };
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("networkId".into(), json!(model.network_id.map(|id| encode_global_id("Network", id))));
    map.insert("names".into(), model.names.clone());
    map.insert("officialName".into(), json!(model.official_name));
    map.insert("originalLanguage".into(), json!(model.original_language));
    map.insert("kind".into(), json!(model.kind));
    map.insert("international".into(), json!(model.international));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("countryIds".into(), ids("Country", &links.countries));
    map.insert("participatingCountryIds".into(), ids("Country", &links.participating));
    map.insert("jurisdiction".into(), json!(model.jurisdiction));
    map.insert("startYear".into(), json!(model.start_year));
    map.insert("endYear".into(), json!(model.end_year));
    map.insert("implementingOrganizationName".into(), json!(model.implementing_organization_name));
    map.insert("organizations".into(), links.organizations_json());
    map.insert("topicIds".into(), ids("Topic", &links.topics));
    map.insert("targetPopulations".into(), model.target_populations.clone());
    map.insert("summaries".into(), model.summaries.clone());
    map.insert("evidence".into(), Json::Array(evidence.iter().map(Rating::to_json).collect()));
    map.insert("legalBasis".into(), json!(model.legal_basis));
    map.insert("notes".into(), json!(model.notes));
    map.insert("sources".into(), model.sources.clone());
    map
}

/// Recomputes the columns derived from the texts, as the importer does.
fn derive_search_columns(model: &mut initiatives::Model) {
    let mut search = all_texts(&model.names);
    search.extend(
        [
            model.official_name.as_deref(),
            model.jurisdiction.as_deref(),
            model.implementing_organization_name.as_deref(),
        ]
        .into_iter()
        .flatten(),
    );
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.names));
}

async fn load(db: &impl ConnectionTrait, checks: &mut Checks, id: &ID) -> ApiResult<Option<initiatives::Model>> {
    let row = match decode_global_id(id) {
        Ok((type_name, row)) if type_name == "Initiative" => row,
        _ => {
            checks.add(
                "id",
                UserErrorCode::Invalid,
                format!("\"{}\" is not the id of an Initiative; copy the `id` field of one", id.as_str()),
            );
            return Ok(None);
        }
    };
    let found = initiatives::Entity::find_by_id(row).one(db).await?;
    if found.is_none() {
        checks.add("id", UserErrorCode::NotFound, format!("no Initiative has the id \"{}\"", id.as_str()));
    }
    Ok(found)
}

/// Resolves the owning network of a new initiative and checks that the caller edits it.
/// Only admins may create an initiative without a network.
async fn create_owner(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    checks: &mut Checks,
    network: Option<&ID>,
) -> ApiResult<Option<i32>> {
    if network.is_none() || !viewer.is_editor() {
        require_editor(viewer, None)?;
    }
    let network_id = resolve_id(db, checks, "networkId", network, &["Network"], "networks").await?;
    if let Some(network) = network_id {
        require_editor(viewer, Some(network))?;
    }
    Ok(network_id)
}

/// Mutations on initiatives.
#[derive(Default)]
pub struct InitiativeMutations;

#[Object]
impl InitiativeMutations {
    /// Creates an initiative with its evidence ratings as a draft, in a network you edit.
    async fn create_initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateInitiativeInput,
    ) -> async_graphql::Result<InitiativePayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let network_id = create_owner(db, viewer, &mut checks, input.network_id.as_ref()).await?;
        let names = checks.texts("names", &input.names, SHORT_TEXT, true);
        let derived_slug = input.slug.is_none();
        let slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => free_slug(db, "initiatives", &slug_from(&default_text(&names), "initiative")).await?,
        };

        let mut links = Links {
            topics: id_list(db, &mut checks, "topicIds", &input.topic_ids, "Topic", "topics").await?,
            countries: id_list(db, &mut checks, "countryIds", &input.country_ids, "Country", "countries").await?,
            participating: id_list(
                db,
                &mut checks,
                "participatingCountryIds",
                &input.participating_country_ids,
                "Country",
                "countries",
            )
            .await?,
            ..Links::default()
        };
        check_overlap(
            &mut checks,
            "participatingCountryIds",
            &input.participating_country_ids,
            &links.countries,
            "countryIds",
        );
        organization_links(db, &mut checks, &input.organizations, &mut links).await?;
        let evidence = evidence_list(&mut checks, &input.evidence);

        let now = Utc::now();
        let mut model = initiatives::Model {
            id: 0,
            slug: slug.clone(),
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            names,
            official_name: checks.opt_text("officialName", input.official_name.as_deref(), SHORT_TEXT),
            original_language: checks.language("originalLanguage", &input.original_language),
            kind: input.kind.as_db().to_owned(),
            international: input.international,
            jurisdiction: checks.opt_text("jurisdiction", input.jurisdiction.as_deref(), SHORT_TEXT),
            start_year: checks.year("startYear", input.start_year),
            end_year: checks.year("endYear", input.end_year),
            implementing_organization_name: checks.opt_text(
                "implementingOrganizationName",
                input.implementing_organization_name.as_deref(),
                SHORT_TEXT,
            ),
            target_populations: checks.texts("targetPopulations", &input.target_populations, LONG_TEXT, false),
            summaries: checks.texts("summaries", &input.summaries, LONG_TEXT, false),
            legal_basis: checks.opt_text("legalBasis", input.legal_basis.as_deref(), SHORT_TEXT),
            network_id,
            notes: checks.opt_text("notes", input.notes.as_deref(), LONG_TEXT),
            editorial_status: ContentStatus::Draft.as_db().to_owned(),
            visibility: input.visibility.as_db().to_owned(),
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: viewer.member_id(),
        };
        check_years(&mut checks, "endYear", &model);
        derive_search_columns(&mut model);
        if !checks.passed() {
            return Ok(InitiativePayload::rejected(None, checks));
        }

        let txn = db.begin().await?;
        let mut attempts = 0;
        let inserted = loop {
            let mut active = model.clone().into_active_model();
            active.id = ActiveValue::NotSet;
            // A savepoint keeps the transaction usable on PostgreSQL after a unique violation.
            let savepoint = txn.begin().await?;
            match active.insert(&savepoint).await {
                Ok(inserted) => {
                    savepoint.commit().await?;
                    break inserted;
                }
                Err(err) => {
                    savepoint.rollback().await?;
                    attempts += 1;
                    let duplicate = matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)));
                    // A derived slug taken by a concurrent create gets the next free suffix.
                    if derived_slug && duplicate && attempts < 5 {
                        let free =
                            free_slug(db, "initiatives", &slug_from(&default_text(&model.names), "initiative")).await?;
                        model.slug = format!("{free}-{}", random_suffix()?);
                        continue;
                    }
                    duplicate_or(err, &mut checks, "slug", &model.slug)?;
                    return Ok(InitiativePayload::rejected(None, checks));
                }
            }
        };
        links.write(&txn, inserted.id).await?;
        write_evidence(&txn, inserted.id, &evidence).await?;
        let changed = changes(&Map::new(), &snapshot(&inserted, &links, &evidence));
        record_revision(&txn, viewer, "initiative", inserted.id, 1, RevisionAction::Create, changed).await?;
        txn.commit().await?;
        Ok(InitiativePayload { initiative: Some(Initiative(inserted)), user_errors: Vec::new() })
    }

    /// Changes an initiative's fields, links and evidence ratings, if `expectedVersion` is
    /// still its version.
    async fn update_initiative(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateInitiativeInput,
    ) -> async_graphql::Result<InitiativePayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = load(db, &mut checks, &input.id).await? else {
            return Ok(InitiativePayload::rejected(None, checks));
        };
        require_editor(viewer, current.network_id)?;
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(InitiativePayload::rejected(Some(current), checks));
        }

        let mut model = current.clone();
        match &input.network_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => {
                require_editor(viewer, None)?;
                model.network_id = None;
            }
            MaybeUndefined::Value(network) => {
                model.network_id =
                    resolve_id(db, &mut checks, "networkId", Some(network), &["Network"], "networks").await?;
                if model.network_id.is_some() {
                    require_editor(viewer, model.network_id)?;
                }
            }
        }
        apply_fields(&mut checks, &input, &mut model);

        let current_links = Links::read(db, current.id).await?;
        let mut links = current_links.clone();
        apply_links(db, &mut checks, &input, &mut links).await?;
        let current_evidence = read_evidence(db, current.id).await?;
        let evidence = match &input.evidence {
            Some(values) => evidence_list(&mut checks, values),
            None => current_evidence.clone(),
        };
        derive_search_columns(&mut model);
        if !checks.passed() {
            return Ok(InitiativePayload::rejected(Some(current), checks));
        }

        let changed =
            changes(&snapshot(&current, &current_links, &current_evidence), &snapshot(&model, &links, &evidence));
        if changed.is_empty() {
            return Ok(InitiativePayload { initiative: Some(Initiative(current)), user_errors: Vec::new() });
        }

        model.version = current.version + 1;
        model.updated_at = Utc::now();
        let slug = model.slug.clone();
        let txn = db.begin().await?;
        // The version condition makes the write itself the check, so two concurrent updates
        // of one version cannot both succeed.
        let mut active = model.clone().into_active_model().reset_all();
        active.id = ActiveValue::Unchanged(current.id);
        let update = initiatives::Entity::update_many()
            .set(active)
            .filter(Expr::col(initiatives::Column::Id).eq(current.id))
            .filter(Expr::col(initiatives::Column::Version).eq(current.version))
            .exec(&txn)
            .await;
        let updated = match update {
            Ok(result) => result.rows_affected,
            Err(err) => {
                duplicate_or(err, &mut checks, "slug", &slug)?;
                return Ok(InitiativePayload::rejected(Some(current), checks));
            }
        };
        if updated == 0 {
            txn.rollback().await?;
            return Ok(conflict(db, current.id, input.expected_version).await?);
        }
        if links != current_links {
            links.write(&txn, current.id).await?;
        }
        if evidence != current_evidence {
            write_evidence(&txn, current.id, &evidence).await?;
        }
        record_revision(&txn, viewer, "initiative", current.id, model.version, RevisionAction::Update, changed).await?;
        txn.commit().await?;
        Ok(InitiativePayload { initiative: Some(Initiative(model)), user_errors: Vec::new() })
    }
}

/// Applies and checks the column fields an update names. Links, evidence and the network
/// are handled elsewhere.
fn apply_fields(checks: &mut Checks, input: &UpdateInitiativeInput, model: &mut initiatives::Model) {
    if let Some(slug) = &input.slug {
        model.slug = checks.slug("slug", slug);
    }
    if let Some(names) = &input.names {
        model.names = checks.texts("names", names, SHORT_TEXT, true);
    }
    if let Some(language) = &input.original_language {
        model.original_language = checks.language("originalLanguage", language);
    }
    if let Some(kind) = input.kind {
        model.kind = kind.as_db().to_owned();
    }
    if let Some(international) = input.international {
        model.international = international;
    }
    if let Some(visibility) = input.visibility {
        model.visibility = visibility.as_db().to_owned();
    }

    if let Some(values) = &input.target_populations {
        model.target_populations = checks.texts("targetPopulations", values, LONG_TEXT, false);
    }
    if let Some(values) = &input.summaries {
        model.summaries = checks.texts("summaries", values, LONG_TEXT, false);
    }
    if let Some(values) = &input.sources {
        model.sources = checks.sources("sources", values);
    }

    let texts = [
        ("officialName", &input.official_name, &mut model.official_name, SHORT_TEXT),
        ("jurisdiction", &input.jurisdiction, &mut model.jurisdiction, SHORT_TEXT),
        (
            "implementingOrganizationName",
            &input.implementing_organization_name,
            &mut model.implementing_organization_name,
            SHORT_TEXT,
        ),
        ("legalBasis", &input.legal_basis, &mut model.legal_basis, SHORT_TEXT),
        ("notes", &input.notes, &mut model.notes, LONG_TEXT),
    ];
    for (field, value, column, max) in texts {
        match value {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => *column = None,
            MaybeUndefined::Value(text) => *column = checks.opt_text(field, Some(text), max),
        }
    }

    let years =
        [("startYear", input.start_year, &mut model.start_year), ("endYear", input.end_year, &mut model.end_year)];
    for (field, value, column) in years {
        match value {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => *column = None,
            MaybeUndefined::Value(year) => *column = checks.year(field, Some(year)),
        }
    }

    // The problem is reported on the year the caller changed, and on endYear when both changed.
    if !input.end_year.is_undefined() {
        check_years(checks, "endYear", model);
    } else if !input.start_year.is_undefined() {
        check_years(checks, "startYear", model);
    }
}

/// Applies and checks the link lists an update names. Each list given replaces the stored one.
async fn apply_links(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    input: &UpdateInitiativeInput,
    links: &mut Links,
) -> ApiResult<()> {
    if let Some(ids) = &input.topic_ids {
        links.topics = id_list(db, checks, "topicIds", ids, "Topic", "topics").await?;
    }
    if let Some(ids) = &input.country_ids {
        links.countries = id_list(db, checks, "countryIds", ids, "Country", "countries").await?;
    }
    if let Some(ids) = &input.participating_country_ids {
        links.participating = id_list(db, checks, "participatingCountryIds", ids, "Country", "countries").await?;
    }
    // A country listed under both roles is reported on the list the caller sent, and on
    // participatingCountryIds when both were sent, as the importer does.
    match (&input.country_ids, &input.participating_country_ids) {
        (_, Some(ids)) => check_overlap(checks, "participatingCountryIds", ids, &links.countries, "countryIds"),
        (Some(ids), None) => check_overlap(checks, "countryIds", ids, &links.participating, "participatingCountryIds"),
        (None, None) => {}
    }
    if let Some(values) = &input.organizations {
        organization_links(db, checks, values, links).await?;
    }
    Ok(())
}

async fn conflict(db: &impl ConnectionTrait, id: i32, expected: i32) -> ApiResult<InitiativePayload> {
    let mut checks = Checks::default();
    let current = initiatives::Entity::find_by_id(id).one(db).await?;
    let version = current.as_ref().map_or(expected, |current| current.version);
    check_version(&mut checks, version, expected);
    if checks.passed() {
        // The row changed and changed back during this update, so report it as a conflict anyway.
        checks.add(
            "expectedVersion",
            UserErrorCode::Conflict,
            "the record changed while this update ran; reload it and try again",
        );
    }
    Ok(InitiativePayload::rejected(current, checks))
}
