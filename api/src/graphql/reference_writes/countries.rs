//! Countries: create and update, for admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entities::countries;
use serde_json::{Map, Value as Json, json};

use crate::enums::{OasStatus, Region, Visibility};
use crate::graphql::common::{database, viewer};
use crate::graphql::editorial::{Checks, LONG_TEXT, LocalizedTextInput, SHORT_TEXT, UserError, UserErrorCode};
use crate::graphql::lifecycle::require_owner_editor;
use crate::graphql::places::Country;
use crate::graphql::scalars::Date;
use crate::graphql::write_support::{apply_text, load_for_update, new_editorial_columns, save, strings_json};
use crate::import::convert::{all_texts, search_text};
use crate::locale::default_text;
use crate::text::fold;

/// A new OAS member state or other country.
#[derive(InputObject)]
pub struct CreateCountryInput {
    /// ISO 3166-1 alpha-3 code, such as `COL`; the country's key in `country(code:)`.
    pub iso3: String,
    /// ISO 3166-1 alpha-2 code, such as `CO`.
    pub iso2: String,
    /// Name in one or more locales.
    pub names: Vec<LocalizedTextInput>,
    /// Capital city.
    pub capital: Option<String>,
    /// Seat of government, where it differs from the capital.
    pub seat_of_government: Option<String>,
    /// Region of the Americas.
    pub region: Region,
    /// Subregional groupings, such as CARICOM or SICA.
    #[graphql(default)]
    pub subregional_groupings: Vec<String>,
    /// Year the country joined the OAS.
    pub oas_member_since: Option<i32>,
    /// Whether it signed the OAS Charter in 1948.
    #[graphql(default)]
    pub oas_founding_member: bool,
    /// Standing in the OAS.
    pub oas_status: OasStatus,
    /// Explanation of the standing, when it is not plain membership.
    pub status_note: Option<String>,
    /// Date the standing took effect.
    pub status_effective_on: Option<Date>,
    /// Readers allowed once it is published; defaults to PUBLIC.
    #[graphql(default_with = "Visibility::Public")]
    pub visibility: Visibility,
    /// Sources of the record's facts: URLs, or descriptions where no address exists.
    #[graphql(default)]
    pub sources: Vec<String>,
}

/// Changes to a country; fields left out keep their value and `null` clears an optional one.
#[derive(InputObject)]
pub struct UpdateCountryInput {
    /// The country's id.
    pub id: ID,
    /// The `editorial.version` you loaded.
    pub expected_version: i32,
    /// New alpha-3 code.
    pub iso3: Option<String>,
    /// New alpha-2 code.
    pub iso2: Option<String>,
    /// New names; replaces every locale.
    pub names: Option<Vec<LocalizedTextInput>>,
    /// New capital.
    pub capital: MaybeUndefined<String>,
    /// New seat of government.
    pub seat_of_government: MaybeUndefined<String>,
    /// New region.
    pub region: Option<Region>,
    /// New subregional groupings.
    pub subregional_groupings: Option<Vec<String>>,
    /// New year of joining the OAS.
    pub oas_member_since: MaybeUndefined<i32>,
    /// New founding-member flag.
    pub oas_founding_member: Option<bool>,
    /// New standing.
    pub oas_status: Option<OasStatus>,
    /// New explanation of the standing.
    pub status_note: MaybeUndefined<String>,
    /// New effective date of the standing.
    pub status_effective_on: MaybeUndefined<Date>,
    /// New visibility.
    pub visibility: Option<Visibility>,
    /// New sources.
    pub sources: Option<Vec<String>>,
}

/// The result of a country mutation.
#[derive(SimpleObject)]
pub struct CountryPayload {
    /// The country after the change, or its current state when the change was rejected.
    pub country: Option<Country>,
    /// Problems with the input; empty when the change was made.
    pub user_errors: Vec<UserError>,
}

fn country_snapshot(model: &countries::Model) -> Map<String, Json> {
    let mut map = Map::new();
    map.insert("iso3".into(), json!(model.iso3));
    map.insert("iso2".into(), json!(model.iso2));
    map.insert("names".into(), model.names.clone());
    map.insert("capital".into(), json!(model.capital));
    map.insert("seatOfGovernment".into(), json!(model.seat_of_government));
    map.insert("region".into(), json!(model.region));
    map.insert("subregionalGroupings".into(), model.subregional_groupings.clone());
    map.insert("oasMemberSince".into(), json!(model.oas_member_since));
    map.insert("oasFoundingMember".into(), json!(model.oas_founding_member));
    map.insert("oasStatus".into(), json!(model.oas_status));
    map.insert("statusNote".into(), json!(model.status_note));
    map.insert("statusEffectiveOn".into(), json!(model.status_effective_on));
    map.insert("visibility".into(), json!(model.visibility));
    map.insert("sources".into(), model.sources.clone());
    map
}

fn country_search_columns(model: &mut countries::Model) {
    let mut search = all_texts(&model.names);
    search.extend([model.iso3.as_str(), model.iso2.as_str()]);
    model.search_text = search_text(search.into_iter().map(Some));
    model.sort_name = fold(&default_text(&model.names));
}

fn iso_code(checks: &mut Checks, field: &str, value: &str, length: usize, example: &str) -> String {
    let value = value.trim().to_owned();
    if !(value.len() == length && value.chars().all(|c| c.is_ascii_uppercase())) {
        let standard = if length == 3 { "alpha-3" } else { "alpha-2" };
        checks.add(
            field,
            UserErrorCode::Invalid,
            format!(
                "\"{value}\" is not an ISO 3166-1 {standard} code; use {length} upper-case letters such as {example}"
            ),
        );
    }
    value
}

/// Mutations on countries.
#[derive(Default)]
pub struct CountryMutations;

#[Object]
impl CountryMutations {
    /// Creates a country as a draft (admins only).
    async fn create_country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: CreateCountryInput,
    ) -> async_graphql::Result<CountryPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();
        let iso3 = iso_code(&mut checks, "iso3", &input.iso3, 3, "COL");
        let (status, visibility, now, by) = new_editorial_columns(viewer, input.visibility);

        let mut model = countries::Model {
            id: 0,
            slug: format!("country-{}", iso3.to_lowercase()),
            illustrative: false,
            verified: true,
            sources: checks.sources("sources", &input.sources),
            search_text: String::new(),
            sort_name: String::new(),
            created_at: now,
            updated_at: now,
            iso2: iso_code(&mut checks, "iso2", &input.iso2, 2, "CO"),
            iso3,
            names: checks.texts("names", &input.names, SHORT_TEXT, true),
            capital: checks.opt_text("capital", input.capital.as_deref(), SHORT_TEXT),
            seat_of_government: checks.opt_text("seatOfGovernment", input.seat_of_government.as_deref(), SHORT_TEXT),
            region: input.region.as_db().to_owned(),
            subregional_groupings: strings_json(&input.subregional_groupings),
            oas_member_since: checks.year("oasMemberSince", input.oas_member_since),
            oas_founding_member: input.oas_founding_member,
            oas_status: input.oas_status.as_db().to_owned(),
            status_note: checks.opt_text("statusNote", input.status_note.as_deref(), LONG_TEXT),
            status_effective_on: input.status_effective_on.map(|date| date.0),
            editorial_status: status,
            visibility,
            version: 1,
            status_changed_at: Some(now),
            published_at: None,
            status_changed_by_id: by,
        };
        country_search_columns(&mut model);

        if !checks.passed() {
            return Ok(CountryPayload { country: None, user_errors: checks.errors });
        }
        let unique = model.iso3.clone();
        let after = country_snapshot(&model);
        let saved =
            save::<countries::Entity>(db, viewer, "country", None, model, after, ("iso3", &unique), checks).await?;
        let (record, user_errors) = saved.into_parts();
        Ok(CountryPayload { country: record.map(Country), user_errors })
    }

    /// Changes a country, if `expectedVersion` is still its version (admins only).
    async fn update_country(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input.")] input: UpdateCountryInput,
    ) -> async_graphql::Result<CountryPayload> {
        let db = database(ctx)?;
        let viewer = viewer(ctx)?;
        require_owner_editor(viewer, &[])?;
        let mut checks = Checks::default();

        let (current, fresh) =
            load_for_update::<countries::Entity>(db, &mut checks, &input.id, &["Country"], input.expected_version)
                .await?;

        let (Some(current), true) = (current.clone(), fresh) else {
            return Ok(CountryPayload { country: current.map(Country), user_errors: checks.errors });
        };

        let mut model = current.clone();
        if let Some(iso3) = &input.iso3 {
            model.iso3 = iso_code(&mut checks, "iso3", iso3, 3, "COL");
        }
        if let Some(iso2) = &input.iso2 {
            model.iso2 = iso_code(&mut checks, "iso2", iso2, 2, "CO");
        }
        if let Some(names) = &input.names {
            model.names = checks.texts("names", names, SHORT_TEXT, true);
        }
        apply_text(&mut checks, "capital", &input.capital, &mut model.capital, SHORT_TEXT);
        apply_text(
            &mut checks,
            "seatOfGovernment",
            &input.seat_of_government,
            &mut model.seat_of_government,
            SHORT_TEXT,
        );
        if let Some(region) = input.region {
            model.region = region.as_db().to_owned();
        }
        if let Some(groupings) = &input.subregional_groupings {
            model.subregional_groupings = strings_json(groupings);
        }
        match input.oas_member_since {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.oas_member_since = None,
            MaybeUndefined::Value(year) => model.oas_member_since = checks.year("oasMemberSince", Some(year)),
        }
        if let Some(founding) = input.oas_founding_member {
            model.oas_founding_member = founding;
        }
        if let Some(status) = input.oas_status {
            model.oas_status = status.as_db().to_owned();
        }
        apply_text(&mut checks, "statusNote", &input.status_note, &mut model.status_note, LONG_TEXT);
        match &input.status_effective_on {
            MaybeUndefined::Undefined => {}
            MaybeUndefined::Null => model.status_effective_on = None,
            MaybeUndefined::Value(date) => model.status_effective_on = Some(date.0),
        }
        if let Some(visibility) = input.visibility {
            model.visibility = visibility.as_db().to_owned();
        }
        if let Some(sources) = &input.sources {
            model.sources = checks.sources("sources", sources);
        }
        country_search_columns(&mut model);

        if !checks.passed() {
            return Ok(CountryPayload { country: Some(Country(current)), user_errors: checks.errors });
        }

        let before = country_snapshot(&current);
        let after = country_snapshot(&model);
        let unique = model.iso3.clone();

        let saved = save::<countries::Entity>(
            db,
            viewer,
            "country",
            Some((current, before)),
            model,
            after,
            ("iso3", &unique),
            checks,
        )
        .await?;

        let (record, user_errors) = saved.into_parts();
        Ok(CountryPayload { country: record.map(Country), user_errors })
    }
}
