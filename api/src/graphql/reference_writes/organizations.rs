//! Organizations and police institutions: create and update, for admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entities::organizations;
use serde_json::{Map, Value as Json, json};

use crate::enums::{JurisdictionLevel, OrganizationKind, PoliceKind, Visibility};
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, resolve_id,
};
use crate::graphql::lifecycle::require_owner_editor;
use crate::graphql::organizations::{Organization, PoliceInstitution};
use crate::graphql::write_support::{
    apply_text, apply_url, free_slug, global, load_for_update, new_editorial_columns, save, slug_from,
};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// A new organization other than a police institution, such as a university or an agency.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Stable key; derived from the English name when left out.
    pub slug: Option<String>,
    /// Name in one or more locales.
    pub names: Vec<LocalizedTextInput>,
    /// Acronym in one or more locales.
    #[graphql(default)]
    pub acronyms: Vec<LocalizedTextInput>,
    /// Kind of organization; police institutions have their own mutations.
    pub kind: OrganizationKind,
    /// Country the organization is based in.
    pub country_id: Option<ID>,
    /// City.
    pub city: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// The organization it is part of.
    pub parent_id: Option<ID>,
    /// Founding date as published, such as `1948` or `1948-04-30`.
    pub founded: Option<String>,
    /// Editorial note.
    pub note: Option<String>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to an organization; fields left out keep their value and `null` clears an
/// optional one.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The organization's id.
    pub id: ID,
    /// The `editorial.version` you loaded.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New names; replaces every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// New acronyms; replaces every locale.
    pub acronyms: Option<Vec<LocalizedTextInput>>,
    /// New kind (not POLICE_INSTITUTION).
    pub kind: Option<OrganizationKind>,
    /// New country.
    pub country_id: MaybeUndefined<ID>,
    /// New city.
    pub city: MaybeUndefined<String>,
    /// New website.
    pub website: MaybeUndefined<String>,
    /// New parent organization.
    pub parent_id: MaybeUndefined<ID>,
    /// New founding date as published.
    pub founded: MaybeUndefined<String>,
    /// New note.
    pub note: MaybeUndefined<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of an organization mutation.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization after the change, or its current state when the change was rejected.
    pub organization: Option<Organization>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

/// A new police institution.
#[derive(InputObject)]
pub struct CreatePoliceInstitutionInput {
    /// Stable key; derived from the official name when left out.
    pub slug: Option<String>,
    /// Name in its own language, spelled as the institution spells it.
    pub official_name: String,
    /// Language of the official name (ISO 639-1).
    pub official_name_language: String,
    /// Name in one or more locales.
    pub names: Vec<LocalizedTextInput>,
    /// Acronym, such as `PNC`.
    pub acronym: Option<String>,
    /// Country of the institution.
    pub country_id: ID,
    /// Kind of police force.
    pub kind: PoliceKind,
    /// Level of government it reports to.
    pub level: JurisdictionLevel,
    /// Whether it still operates; defaults to true.
    #[graphql(default = true)]
    pub active: bool,
    /// Year it was founded.
    pub founded_year: Option<i32>,
    /// Website.
    pub website: Option<String>,
    /// Latitude of its headquarters, from -90 to 90.
    pub latitude: Option<f64>,
    /// Longitude of its headquarters, from -180 to 180.
    pub longitude: Option<f64>,
    /// Editorial note.
    pub note: Option<String>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a police institution; fields left out keep their value and `null` clears an
/// optional one.
#[derive(InputObject)]
pub struct UpdatePoliceInstitutionInput {
    /// The institution's id.
    pub id: ID,
    /// The `editorial.version` you loaded.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// New official name.
    pub official_name: Option<String>,
    /// New language of the official name.
    pub official_name_language: Option<String>,
    /// New names; replaces every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// New acronym.
    pub acronym: MaybeUndefined<String>,
    /// New country.
    pub country_id: Option<ID>,
    /// New kind.
    pub kind: Option<PoliceKind>,
    /// New level.
    pub level: Option<JurisdictionLevel>,
    /// Whether it still operates.
    pub active: Option<bool>,
    /// New founding year.
    pub founded_year: MaybeUndefined<i32>,
    /// New website.
    pub website: MaybeUndefined<String>,
    /// New latitude.
    pub latitude: MaybeUndefined<f64>,
    /// New longitude.
    pub longitude: MaybeUndefined<f64>,
    /// New note.
    pub note: MaybeUndefined<String>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a police-institution mutation.
#[derive(SimpleObject)]
pub struct PoliceInstitutionPayload {
    /// The institution after the change, or its current state when the change was rejected.
    pub police_institution: Option<PoliceInstitution>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn organization_snapshot(model: &organizations::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("names".into(), model.names.clone());
    map.insert("acronyms".into(), model.acronyms.clone());
    map.insert("kind".into(), json!(model.kind));
    map.insert("countryId".into(), global("Country", model.country_id));
    map.insert("city".into(), json!(model.city));
    map.insert("website".into(), json!(model.website));
    map.insert("parentId".into(), global("Organization", model.parent_id));
    map.insert("founded".into(), json!(model.founded));
    map.insert("note".into(), json!(model.note));
    map.insert("officialName".into(), json!(model.official_name));
    map.insert("officialNameLanguage".into(), json!(model.official_name_language));
    map.insert("policeKind".into(), json!(model.police_kind));
    map.insert("level".into(), json!(model.level));
    map.insert("active".into(), json!(model.active));
    map.insert("foundedYear".into(), json!(model.founded_year));
    map.insert("latitude".into(), json!(model.latitude));
    map.insert("longitude".into(), json!(model.longitude));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

fn organization_search_columns(model: &mut organizations::Model) {
    let mut search = all_texts(&model.names);
    search.extend(all_texts(&model.acronyms));
    if let Some(official) = &model.official_name {
        search.push(official.as_str());
    }
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = match &model.official_name {
        Some(official) => fold(official),
        None => fold(&default_text(&model.names)),
    };
}

fn coordinates(checks: &mut Checks, latitude: Option<f64>, longitude: Option<f64>) {
    if let Some(latitude) = latitude
        && !(-90.0..=90.0).contains(&latitude)
    {
        checks.add("latitude", UserErrorCode::Invalid, format!("{latitude} is outside -90 to 90; give degrees north"));
    }
    if let Some(longitude) = longitude
        && !(-180.0..=180.0).contains(&longitude)
    {
        checks.add(
            "longitude",
            UserErrorCode::Invalid,
            format!("{longitude} is outside -180 to 180; give degrees east"),
        );
    }
}

/// Mutations on organizations and police institutions.
#[derive(Default)]
pub struct OrganizationMutations;

#[Object]
impl OrganizationMutations {
    /// Creates an organization other than a police institution, as a draft (admins only).
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();
        if input.kind == OrganizationKind::PoliceInstitution {
            checks.add(
                "kind",
                UserErrorCode::Invalid,
                "police institutions are created with createPoliceInstitution, which records their level and kind",
            );
        }
        let names = checks.texts("names", &input.names, SHORT_TEXT, true);
        let slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => {
                free_slug(db, "organizations", &slug_from(&format!("org {}", &default_text(&names)), "org")).await?
            }
        };
        let country_id =
            resolve_id(db, &mut checks, "countryId", input.country_id.as_ref(), &["Country"], "countries").await?;
        let parent_id = resolve_id(
            db,
            &mut checks,
            "parentId",
            input.parent_id.as_ref(),
            &["Organization", "PoliceInstitution"],
            "organizations",
        )
        .await?;
        let (status, visibility, now, by) = new_editorial_columns(viewer, input.visibility);

        let mut model = organizations::Model {
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
            acronyms: checks.texts("acronyms", &input.acronyms, SHORT_TEXT, false),
            kind: input.kind.as_db().to_owned(),
            country_id,
            city: checks.opt_text("city", input.city.as_deref(), SHORT_TEXT),
            website: input.website.as_deref().map(|url| checks.url("website", url)),
            parent_id,
            founded: checks.opt_text("founded", input.founded.as_deref(), SHORT_TEXT),
            note: checks.opt_text("note", input.note.as_deref(), LONG_TEXT),
            official_name: None,
            official_name_language: None,
            police_kind: None,
            level: None,
            active: true,
            founded_year: None,
            latitude: None,
            longitude: None,
            editorial_status: status,
            visibility,
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: by,
        };
        organization_search_columns(&mut model);

        if !checks.passed() {
            return Ok(OrganizationPayload { organization: None, user_errors: checks.errors });
        }
        let after = organization_snapshot(&model);

        let saved =
            save::<organizations::Entity>(db, viewer, "organization", None, model, after, ("slug", &slug), checks)
                .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(OrganizationPayload { organization: record.map(Organization), user_errors })
    }

    /// Changes an organization other than a police institution, if `expectedVersion` is
    /// still its version (admins only).
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateOrganizationInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();

        let (current, fresh) = load_for_update::<organizations::Entity>(
            db,
            &mut checks,
            &input.id,
            &["Organization"],
            input.expected_version,
        )
        .await?;

        let (Some(current), true) = (current.clone(), fresh) else {
            return Ok(OrganizationPayload { organization: current.map(Organization), user_errors: checks.errors });
        };
        if current.kind == OrganizationKind::PoliceInstitution.as_db() {
            checks.add(
                "id",
                UserErrorCode::Invalid,
                "this organization is a police institution; change it with updatePoliceInstitution",
            );
            return Ok(OrganizationPayload { organization: Some(Organization(current)), user_errors: checks.errors });
        }

        let mut model = current.clone();
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(names) = &input.names {
            model.names = checks.texts("names", names, SHORT_TEXT, true);
        }
        if let Some(acronyms) = &input.acronyms {
            model.acronyms = checks.texts("acronyms", acronyms, SHORT_TEXT, false);
        }
        if let Some(kind) = input.kind {
            if kind == OrganizationKind::PoliceInstitution {
                checks.add(
                    "kind",
                    UserErrorCode::Invalid,
                    "an organization cannot become a police institution; create one with createPoliceInstitution",
                );
            }
            model.kind = kind.as_db().to_owned();
        }
        match &input.country_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.country_id = None,
            MaybeUndefined::Value(id) => {
                model.country_id =
                    resolve_id(db, &mut checks, "countryId", Some(id), &["Country"], "countries").await?;
            }
        }
        match &input.parent_id {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.parent_id = None,
            MaybeUndefined::Value(id) => {
                let types = ["Organization", "PoliceInstitution"];
                model.parent_id = resolve_id(db, &mut checks, "parentId", Some(id), &types, "organizations").await?;
                if model.parent_id == Some(current.id) {
                    checks.add("parentId", UserErrorCode::Invalid, "an organization cannot be its own parent");
                }
            }
        }
        apply_text(&mut checks, "city", &input.city, &mut model.city, SHORT_TEXT);
        apply_url(&mut checks, "website", &input.website, &mut model.website);
        apply_text(&mut checks, "founded", &input.founded, &mut model.founded, SHORT_TEXT);
        apply_text(&mut checks, "note", &input.note, &mut model.note, LONG_TEXT);
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        organization_search_columns(&mut model);

        if !checks.passed() {
            return Ok(OrganizationPayload { organization: Some(Organization(current)), user_errors: checks.errors });
        }

        let before = organization_snapshot(&current);
        let after = organization_snapshot(&model);
        let slug = model.slug.clone();

        let saved = save::<organizations::Entity>(
            db,
            viewer,
            "organization",
            Some((current, before)),
            model,
            after,
            ("slug", &slug),
            checks,
        )
        .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(OrganizationPayload { organization: record.map(Organization), user_errors })
    }

    /// Creates a police institution as a draft (admins only).
    async fn create_police_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreatePoliceInstitutionInput,
    ) -> async_graphql::Result<PoliceInstitutionPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();
        let official_name = checks.text("officialName", &input.official_name, SHORT_TEXT);
        let slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => free_slug(db, "organizations", &slug_from(&format!("police {}", &official_name), "police")).await?,
        };
        let country_id =
            resolve_id(db, &mut checks, "countryId", Some(&input.country_id), &["Country"], "countries").await?;
        coordinates(&mut checks, input.latitude, input.longitude);
        let acronyms =
            match input.acronym.as_deref().and_then(|acronym| checks.opt_text("acronym", Some(acronym), SHORT_TEXT)) {
                Some(acronym) => json!({ "en": acronym }),
                None => json!({}),
            };
        let (status, visibility, now, by) = new_editorial_columns(viewer, input.visibility);
        let founded_year = checks.year("foundedYear", input.founded_year);

        let mut model = organizations::Model {
            id: 0,
            slug: slug.clone(),
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            names: checks.texts("names", &input.names, SHORT_TEXT, true),
            acronyms,
            kind: OrganizationKind::PoliceInstitution.as_db().to_owned(),
            country_id,
            city: None,
            website: input.website.as_deref().map(|url| checks.url("website", url)),
            parent_id: None,
            founded: founded_year.map(|year| year.to_string()),
            note: checks.opt_text("note", input.note.as_deref(), LONG_TEXT),
            official_name_language: Some(checks.language("officialNameLanguage", &input.official_name_language)),
            official_name: Some(official_name),
            police_kind: Some(input.kind.as_db().to_owned()),
            level: Some(input.level.as_db().to_owned()),
            active: input.active,
            founded_year,
            latitude: input.latitude,
            longitude: input.longitude,
            editorial_status: status,
            visibility,
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: by,
        };
        organization_search_columns(&mut model);

        if !checks.passed() {
            return Ok(PoliceInstitutionPayload { police_institution: None, user_errors: checks.errors });
        }
        let after = organization_snapshot(&model);

        let saved =
            save::<organizations::Entity>(db, viewer, "organization", None, model, after, ("slug", &slug), checks)
                .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(PoliceInstitutionPayload { police_institution: record.map(PoliceInstitution), user_errors })
    }

    /// Changes a police institution, if `expectedVersion` is still its version (admins only).
    async fn update_police_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdatePoliceInstitutionInput,
    ) -> async_graphql::Result<PoliceInstitutionPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();

        let (current, fresh) = load_for_update::<organizations::Entity>(
            db,
            &mut checks,
            &input.id,
            &["PoliceInstitution"],
            input.expected_version,
        )
        .await?;

        let (Some(current), true) = (current.clone(), fresh) else {
            let current = current.map(PoliceInstitution);
            return Ok(PoliceInstitutionPayload { police_institution: current, user_errors: checks.errors });
        };
        if current.kind != OrganizationKind::PoliceInstitution.as_db() {
            checks.add(
                "id",
                UserErrorCode::Invalid,
                "this organization is not a police institution; change it with updateOrganization",
            );
            return Ok(PoliceInstitutionPayload { police_institution: None, user_errors: checks.errors });
        }

        let mut model = current.clone();
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        if let Some(name) = &input.official_name {
            model.official_name = Some(checks.text("officialName", name, SHORT_TEXT));
        }
        if let Some(language) = &input.official_name_language {
            model.official_name_language = Some(checks.language("officialNameLanguage", language));
        }
        if let Some(names) = &input.names {
            model.names = checks.texts("names", names, SHORT_TEXT, true);
        }
        match &input.acronym {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.acronyms = json!({}),
            MaybeUndefined::Value(acronym) => {
                model.acronyms = match checks.opt_text("acronym", Some(acronym), SHORT_TEXT) {
                    Some(acronym) => json!({ "en": acronym }),
                    None => json!({}),
                };
            }
        }
        if let Some(id) = &input.country_id {
            model.country_id = resolve_id(db, &mut checks, "countryId", Some(id), &["Country"], "countries").await?;
        }
        if let Some(kind) = input.kind {
            model.police_kind = Some(kind.as_db().to_owned());
        }
        if let Some(level) = input.level {
            model.level = Some(level.as_db().to_owned());
        }
        if let Some(active) = input.active {
            model.active = active;
        }
        match input.founded_year {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => {
                model.founded_year = None;
                model.founded = None;
            }
            MaybeUndefined::Value(year) => {
                model.founded_year = checks.year("foundedYear", Some(year));
                model.founded = Some(year.to_string());
            }
        }
        apply_url(&mut checks, "website", &input.website, &mut model.website);
        for (value, column) in [(&input.latitude, &mut model.latitude), (&input.longitude, &mut model.longitude)] {
            match value {
                MaybeUndefined::Undefined => {}
                MaybeUndefined::Null => *column = None,
                MaybeUndefined::Value(degrees) => *column = Some(*degrees),
            }
        }
        coordinates(&mut checks, model.latitude, model.longitude);
        apply_text(&mut checks, "note", &input.note, &mut model.note, LONG_TEXT);
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        organization_search_columns(&mut model);

        if !checks.passed() {
            let current = Some(PoliceInstitution(current));
            return Ok(PoliceInstitutionPayload { police_institution: current, user_errors: checks.errors });
        }

        let before = organization_snapshot(&current);
        let after = organization_snapshot(&model);
        let slug = model.slug.clone();

        let saved = save::<organizations::Entity>(
            db,
            viewer,
            "organization",
            Some((current, before)),
            model,
            after,
            ("slug", &slug),
            checks,
        )
        .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(PoliceInstitutionPayload { police_institution: record.map(PoliceInstitution), user_errors })
    }
}
