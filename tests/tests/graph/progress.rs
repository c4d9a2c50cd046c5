//! Target progress: counts maintained through enrolment and officer changes agree with a
//! full rebuild, the GraphQL figures and their disclosure control, and the statements a
//! page of targets costs.

use std::collections::HashMap;

use api::auth::TokenScope;
use api::training::{begin_write, progress};
use entities::{countries, course_offerings, courses, enrolments, officers, organizations, progress_counts};
use integration_tests::{TestApp, on_both};
use sea_orm::prelude::{Date, DateTimeUtc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

/// Ids of the seed records these tests build on.
struct Seed {
    institutions: HashMap<&'static str, i32>,
    countries: HashMap<&'static str, i32>,
    /// Offering id and course id, by offering slug.
    offerings: HashMap<&'static str, (i32, i32)>,
}

const INSTITUTIONS: [&str; 3] = ["inst-pnc-col", "inst-pn-hnd", "inst-pnp-per"];
const COUNTRIES: [&str; 3] = ["country-col", "country-hnd", "country-per"];
const ONSITE_2017: &str = "offering-redppol-onsite-2017-hnd";
const ONSITE_2019: &str = "offering-redppol-onsite-2019-ecu";
const ISO_QMS: &str = "offering-redppol-iso-qms";
const COMMUNITY_POLICING: &str = "offering-ill-cp-2026-1";
const HUMAN_RIGHTS: &str = "offering-ill-hr-2026-1";

impl Seed {
    async fn read(app: &TestApp) -> Seed {
        let mut institutions = HashMap::new();
        for slug in INSTITUTIONS {
            let found = organizations::Entity::find()
                .filter(organizations::Column::Slug.eq(slug))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("seed institution {slug} is missing"));
            institutions.insert(slug, found.id);
        }
        let mut country_ids = HashMap::new();
        for slug in COUNTRIES {
            let found = countries::Entity::find()
                .filter(countries::Column::Slug.eq(slug))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("seed country {slug} is missing"));
            country_ids.insert(slug, found.id);
        }
        let mut offerings = HashMap::new();
        for slug in [ONSITE_2017, ONSITE_2019, ISO_QMS, COMMUNITY_POLICING, HUMAN_RIGHTS] {
            let found = course_offerings::Entity::find()
                .filter(course_offerings::Column::Slug.eq(slug))
                .one(&app.db)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("seed offering {slug} is missing"));
            offerings.insert(slug, (found.id, found.course_id));
        }
        Seed { institutions, countries: country_ids, offerings }
    }

    fn country(&self, slug: &str) -> i32 {
        self.countries[slug]
    }

    /// Returns the id of the course an offering belongs to.
    fn course(&self, offering: &str) -> i32 {
        self.offerings[offering].1
    }
}

/// Inserts `count` officers of a seed institution, in the institution's country, and
/// returns their ids in order.
async fn add_officers(app: &TestApp, seed: &Seed, institution: &str, count: usize, name: &str) -> Vec<i32> {
    let country = match institution {
        "inst-pnc-col" => "country-col",
        "inst-pn-hnd" => "country-hnd",
        _ => "country-per",
    };
    let names: Vec<String> = (0..count).map(|number| format!("{name} {number}")).collect();
    for chunk in names.chunks(1_000) {
        let rows = chunk.iter().map(|display_name| officers::ActiveModel {
            institution_id: Set(seed.institutions[institution]),
            country_id: Set(seed.country(country)),
            role: Set("officer".to_owned()),
            display_name: Set(display_name.clone()),
            sort_name: Set(display_name.clone()),
            ..Default::default()
        });
        officers::Entity::insert_many(rows).exec(&app.db).await.unwrap();
    }
    let added = officers::Entity::find()
        .filter(officers::Column::DisplayName.is_in(names))
        .order_by_asc(officers::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(added.len(), count, "officer names are unique within a test");
    added.into_iter().map(|officer| officer.id).collect()
}

/// A change to training records, made the way the API's writers make it.
enum Change<'a> {
    /// Inserts an enrolment of each officer in an offering, with a status and a completion date.
    Enrol { officers: &'a [i32], offering: &'a str, status: &'a str, completed_on: Option<(i32, u32, u32)> },
    /// Inserts a completion of each officer in an offering, the n-th officer's on New
    /// Year's Day of `first_year + n`, so that every officer has a year cell of their own.
    CompleteOverYears { officers: &'a [i32], offering: &'a str, first_year: i32 },
    /// Sets the status of the officers' enrolments in an offering.
    SetStatus { officers: &'a [i32], offering: &'a str, status: &'a str },
    /// Deletes an officer's enrolment in an offering.
    Delete { officer: i32, offering: &'a str },
    /// Moves an officer to another country.
    Move { officer: i32, country: &'a str },
}

impl Change<'_> {
    fn officers(&self) -> Vec<i32> {
        match self {
            Change::Enrol { officers, .. }
            | Change::CompleteOverYears { officers, .. }
            | Change::SetStatus { officers, .. } => officers.to_vec(),
            Change::Delete { officer, .. } | Change::Move { officer, .. } => vec![*officer],
        }
    }
}

/// Inserts enrolments in an offering, one per (officer, completion date) pair.
async fn insert_enrolments(
    txn: &DatabaseTransaction,
    seed: &Seed,
    offering: &str,
    status: &str,
    rows: Vec<(i32, Option<Date>)>,
) {
    let (offering_id, course_id) = seed.offerings[offering];
    let applied_at = DateTimeUtc::from_timestamp(1_700_000_000, 0).unwrap();
    for chunk in rows.chunks(1_000) {
        let models = chunk.iter().map(|(officer, completed_on)| enrolments::ActiveModel {
            officer_id: Set(*officer),
            offering_id: Set(offering_id),
            course_id: Set(course_id),
            status: Set(status.to_owned()),
            applied_at: Set(applied_at),
            enrolled_at: Set(Some(applied_at)),
            waitlisted_at: Set(None),
            withdrawn_at: Set(None),
            completed_on: Set(*completed_on),
            score: Set(None),
            result: Set(None),
            source: Set("api".to_owned()),
            ..Default::default()
        });
        enrolments::Entity::insert_many(models).exec(txn).await.unwrap();
    }
}

/// Applies `change` in one write transaction between `progress::before` and `progress::after`.
async fn apply(app: &TestApp, seed: &Seed, change: Change<'_>) {
    let txn = begin_write(&app.db).await.unwrap();
    let snapshot = progress::before(&txn, &change.officers()).await.unwrap();
    match change {
        Change::Enrol { officers, offering, status, completed_on } => {
            let completed_on = completed_on.map(|(year, month, day)| Date::from_ymd_opt(year, month, day).unwrap());
            let rows = officers.iter().map(|officer| (*officer, completed_on)).collect();
            insert_enrolments(&txn, seed, offering, status, rows).await;
        }
        Change::CompleteOverYears { officers, offering, first_year } => {
            let rows = (first_year..)
                .zip(officers)
                .map(|(year, officer)| (*officer, Date::from_ymd_opt(year, 1, 1)))
                .collect();
            insert_enrolments(&txn, seed, offering, "completed", rows).await;
        }
        Change::SetStatus { officers, offering, status } => {
            enrolments::Entity::update_many()
                .col_expr(enrolments::Column::Status, Expr::value(status))
                .filter(enrolments::Column::OfficerId.is_in(officers.iter().copied()))
                .filter(enrolments::Column::OfferingId.eq(seed.offerings[offering].0))
                .exec(&txn)
                .await
                .unwrap();
        }
        Change::Delete { officer, offering } => {
            enrolments::Entity::delete_many()
                .filter(enrolments::Column::OfficerId.eq(officer))
                .filter(enrolments::Column::OfferingId.eq(seed.offerings[offering].0))
                .exec(&txn)
                .await
                .unwrap();
        }
        Change::Move { officer, country } => {
            officers::Entity::update_many()
                .col_expr(officers::Column::CountryId, Expr::value(seed.country(country)))
                .filter(officers::Column::Id.eq(officer))
                .exec(&txn)
                .await
                .unwrap();
        }
    }
    progress::after(&txn, snapshot).await.unwrap();
    txn.commit().await.unwrap();
}

/// Every progress count, keyed by (modality scope, dimension, key), for network-redppol
/// (the only network with courses in the seed).
type Counts = HashMap<(String, String, String), i64>;

async fn read_counts(app: &TestApp) -> Counts {
    let rows =
        progress_counts::Entity::find().order_by_asc(progress_counts::Column::NetworkId).all(&app.db).await.unwrap();
    rows.into_iter().map(|row| ((row.modality, row.dimension, row.key), row.officers)).collect()
}

/// Reads the maintained counts, rebuilds them from scratch, and checks that both agree.
async fn maintained_matches_rebuild(app: &TestApp, step: &str) -> Counts {
    let maintained = read_counts(app).await;
    progress::rebuild(&app.db).await.unwrap();
    let rebuilt = read_counts(app).await;
    assert_eq!(maintained, rebuilt, "after {step}, the maintained counts differ from a rebuild");
    maintained
}

fn count(counts: &Counts, modality: &str, dimension: &str, key: impl ToString) -> Option<i64> {
    counts.get(&(modality.to_owned(), dimension.to_owned(), key.to_string())).copied()
}

async fn maintained_counts_match_rebuild(app: &TestApp) {
    let seed = Seed::read(app).await;
    let ana = add_officers(app, &seed, "inst-pnc-col", 1, "Ana").await[0];
    let beto = add_officers(app, &seed, "inst-pn-hnd", 1, "Beto").await[0];
    let caro = add_officers(app, &seed, "inst-pnc-col", 1, "Caro").await[0];
    let (col, hnd) = (seed.country("country-col"), seed.country("country-hnd"));
    let onsite_course = seed.course(ONSITE_2019);
    assert!(read_counts(app).await.is_empty(), "the seed has no completions");

    let first = Change::Enrol {
        officers: &[ana],
        offering: ONSITE_2019,
        status: "completed",
        completed_on: Some((2019, 6, 28)),
    };
    apply(app, &seed, first).await;
    let counts = maintained_matches_rebuild(app, "a first completion").await;
    assert_eq!(count(&counts, "on_site", "total", ""), Some(1));
    assert_eq!(count(&counts, "any", "modality", "on_site"), Some(1));
    assert_eq!(count(&counts, "on_site", "country", col), Some(1));
    assert_eq!(count(&counts, "on_site", "year", 2019), Some(1));
    assert_eq!(count(&counts, "on_site", "modality", "on_site"), None, "modality cells are in the any scope only");

    let second = Change::Enrol {
        officers: &[ana],
        offering: ONSITE_2017,
        status: "completed",
        completed_on: Some((2017, 5, 20)),
    };
    apply(app, &seed, second).await;
    let counts = maintained_matches_rebuild(app, "a second completion of the same officer").await;
    assert_eq!(count(&counts, "on_site", "total", ""), Some(1), "an officer counts once");
    assert_eq!(count(&counts, "on_site", "course", onsite_course), Some(1), "both offerings are of one course");
    assert_eq!(count(&counts, "on_site", "year", 2017), Some(1));
    assert_eq!(count(&counts, "on_site", "year", 2019), Some(1));

    let two_officers = [beto, caro];
    apply(
        app,
        &seed,
        Change::Enrol {
            officers: &two_officers[..1],
            offering: ISO_QMS,
            status: "completed",
            completed_on: Some((2024, 3, 1)),
        },
    )
    .await;
    apply(
        app,
        &seed,
        Change::Enrol {
            officers: &two_officers[1..],
            offering: COMMUNITY_POLICING,
            status: "completed",
            completed_on: None,
        },
    )
    .await;
    let counts = maintained_matches_rebuild(app, "virtual completions with and without a date").await;
    assert_eq!(count(&counts, "virtual", "total", ""), Some(2));
    assert_eq!(count(&counts, "any", "total", ""), Some(3));
    assert_eq!(count(&counts, "virtual", "year", 2024), Some(1), "the undated completion is in no year");
    assert_eq!(count(&counts, "any", "country", col), Some(2));

    apply(app, &seed, Change::Enrol { officers: &[ana], offering: ISO_QMS, status: "applied", completed_on: None })
        .await;
    let counts = maintained_matches_rebuild(app, "an application").await;
    assert_eq!(count(&counts, "virtual", "total", ""), Some(2), "an application is not a completion");

    apply(app, &seed, Change::SetStatus { officers: &[beto], offering: ISO_QMS, status: "failed" }).await;
    let counts = maintained_matches_rebuild(app, "a completion changed to failed").await;
    assert_eq!(count(&counts, "virtual", "total", ""), Some(1));
    assert_eq!(count(&counts, "virtual", "country", hnd), None, "a cell that reaches 0 is deleted");
    assert_eq!(count(&counts, "virtual", "year", 2024), None);

    apply(app, &seed, Change::SetStatus { officers: &[ana], offering: ISO_QMS, status: "completed" }).await;
    apply(app, &seed, Change::Move { officer: caro, country: "country-hnd" }).await;
    let counts = maintained_matches_rebuild(app, "an officer moving country").await;
    assert_eq!(count(&counts, "virtual", "country", hnd), Some(1));
    assert_eq!(count(&counts, "virtual", "country", col), Some(1), "only ana is left in Colombia");
    assert_eq!(count(&counts, "any", "country", col), Some(1));
    assert_eq!(count(&counts, "any", "country", hnd), Some(1));

    apply(app, &seed, Change::SetStatus { officers: &[ana], offering: ONSITE_2017, status: "withdrawn" }).await;
    apply(app, &seed, Change::Delete { officer: caro, offering: COMMUNITY_POLICING }).await;
    let counts = maintained_matches_rebuild(app, "a withdrawal and a deleted enrolment").await;
    assert_eq!(count(&counts, "on_site", "year", 2017), None);
    assert_eq!(count(&counts, "on_site", "total", ""), Some(1));
    assert_eq!(count(&counts, "any", "country", hnd), None);
    assert_eq!(count(&counts, "any", "total", ""), Some(1), "only ana has completions left");
}
on_both!(maintained_counts, maintained_counts_match_rebuild);

async fn large_change_matches_rebuild(app: &TestApp) {
    let seed = Seed::read(app).await;
    // More officers than one statement reads, and more cells than one upsert writes.
    let many = add_officers(app, &seed, "inst-pnc-col", 1_200, "Bulk officer").await;

    let before = app.statements.get();
    apply(app, &seed, Change::CompleteOverYears { officers: &many, offering: ISO_QMS, first_year: 1_000 }).await;
    let statements = app.statements.get() - before;
    eprintln!("{:?}: completing 1,200 officers took {statements} SQL statements", app.backend);
    assert!(statements <= 20, "completing 1,200 officers took {statements} statements");
    let counts = maintained_matches_rebuild(app, "1,200 completions").await;
    assert_eq!(count(&counts, "virtual", "total", ""), Some(1_200));
    assert_eq!(count(&counts, "any", "year", 1_000), Some(1));
    assert_eq!(count(&counts, "any", "year", 2_199), Some(1));
    assert_eq!(counts.len(), 2 * (3 + 1_200) + 1, "two scopes of total, country, course and years, and one modality");

    apply(app, &seed, Change::SetStatus { officers: &many[..1_100], offering: ISO_QMS, status: "failed" }).await;
    let counts = maintained_matches_rebuild(app, "1,100 completions changed to failed").await;
    assert_eq!(count(&counts, "virtual", "total", ""), Some(100));
    assert_eq!(count(&counts, "any", "year", 1_000), None, "emptied cells are deleted");
    assert_eq!(counts.len(), 2 * (3 + 100) + 1);
}
on_both!(large_change, large_change_matches_rebuild);

/// Officers of the GraphQL tests, and the completions behind the seed targets' figures.
///
/// The virtual platform has 21 officers: 12 Colombians in the ISO course (2024), 7
/// Hondurans in community policing (2025), and 2 Peruvians in human rights (no date).
/// Three of the Colombians also completed community policing, and a Honduran who failed
/// does not count. On site there are 8 officers: 5 Colombians in 2019 (one of them also
/// virtual) and 3 Hondurans in 2017.
async fn add_completions(app: &TestApp) -> Seed {
    let seed = Seed::read(app).await;
    let colombians = add_officers(app, &seed, "inst-pnc-col", 12, "Colombian").await;
    let hondurans = add_officers(app, &seed, "inst-pn-hnd", 7, "Honduran").await;
    let peruvians = add_officers(app, &seed, "inst-pnp-per", 2, "Peruvian").await;
    let failed = add_officers(app, &seed, "inst-pn-hnd", 1, "Failed").await;
    let onsite_colombians = add_officers(app, &seed, "inst-pnc-col", 4, "Onsite Colombian").await;
    let onsite_hondurans = add_officers(app, &seed, "inst-pn-hnd", 3, "Onsite Honduran").await;
    let completed =
        |officers, offering, completed_on| Change::Enrol { officers, offering, status: "completed", completed_on };
    apply(app, &seed, completed(&colombians, ISO_QMS, Some((2024, 5, 10)))).await;
    apply(app, &seed, completed(&hondurans, COMMUNITY_POLICING, Some((2025, 2, 14)))).await;
    apply(app, &seed, completed(&colombians[..3], COMMUNITY_POLICING, Some((2025, 2, 14)))).await;
    apply(app, &seed, completed(&peruvians, HUMAN_RIGHTS, None)).await;
    apply(app, &seed, Change::Enrol { officers: &failed, offering: ISO_QMS, status: "failed", completed_on: None })
        .await;
    apply(app, &seed, completed(&onsite_colombians, ONSITE_2019, Some((2019, 9, 20)))).await;
    apply(app, &seed, completed(&colombians[..1], ONSITE_2019, Some((2019, 9, 20)))).await;
    apply(app, &seed, completed(&onsite_hondurans, ONSITE_2017, Some((2017, 8, 11)))).await;
    maintained_matches_rebuild(app, "adding the test completions").await;
    seed
}

const PROGRESS: &str = "progress { officers percentage minimumCellSize
    byCountry { country { code } officers suppressed }
    byYear { year officers suppressed }
    byCourse { course { code } officers suppressed }
    byModality { modality officers suppressed } }";

/// Reads every target's progress as `token` (`None`: anonymous), by target slug.
async fn progress_by_target(app: &TestApp, token: Option<&str>) -> HashMap<String, Value> {
    let query = format!("{{ targets {{ nodes {{ slug {PROGRESS} }} }} }}");
    let (status, body) = app.post_as(token, &query, json!({})).await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"]["targets"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| (node["slug"].as_str().unwrap().to_owned(), node["progress"].clone()))
        .collect()
}

/// Returns a breakdown as (label, officers, suppressed) triples, in the order served.
fn cells(progress: &Value, breakdown: &str, label: &str) -> Vec<(Value, Value, bool)> {
    progress[breakdown]
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| {
            let label = match label {
                "country" => cell["country"]["code"].clone(),
                "course" => cell["course"]["code"].clone(),
                other => cell[other].clone(),
            };
            (label, cell["officers"].clone(), cell["suppressed"].as_bool().unwrap())
        })
        .collect()
}

fn shown(label: impl Into<Value>, officers: i64) -> (Value, Value, bool) {
    (label.into(), json!(officers), false)
}

fn hidden(label: impl Into<Value>) -> (Value, Value, bool) {
    (label.into(), Value::Null, true)
}

/// Returns suppressed country cells in the order served: by country id, the cells' key.
fn hidden_countries(seed: &Seed, codes: &[&str]) -> Vec<(Value, Value, bool)> {
    let mut codes = codes.to_vec();
    codes.sort_by_key(|code| seed.country(&format!("country-{}", code.to_lowercase())));
    codes.into_iter().map(hidden).collect()
}

/// Creates and publishes a target that counts officers of every modality.
async fn add_any_modality_target(app: &TestApp, admin: &str) {
    let network = app.data("{ networks { nodes { id slug } } }", json!({})).await;
    let network = network["networks"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["slug"] == "network-redppol")
        .map(|node| node["id"].clone())
        .unwrap();
    let create = "mutation($input: CreateTargetInput!) { createTarget(input: $input) {
        target { id editorial { version } } userErrors { field code message } } }";
    let input = json!({ "slug": "target-any-modality-1000", "networkId": network,
        "metrics": [{ "locale": "EN", "text": "Officers trained in any modality" }], "targetValue": 1000, "unit": "officers" });
    let (_, body) = app.post_as(Some(admin), create, json!({ "input": input })).await;
    assert_eq!(body["data"]["createTarget"]["userErrors"], json!([]), "{body:#}");
    let target = &body["data"]["createTarget"]["target"];
    let publish = "mutation($input: TransitionInput!) { publish(input: $input) { userErrors { field code message } } }";
    let transition = json!({ "id": target["id"], "expectedVersion": target["editorial"]["version"] });
    let (_, body) = app.post_as(Some(admin), publish, json!({ "input": transition })).await;
    assert_eq!(body["data"]["publish"]["userErrors"], json!([]), "{body:#}");
}

async fn progress_figures_and_suppression(app: &TestApp) {
    let seed = add_completions(app).await;
    let admin_id = app.create_member("Ada Admin", None, true, &[]).await;
    let admin = app.create_token(admin_id, &[TokenScope::Read, TokenScope::WriteContent, TokenScope::Admin]).await;
    add_any_modality_target(app, &admin).await;
    // Members only: anonymous callers see the course's cell without the course.
    courses::Entity::update_many()
        .col_expr(courses::Column::Visibility, Expr::value("members_only"))
        .filter(courses::Column::Slug.eq("course-ill-human-rights-force"))
        .exec(&app.db)
        .await
        .unwrap();

    let public = progress_by_target(app, None).await;
    assert_eq!(public["target-redppol-onsite-2-per-state"], Value::Null, "a target in other units has no progress");

    let virtual_platform = &public["target-redppol-virtual-200000"];
    assert_eq!(virtual_platform["officers"], 21, "{virtual_platform:#}");
    assert_eq!(virtual_platform["percentage"], 0.01, "21 of 200,000 is 0.0105 %");
    assert_eq!(virtual_platform["minimumCellSize"], 5);
    assert_eq!(
        cells(virtual_platform, "byCountry", "country"),
        [vec![shown("COL", 12)], hidden_countries(&seed, &["HND", "PER"])].concat(),
        "Peru's 2 are suppressed, and Honduras's 7 with them, or 21 - 12 - 7 would give Peru away"
    );
    assert_eq!(cells(virtual_platform, "byYear", "year"), [shown(2024, 12), shown(2025, 10)]);
    let by_course = cells(virtual_platform, "byCourse", "course");
    assert_eq!(by_course[0], shown("REDPPOL-ISO-REQ", 12), "{by_course:?}");
    assert_eq!(by_course.len(), 3, "{by_course:?}");
    for (_, officers, suppressed) in &by_course[1..] {
        assert!(officers.is_null(), "{by_course:?}");
        assert!(*suppressed, "{by_course:?}");
    }
    let labels: Vec<&Value> = by_course[1..].iter().map(|(label, ..)| label).collect();
    assert!(labels.contains(&&json!("ILL-CP-101")), "community policing's 10 are suppressed too: {by_course:?}");
    assert!(labels.contains(&&Value::Null), "the members-only course is hidden, its cell is not: {by_course:?}");
    assert_eq!(cells(virtual_platform, "byModality", "modality"), [shown("VIRTUAL", 21)]);

    let on_site = &public["target-redppol-onsite-340"];
    assert_eq!(on_site["officers"], 8, "{on_site:#}");
    assert_eq!(on_site["percentage"], 2.35, "8 of 340 is 2.3529 %");
    assert_eq!(
        cells(on_site, "byCountry", "country"),
        hidden_countries(&seed, &["COL", "HND"]),
        "Honduras's 3 are suppressed, and Colombia's 5 with them, or 8 - 5 would give Honduras away"
    );
    assert_eq!(cells(on_site, "byYear", "year"), [hidden(2017), hidden(2019)], "suppressed cells are ordered by key");
    assert_eq!(cells(on_site, "byCourse", "course"), [shown("REDPPOL-OS", 8)]);
    assert_eq!(cells(on_site, "byModality", "modality"), [shown("ON_SITE", 8)]);

    let any = &public["target-any-modality-1000"];
    assert_eq!(any["officers"], 28, "one Colombian completed on site and on the virtual platform: {any:#}");
    assert_eq!(any["percentage"], 2.8);
    assert_eq!(cells(any, "byModality", "modality"), [shown("VIRTUAL", 21), shown("ON_SITE", 8)]);
    assert_eq!(
        cells(any, "byCountry", "country"),
        [vec![shown("COL", 16)], hidden_countries(&seed, &["HND", "PER"])].concat()
    );

    let admin_view = progress_by_target(app, Some(&admin)).await;
    let virtual_platform = &admin_view["target-redppol-virtual-200000"];
    assert_eq!(cells(virtual_platform, "byCountry", "country"), [shown("COL", 12), shown("HND", 7), shown("PER", 2)]);
    assert_eq!(
        cells(virtual_platform, "byCourse", "course"),
        [shown("REDPPOL-ISO-REQ", 12), shown("ILL-CP-101", 10), shown("ILL-HR-102", 2)]
    );
    let on_site = &admin_view["target-redppol-onsite-340"];
    assert_eq!(cells(on_site, "byCountry", "country"), [shown("COL", 5), shown("HND", 3)]);
    assert_eq!(cells(on_site, "byYear", "year"), [shown(2019, 5), shown(2017, 3)]);
    assert_eq!(admin_view["target-any-modality-1000"]["officers"], 28);
    assert_eq!(admin_view["target-redppol-onsite-2-per-state"], Value::Null);
}
on_both!(figures, progress_figures_and_suppression);

/// Runs a query anonymously and returns its data with the number of statements it sent.
async fn counted(app: &TestApp, query: &str) -> (Value, u64) {
    let before = app.statements.get();
    let data = app.data(query, json!({})).await;
    (data, app.statements.get() - before)
}

const TARGETS: &str = "{ targets FILTER { nodes { progress { officers
    byCountry { country { code } officers } byCourse { course { code } officers } } } } }";

async fn progress_costs_fixed_statements(app: &TestApp) {
    add_completions(app).await;
    let (data, statements) = counted(app, &TARGETS.replace("FILTER", "")).await;
    let nodes = data["targets"]["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 3, "{data:#}");
    assert_eq!(nodes.iter().filter(|node| node["progress"].is_object()).count(), 2, "{data:#}");
    // targets, progress counts, countries, courses
    eprintln!("{:?}: progress of 3 targets took {statements} SQL statements", app.backend);
    assert!(statements <= 4, "the progress of 3 targets took {statements} statements");
    let (data, one) = counted(app, &TARGETS.replace("FILTER", "(filter: { modality: VIRTUAL })")).await;
    assert_eq!(data["targets"]["nodes"].as_array().unwrap().len(), 1, "{data:#}");
    assert_eq!(one, statements, "1 target and 3 targets cost the same number of statements");
}
on_both!(statements, progress_costs_fixed_statements);
