//! Mutations on publications: create and update. Life-cycle changes are shared by every
//! kind and live in the lifecycle module.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::Utc;
use entities::publications;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, TransactionTrait};
use serde_json::{Map, Value as Json, json};

use super::common::{database, viewer};
use super::content::Publication;
use super::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, changes, check_version, duplicate_or,
    record_revision, require_editor, resolve_id, resolve_ids,
};
use super::write_support::{free_slug, random_suffix, slug_from};
use crate::enums::{ContentStatus, PublicationKind, RevisionAction, Visibility};
use crate::error::{ApiError, ApiResult};
use crate::ids::{decode_global_id, encode_global_id};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

const ORGANIZATION_TYPES: [&str; 2] = ["Organization", "PoliceInstitution"];
const IDENTIFIER_SCHEMES: [&str; 6] =
    ["doi", "isbn", "sales_number", "document_symbol", "report_number", "document_number"];

/// A link to a publication's file or page.
#[derive(InputObject, Clone, Debug)]
pub struct PublicationLinkInput {
    /// Address of the file or page.
    pub url: String,
    /// Language of the file or page (ISO 639-1), when known.
    pub language: Option<String>,
}

/// A standard identifier of a publication.
#[derive(InputObject, Clone, Debug)]
pub struct PublicationIdentifierInput {
    /// `doi`, `isbn`, `sales_number`, `document_symbol`, `report_number` or `document_number`.
    pub scheme: String,
    /// The identifier.
    pub value: String,
}

/// A new publication; it starts as a draft.
#[derive(InputObject)]
pub struct CreatePublicationInput {
    /// Stable key; derived from the title when left out.
    pub slug: Option<String>,
    /// The network whose editors maintain the publication; you must edit in it.
    pub network_id: ID,
    /// Title in one or more locales.
    pub titles: Vec<LocalizedTextInput>,
    /// The kind of publication.
    pub kind: PublicationKind,
    /// Language of the original (ISO 639-1), such as `es`.
    pub original_language: String,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Summary in one or more locales.
    #[graphql(default)]
    pub summaries: Vec<LocalizedTextInput>,
    /// The publishing organization.
    pub publisher_id: Option<ID>,
    /// The publisher's name as printed.
    pub publisher_name: Option<String>,
    /// Year of publication.
    pub year: Option<i32>,
    /// Languages it is available in (ISO 639-1).
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Topics it covers.
    #[graphql(default)]
    pub topic_ids: Vec<ID>,
    /// Countries it covers.
    #[graphql(default)]
    pub country_ids: Vec<ID>,
    /// Initiatives it discusses.
    #[graphql(default)]
    pub initiative_ids: Vec<ID>,
    /// Organizations that co-published it.
    #[graphql(default)]
    pub co_publisher_ids: Vec<ID>,
    /// Other organizations it concerns.
    #[graphql(default)]
    pub related_organization_ids: Vec<ID>,
    /// Links to its files or pages.
    #[graphql(default)]
    pub links: Vec<PublicationLinkInput>,
    /// Standard identifiers.
    #[graphql(default)]
    pub identifiers: Vec<PublicationIdentifierInput>,
    /// Series title.
    pub series: Option<String>,
    /// Edition.
    pub edition: Option<String>,
    /// Recommended citation.
    pub citation: Option<String>,
    /// License.
    pub license: Option<String>,
    /// Editorial notes.
    pub notes: Option<String>,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a publication. Fields left out keep their value; `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdatePublicationInput {
    /// The publication's id.
    pub id: ID,
    /// The `version` you loaded; a newer stored version rejects the update with CONFLICT.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New owning network; you must edit in both networks.
    pub network_id: Option<ID>,
    /// New titles; replaces every locale.
    pub titles: Option<Vec<LocalizedTextInput>>,
    /// New kind.
    pub kind: Option<PublicationKind>,
    /// New original language.
    pub original_language: Option<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New summaries; replaces every locale.
    pub summaries: Option<Vec<LocalizedTextInput>>,
    /// New publishing organization.
    pub publisher_id: MaybeUndefined<ID>,
    /// New publisher name.
    pub publisher_name: MaybeUndefined<String>,
    /// New year.
    pub year: MaybeUndefined<i32>,
    /// New languages.
    pub languages: Option<Vec<String>>,
    /// New topics.
    pub topic_ids: Option<Vec<ID>>,
    /// New countries.
    pub country_ids: Option<Vec<ID>>,
    /// New initiatives.
    pub initiative_ids: Option<Vec<ID>>,
    /// New co-publishers.
    pub co_publisher_ids: Option<Vec<ID>>,
    /// New related organizations.
    pub related_organization_ids: Option<Vec<ID>>,
    /// New links.
    pub links: Option<Vec<PublicationLinkInput>>,
    /// New identifiers.
    pub identifiers: Option<Vec<PublicationIdentifierInput>>,
    /// New series title.
    pub series: MaybeUndefined<String>,
    /// New edition.
    pub edition: MaybeUndefined<String>,
    /// New citation.
    pub citation: MaybeUndefined<String>,
    /// New license.
    pub license: MaybeUndefined<String>,
    /// New notes.
    pub notes: MaybeUndefined<String>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a publication mutation.
#[derive(SimpleObject)]
pub struct PublicationPayload {
    /// The publication after the change; on a conflict, its current state; null when the
    /// input named no publication.
    pub publication: Option<Publication>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

impl PublicationPayload {
    fn rejected(publication: Option<publications::Model>, checks: Checks) -> PublicationPayload {
        PublicationPayload { publication: publication.map(Publication), user_errors: checks.errors }
    }
}

/// A publication's links to other records, as row ids.
#[derive(Default, Clone, PartialEq)]
struct Links {
    topics: Vec<i32>,
    countries: Vec<i32>,
    initiatives: Vec<i32>,
    co_publishers: Vec<i32>,
    related: Vec<i32>,
}

/// The link tables: (field, table, column, role).
const LINK_TABLES: [(&str, &str, &str, Option<&str>); 5] = [
    ("topicIds", "publication_topics", "topic_id", None),
    ("countryIds", "publication_countries", "country_id", None),
    ("initiativeIds", "publication_initiatives", "initiative_id", None),
    ("coPublisherIds", "publication_organizations", "organization_id", Some("co_publisher")),
    ("relatedOrganizationIds", "publication_organizations", "organization_id", Some("related")),
];

impl Links {
    fn lists(&self) -> [&Vec<i32>; 5] {
        [&self.topics, &self.countries, &self.initiatives, &self.co_publishers, &self.related]
    }

    fn lists_mut(&mut self) -> [&mut Vec<i32>; 5] {
        [&mut self.topics, &mut self.countries, &mut self.initiatives, &mut self.co_publishers, &mut self.related]
    }

    async fn read(db: &impl ConnectionTrait, id: i32) -> ApiResult<Links> {
        let mut links = Links::default();
        for ((_, table, column, role), list) in LINK_TABLES.into_iter().zip(links.lists_mut()) {
            let mut select =
                Query::select().column(column).from(table).and_where(Expr::col("publication_id").eq(id)).take();
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
        for ((_, table, column, role), list) in LINK_TABLES.into_iter().zip(self.lists()) {
            let mut delete = Query::delete().from_table(table).and_where(Expr::col("publication_id").eq(id)).take();
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
                    insert.columns(["publication_id", column, "role"]);
                    for right in list {
                        insert
                            .values([id.into(), (*right).into(), role.into()])
                            .map_err(|err| ApiError::Unexpected(err.to_string()))?;
                    }
                }
                None => {
                    insert.columns(["publication_id", column]);
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
}

/// Builds the fields that revision history records, under their input names.
fn snapshot(model: &publications::Model, links: &Links) -> Map<String, Json> {
    let ids = |type_name: &str, ids: &[i32]| {
        Json::from(ids.iter().map(|id| encode_global_id(type_name, *id)).collect::<Vec<_>>())
    };
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("networkId".into(), json!(model.network_id.map(|id| encode_global_id("Network", id))));
    map.insert("titles".into(), model.titles.clone());
    map.insert("kind".into(), json!(model.kind));
    map.insert("originalLanguage".into(), json!(model.original_language));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("summaries".into(), model.abstracts.clone());
    map.insert("publisherId".into(), json!(model.publisher_id.map(|id| encode_global_id("Organization", id))));
    map.insert("publisherName".into(), json!(model.publisher_name));
    map.insert("year".into(), json!(model.published_year));
    map.insert("languages".into(), model.languages.clone());
    map.insert("links".into(), model.links.clone());
    map.insert("identifiers".into(), model.identifiers.clone());
    map.insert("series".into(), json!(model.series));
    map.insert("edition".into(), json!(model.edition));
    map.insert("citation".into(), json!(model.citation));
    map.insert("license".into(), json!(model.license));
    map.insert("notes".into(), json!(model.notes));
    map.insert("sources".into(), model.sources.clone());
    let types = ["Topic", "Country", "Initiative", "Organization", "Organization"];
    for (((field, ..), list), type_name) in LINK_TABLES.into_iter().zip(links.lists()).zip(types) {
        map.insert(field.into(), ids(type_name, list));
    }
    map
}

fn languages(checks: &mut Checks, values: &[String]) -> Json {
    Json::Array(
        values
            .iter()
            .enumerate()
            .map(|(i, code)| Json::String(checks.language(&format!("languages.{i}"), code)))
            .collect(),
    )
}

fn link_list(checks: &mut Checks, values: &[PublicationLinkInput]) -> Json {
    let mut links = Vec::new();
    for (i, link) in values.iter().enumerate() {
        let url = checks.url(&format!("links.{i}.url"), &link.url);
        let language = link.language.as_deref().map(|code| checks.language(&format!("links.{i}.language"), code));
        links.push(json!({ "language": language, "url": url }));
    }
    Json::Array(links)
}

fn identifiers(checks: &mut Checks, values: &[PublicationIdentifierInput]) -> Json {
    let mut map = Map::new();
    for (i, identifier) in values.iter().enumerate() {
        let scheme = identifier.scheme.trim();
        if !IDENTIFIER_SCHEMES.contains(&scheme) {
            checks.add(
                &format!("identifiers.{i}.scheme"),
                UserErrorCode::Invalid,
                format!("unknown identifier scheme \"{scheme}\"; use one of: {}", IDENTIFIER_SCHEMES.join(", ")),
            );
            continue;
        }
        let value = checks.text(&format!("identifiers.{i}.value"), &identifier.value, SHORT_TEXT);
        map.insert(scheme.to_owned(), Json::String(value));
    }
    Json::Object(map)
}

/// Recomputes the columns derived from the texts.
fn derive_search_columns(model: &mut publications::Model) {
    let mut search = all_texts(&model.titles);
    search.extend([model.publisher_name.as_deref(), model.series.as_deref()].into_iter().flatten());
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.titles));
}

async fn load(db: &impl ConnectionTrait, checks: &mut Checks, id: &ID) -> ApiResult<Option<publications::Model>> {
    let row = match decode_global_id(id) {
        Ok((type_name, row)) if type_name == "Publication" => row,
        _ => {
            checks.add("id", UserErrorCode::Invalid, format!("\"{}\" is not the id of a Publication", id.as_str()));
            return Ok(None);
        }
    };
    let found = publications::Entity::find_by_id(row).one(db).await?;
    if found.is_none() {
        checks.add("id", UserErrorCode::NotFound, format!("no Publication has the id \"{}\"", id.as_str()));
    }
    Ok(found)
}

/// Mutations on publications.
#[derive(Default)]
pub struct PublicationMutations;

#[Object]
impl PublicationMutations {
    /// Creates a publication as a draft in a network you edit.
    async fn create_publication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreatePublicationInput,
    ) -> async_graphql::Result<PublicationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        if !viewer.is_editor() {
            require_editor(viewer, None)?;
        }
        let mut checks = Checks::default();
        let network_id =
            resolve_id(db, &mut checks, "networkId", Some(&input.network_id), &["Network"], "networks").await?;
        if let Some(network) = network_id {
            require_editor(viewer, Some(network))?;
        }
        let titles = checks.texts("titles", &input.titles, SHORT_TEXT, true);
        let derived_slug = input.slug.is_none();
        let slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => free_slug(db, "publications", &slug_from(&default_text(&titles), "publication")).await?,
        };
        let mut links = Links::default();
        for ((field, ..), (ids, list)) in LINK_TABLES.into_iter().zip(
            [
                &input.topic_ids,
                &input.country_ids,
                &input.initiative_ids,
                &input.co_publisher_ids,
                &input.related_organization_ids,
            ]
            .into_iter()
            .zip(links.lists_mut()),
        ) {
            let (types, table): (&[&str], &'static str) = match field {
                "topicIds" => (&["Topic"], "topics"),
                "countryIds" => (&["Country"], "countries"),
                "initiativeIds" => (&["Initiative"], "initiatives"),
                _ => (&ORGANIZATION_TYPES, "organizations"),
            };
            *list = resolve_ids(db, &mut checks, field, ids, types, table).await?;
            list.sort_unstable();
        }

        let now = Utc::now();
        let mut model = publications::Model {
            id: 0,
            slug: slug.clone(),
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            original_language: checks.language("originalLanguage", &input.original_language),
            titles,
            kind: input.kind.as_db().to_owned(),
            publisher_id: resolve_id(
                db,
                &mut checks,
                "publisherId",
                input.publisher_id.as_ref(),
                &ORGANIZATION_TYPES,
                "organizations",
            )
            .await?,
            publisher_name: checks.opt_text("publisherName", input.publisher_name.as_deref(), SHORT_TEXT),
            published_year: checks.year("year", input.year),
            languages: languages(&mut checks, &input.languages),
            links: link_list(&mut checks, &input.links),
            identifiers: identifiers(&mut checks, &input.identifiers),
            series: checks.opt_text("series", input.series.as_deref(), SHORT_TEXT),
            edition: checks.opt_text("edition", input.edition.as_deref(), SHORT_TEXT),
            citation: checks.opt_text("citation", input.citation.as_deref(), LONG_TEXT),
            license: checks.opt_text("license", input.license.as_deref(), SHORT_TEXT),
            abstracts: checks.texts("summaries", &input.summaries, LONG_TEXT, false),
            notes: checks.opt_text("notes", input.notes.as_deref(), LONG_TEXT),
            editorial_status: ContentStatus::Draft.as_db().to_owned(),
            visibility: input.visibility.as_db().to_owned(),
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: viewer.member_id(),
            network_id,
        };
        derive_search_columns(&mut model);
        if !checks.passed() {
            return Ok(PublicationPayload::rejected(None, checks));
        }

        let txn = db.begin().await?;
        let mut attempts = 0;
        let inserted = loop {
            let mut active = model.clone().into_active_model();
            active.id = sea_orm::ActiveValue::NotSet;
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
                            free_slug(db, "publications", &slug_from(&default_text(&model.titles), "publication"))
                                .await?;
                        model.slug = format!("{free}-{}", random_suffix()?);
                        continue;
                    }
                    duplicate_or(err, &mut checks, "slug", &model.slug)?;
                    return Ok(PublicationPayload::rejected(None, checks));
                }
            }
        };
        links.write(&txn, inserted.id).await?;
        let changed = changes(&Map::new(), &snapshot(&inserted, &links));
        record_revision(&txn, viewer, "publication", inserted.id, 1, RevisionAction::Create, changed).await?;
        txn.commit().await?;
        Ok(PublicationPayload { publication: Some(Publication(inserted)), user_errors: Vec::new() })
    }

    /// Changes a publication's fields, if `expectedVersion` is still its version.
    async fn update_publication(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdatePublicationInput,
    ) -> async_graphql::Result<PublicationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        let mut checks = Checks::default();
        let Some(current) = load(db, &mut checks, &input.id).await? else {
            return Ok(PublicationPayload::rejected(None, checks));
        };
        require_editor(viewer, current.network_id)?;
        if !check_version(&mut checks, current.version, input.expected_version) {
            return Ok(PublicationPayload::rejected(Some(current), checks));
        }

        let current_links = Links::read(db, current.id).await?;
        let mut model = current.clone();
        let mut links = current_links.clone();
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(network) = &input.network_id {
            model.network_id =
                resolve_id(db, &mut checks, "networkId", Some(network), &["Network"], "networks").await?;
            if model.network_id.is_some() {
                require_editor(viewer, model.network_id)?;
            }
        }
        if let Some(titles) = &input.titles {
            model.titles = checks.texts("titles", titles, SHORT_TEXT, true);
        }
        if let Some(kind) = input.kind {
            model.kind = kind.as_db().to_owned();
        }
        if let Some(language) = &input.original_language {
            model.original_language = checks.language("originalLanguage", language);
        }
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(summaries) = &input.summaries {
            model.abstracts = checks.texts("summaries", summaries, LONG_TEXT, false);
        }
        match &input.publisher_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.publisher_id = None,
            MaybeUndefined::Value(id) => {
                model.publisher_id =
                    resolve_id(db, &mut checks, "publisherId", Some(id), &ORGANIZATION_TYPES, "organizations").await?;
            }
        }
        let texts = [
            ("publisherName", &input.publisher_name, &mut model.publisher_name, SHORT_TEXT),
            ("series", &input.series, &mut model.series, SHORT_TEXT),
            ("edition", &input.edition, &mut model.edition, SHORT_TEXT),
            ("citation", &input.citation, &mut model.citation, LONG_TEXT),
            ("license", &input.license, &mut model.license, SHORT_TEXT),
            ("notes", &input.notes, &mut model.notes, LONG_TEXT),
        ];
        for (field, value, column, max) in texts {
            match value {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => *column = None,
                MaybeUndefined::Value(text) => *column = checks.opt_text(field, Some(text), max),
            }
        }
        match input.year {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.published_year = None,
            MaybeUndefined::Value(year) => model.published_year = checks.year("year", Some(year)),
        }
        if let Some(values) = &input.languages {
            model.languages = languages(&mut checks, values);
        }
        if let Some(values) = &input.links {
            model.links = link_list(&mut checks, values);
        }
        if let Some(values) = &input.identifiers {
            model.identifiers = identifiers(&mut checks, values);
        }
        if let Some(values) = &input.sources {
            model.sources = checks.sources("sources", values);
        }
        let inputs = [
            &input.topic_ids,
            &input.country_ids,
            &input.initiative_ids,
            &input.co_publisher_ids,
            &input.related_organization_ids,
        ];
        for (((field, ..), ids), list) in LINK_TABLES.into_iter().zip(inputs).zip(links.lists_mut()) {
            let Some(ids) = ids else { continue };
            let (types, table): (&[&str], &'static str) = match field {
                "topicIds" => (&["Topic"], "topics"),
                "countryIds" => (&["Country"], "countries"),
                "initiativeIds" => (&["Initiative"], "initiatives"),
                _ => (&ORGANIZATION_TYPES, "organizations"),
            };
            *list = resolve_ids(db, &mut checks, field, ids, types, table).await?;
            list.sort_unstable();
        }
        derive_search_columns(&mut model);
        if !checks.passed() {
            return Ok(PublicationPayload::rejected(Some(current), checks));
        }

        let changed = changes(&snapshot(&current, &current_links), &snapshot(&model, &links));
        if changed.is_empty() {
            return Ok(PublicationPayload { publication: Some(Publication(current)), user_errors: Vec::new() });
        }

        model.version = current.version + 1;
        model.updated_at = Utc::now();
        let slug = model.slug.clone();
        let txn = db.begin().await?;
        // The version condition makes the write itself the check, so two concurrent updates
        // of one version cannot both succeed.
        let mut active = model.clone().into_active_model().reset_all();
        active.id = sea_orm::ActiveValue::Unchanged(current.id);
        let update = publications::Entity::update_many()
            .set(active)
            .filter(Expr::col(publications::Column::Id).eq(current.id))
            .filter(Expr::col(publications::Column::Version).eq(current.version))
            .exec(&txn)
            .await;
        let updated = match update {
            Ok(result) => result.rows_affected,
            Err(err) => {
                duplicate_or(err, &mut checks, "slug", &slug)?;
                return Ok(PublicationPayload::rejected(Some(current), checks));
            }
        };
        if updated == 0 {
            txn.rollback().await?;
            return Ok(conflict(db, current.id, input.expected_version).await?);
        }
        if links != current_links {
            links.write(&txn, current.id).await?;
        }
        record_revision(&txn, viewer, "publication", current.id, model.version, RevisionAction::Update, changed)
            .await?;
        txn.commit().await?;
        Ok(PublicationPayload { publication: Some(Publication(model)), user_errors: Vec::new() })
    }
}

async fn conflict(db: &impl ConnectionTrait, id: i32, expected: i32) -> ApiResult<PublicationPayload> {
    let mut checks = Checks::default();
    let current = publications::Entity::find_by_id(id).one(db).await?;
    let version = current.as_ref().map_or(expected, |current| current.version);
    check_version(&mut checks, version, expected);
    if checks.passed() {
        // The row changed and changed back within the race; report it as a conflict anyway.
        checks.add(
            "expectedVersion",
            UserErrorCode::Conflict,
            "the record changed while this update ran; reload it and try again",
        );
    }
    Ok(PublicationPayload::rejected(current, checks))
}
