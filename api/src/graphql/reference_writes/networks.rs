//! The networks themselves: create and update, for admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entities::networks;
use sea_orm::ConnectionTrait;
use serde_json::{Map, Value as Json, json};

use crate::enums::Visibility;
use crate::error::ApiResult;
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{
    Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode, resolve_id,
};
use crate::graphql::lifecycle::require_owner_editor;
use crate::graphql::places::Network;
use crate::graphql::scalars::Date;
use crate::graphql::write_support::{
    apply_text, apply_url, free_slug, global, load_for_update, new_editorial_columns, save, slug_from, strings_json,
};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// Fields of a network that the create and update mutations share.
#[derive(InputObject)]
pub struct NetworkFieldsInput {
    /// Acronym, such as `REDPPOL`.
    pub acronym: MaybeUndefined<String>,
    /// Official name in one or more locales; replaces every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// Short name in one or more locales; replaces every locale.
    pub short_names: Option<Vec<LocalizedTextInput>>,
    /// Summary of the network's purpose and work, in one or more locales; replaces every locale.
    pub summaries: Option<Vec<LocalizedTextInput>>,
    /// The organization that coordinates the network.
    pub coordinating_organization_id: MaybeUndefined<ID>,
    /// Year the network was created.
    pub founded_year: MaybeUndefined<i32>,
    /// Date of the official launch.
    pub launched_on: MaybeUndefined<Date>,
    /// Whether an independent source confirms the launch date.
    pub launch_date_verified: Option<bool>,
    /// Public website.
    pub website: MaybeUndefined<String>,
    /// Activities the network carries out; replaces the list.
    pub activities: Option<Vec<String>>,
    /// The network's pillars or lines of work, in order; replaces the list.
    pub pillars: Option<Vec<String>>,
    /// Claims about the network that no independent source confirmed; replaces the list.
    pub unverified_claims: Option<Vec<String>>,
    /// Editorial notes.
    pub notes: MaybeUndefined<String>,
    /// Readers allowed once it is published.
    pub visibility: Option<Visibility>,
    /// Sources of the record's facts; replaces the list.
    pub sources: Option<Vec<String>>,
}

/// A new network; `fields.names` is required.
#[derive(InputObject)]
pub struct CreateNetworkInput {
    /// Stable key; derived from the English name when left out.
    pub slug: Option<String>,
    /// The network's fields.
    pub fields: NetworkFieldsInput,
}

/// Changes to a network; fields left out keep their value and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateNetworkInput {
    /// The network's id.
    pub id: ID,
    /// The `editorial.version` you loaded.
    pub expected_version: i32,
    /// New stable key.
    pub slug: Option<String>,
    /// The fields to change.
    pub fields: NetworkFieldsInput,
}

/// The result of a network mutation.
#[derive(SimpleObject)]
pub struct NetworkPayload {
    /// The network after the change, or its current state when the change was rejected.
    pub network: Option<Network>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn network_snapshot(model: &networks::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("slug".into(), json!(model.slug));
    map.insert("acronym".into(), json!(model.acronym));
    map.insert("names".into(), model.names.clone());
    map.insert("shortNames".into(), model.short_names.clone());
    map.insert("summaries".into(), model.summaries.clone());
    map.insert("coordinatingOrganizationId".into(), global("Organization", model.coordinating_organization_id));
    map.insert("foundedYear".into(), json!(model.founded_year));
    map.insert("launchedOn".into(), json!(model.launched_on));
    map.insert("launchDateVerified".into(), json!(model.launch_date_verified));
    map.insert("website".into(), json!(model.website));
    map.insert("activities".into(), model.activities.clone());
    map.insert("pillars".into(), model.pillars.clone());
    map.insert("unverifiedClaims".into(), model.unverified_claims.clone());
    map.insert("notes".into(), json!(model.notes));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

/// Applies the given network fields to `model`, recording problems in `checks`.
async fn apply_network_fields(
    db: &impl ConnectionTrait,
    checks: &mut Checks,
    model: &mut networks::Model,
    fields: &NetworkFieldsInput,
) -> ApiResult<()> {
    apply_text(checks, "fields.acronym", &fields.acronym, &mut model.acronym, SHORT_TEXT);
    if let Some(names) = &fields.names {
        model.names = checks.texts("fields.names", names, SHORT_TEXT, true);
    }
    if let Some(names) = &fields.short_names {
        model.short_names = checks.texts("fields.shortNames", names, SHORT_TEXT, false);
    }
    if let Some(summaries) = &fields.summaries {
        model.summaries = checks.texts("fields.summaries", summaries, LONG_TEXT, false);
    }
    match &fields.coordinating_organization_id {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.coordinating_organization_id = None,
        MaybeUndefined::Value(id) => {
            let types = ["Organization", "PoliceInstitution"];
            let field = "fields.coordinatingOrganizationId";
            model.coordinating_organization_id =
                resolve_id(db, checks, field, Some(id), &types, "organizations").await?;
        }
    }
    match fields.founded_year {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.founded_year = None,
        MaybeUndefined::Value(year) => model.founded_year = checks.year("fields.foundedYear", Some(year)),
    }
    match &fields.launched_on {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => model.launched_on = None,
        MaybeUndefined::Value(date) => model.launched_on = Some(date.0),
    }
    if let Some(verified) = fields.launch_date_verified {
        model.launch_date_verified = verified;
    }
    apply_url(checks, "fields.website", &fields.website, &mut model.website);
    for (field, values, column) in [
        ("fields.activities", &fields.activities, &mut model.activities),
        ("fields.pillars", &fields.pillars, &mut model.pillars),
        ("fields.unverifiedClaims", &fields.unverified_claims, &mut model.unverified_claims),
    ] {
        if let Some(values) = values {
            let texts: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, value)| checks.text(&format!("{field}.{i}"), value, LONG_TEXT))
                .collect();
            *column = strings_json(&texts);
        }
    }
    apply_text(checks, "fields.notes", &fields.notes, &mut model.notes, LONG_TEXT);
    if let Some(visibility) = fields.visibility {
        model.visibility = visibility.as_db().to_owned();
    }
    if let Some(sources) = &fields.sources {
        model.sources = checks.sources("fields.sources", sources);
    }
    let mut search = all_texts(&model.names);
    search.extend(all_texts(&model.short_names));
    search.extend(model.acronym.as_deref());
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.names));
    Ok(())
}

/// Mutations on networks.
#[derive(Default)]
pub struct NetworkMutations;

#[Object]
impl NetworkMutations {
    /// Creates a network as a draft (admins only). Its legal basis, reported results and
    /// further details come from the data set and are not editable here.
    async fn create_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateNetworkInput,
    ) -> async_graphql::Result<NetworkPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();
        if input.fields.names.is_none() {
            checks.add(
                "fields.names",
                UserErrorCode::Required,
                "fields.names is missing; give the network's name in at least one locale",
            );
        }
        let visibility = input.fields.visibility.unwrap_or(Visibility::Public);
        let (status, visibility, now, by) = new_editorial_columns(viewer, visibility);

        let mut model = networks::Model {
            id: 0,
            slug: String::new(),
            illustrative: false,
            verified: true,
            sources: json!([]),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            acronym: None,
            names: json!({}),
            short_names: json!({}),
            coordinating_organization_id: None,
            founded_year: None,
            launched_on: None,
            launch_date_verified: false,
            website: None,
            summaries: json!({}),
            activities: json!([]),
            pillars: json!([]),
            legal_basis: json!([]),
            reported_results: json!([]),
            unverified_claims: json!([]),
            details: json!({}),
            notes: None,
            editorial_status: status,
            visibility,
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: by,
        };
        apply_network_fields(db, &mut checks, &mut model, &input.fields).await?;
        model.slug = match &input.slug {
            Some(slug) => checks.slug("slug", slug),
            None => {
                free_slug(db, "networks", &slug_from(&format!("network {}", &default_text(&model.names)), "network"))
                    .await?
            }
        };

        if !checks.passed() {
            return Ok(NetworkPayload { network: None, user_errors: checks.errors });
        }
        let slug = model.slug.clone();
        let after = network_snapshot(&model);

        let (record, user_errors) =
            save::<networks::Entity>(db, viewer, "network", None, model, after, ("slug", &slug), checks)
                .await?
                .into_parts();
        Ok(NetworkPayload { network: record.map(Network), user_errors })
    }

    /// Changes a network, if `expectedVersion` is still its version (admins only).
    async fn update_network(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateNetworkInput,
    ) -> async_graphql::Result<NetworkPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();

        let (current, fresh) =
            load_for_update::<networks::Entity>(db, &mut checks, &input.id, &["Network"], input.expected_version)
                .await?;

        let (Some(current), true) = (current.clone(), fresh) else {
            return Ok(NetworkPayload { network: current.map(Network), user_errors: checks.errors });
        };

        let mut model = current.clone();
        if let Some(slug) = &input.slug {
            model.slug = checks.slug("slug", slug);
        }
        apply_network_fields(db, &mut checks, &mut model, &input.fields).await?;

        if !checks.passed() {
            return Ok(NetworkPayload { network: Some(Network(current)), user_errors: checks.errors });
        }

        let before = network_snapshot(&current);
        let after = network_snapshot(&model);
        let slug = model.slug.clone();

        let saved = save::<networks::Entity>(
            db,
            viewer,
            "network",
            Some((current, before)),
            model,
            after,
            ("slug", &slug),
            checks,
        )
        .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(NetworkPayload { network: record.map(Network), user_errors })
    }
}
