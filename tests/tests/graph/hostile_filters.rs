//! Generated hostile values in the filters, paging arguments and ids of the root lists:
//! every response is data or a client error, and `LIKE` wildcards in text filters match
//! only themselves.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entities::publications;
use integration_tests::{TestApp, on_both};
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};

use crate::people::{People, create_draft};

/// Generated requests per backend.
const CASES: usize = 100;

/// Fixed seed, so that a failure repeats on the next run.
const SEED: u64 = 0x5eed_f11e_75a5_0001;

/// Error codes that blame the request rather than the server.
const CLIENT_CODES: [&str; 3] = ["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED", "NOT_FOUND"];

/// A small deterministic generator (SplitMix64), enough to pick cases reproducibly.
struct Generator(u64);

impl Generator {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    /// Returns true with probability `1 / n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }

    /// Builds a hostile string from one to three fragments, sometimes repeated to a few KB.
    fn text(&mut self) -> String {
        const FRAGMENTS: &[&str] = &[
            "",
            " ",
            " \t\n ",
            "COL",
            "co",
            "policia",
            "network-redppol",
            "topic-homicide-reduction",
            "e\u{301}\u{308}\u{323}",
            "\u{202e}lobal\u{202c}",
            "\u{200f}مرحبا\u{200e}",
            "עברית",
            "👮\u{200d}♀️🚓",
            "\u{0}",
            "a\u{0}b",
            "\u{1}\u{1f}\u{7f}\u{85}",
            "\u{feff}",
            "\u{fffd}\u{10ffff}",
            "'",
            "\"",
            ";",
            "--",
            "' OR '1'='1",
            "'; DROP TABLE countries; --",
            "\\",
            "\\%",
            "%",
            "_",
            "%%",
            "a%b_c",
            "[a-z]",
            "*",
            "$1",
            "/* */",
            "E'\\x00'",
        ];
        let mut text = String::new();
        for _ in 0..=self.below(3) {
            text.push_str(self.pick(FRAGMENTS));
        }
        if self.one_in(8) {
            let repeat = 1 + self.below(6_000) / text.len().max(1);
            text = text.repeat(repeat);
        }
        text
    }

    /// Generates an `Int` argument: extremes, plausible years, or a JSON value that is no GraphQL `Int`.
    fn int(&mut self) -> Value {
        self.pick(&[
            json!(0),
            json!(-1),
            json!(2017),
            json!(99_999),
            json!(-99_999),
            json!(i32::MAX),
            json!(i32::MIN),
            json!(i64::from(i32::MAX) + 1),
            json!(i64::MIN),
            json!(1e300),
            json!(1.5),
            json!("2017"),
        ])
    }

    /// Generates a `Date` argument, valid or not.
    fn date(&mut self) -> Value {
        self.pick(&[
            json!("2025-01-31"),
            json!("0000-01-01"),
            json!("9999-12-31"),
            json!("1970-01-01"),
            json!("2025-02-30"),
            json!("2025-13-01"),
            json!(""),
            json!("2025-1-1"),
            json!("tomorrow"),
            json!("2025-01-31T00:00:00Z"),
            json!("-001-01-01"),
            json!("+2025-01-31"),
            json!(20_250_131),
            json!("2025-01-3\u{0}"),
        ])
    }

    fn boolean(&mut self) -> Value {
        self.pick(&[json!(true), json!(false), json!(true), json!(false), json!("yes"), json!(1)])
    }

    /// Generates one enum value, now and then a misspelt one.
    fn enum_value(&mut self, values: &[&str]) -> Value {
        match self.below(10) {
            0 => json!(self.pick(&["NOT_A_VALUE", "", "active", "ACTIVE'; --"])),
            _ => json!(self.pick(values)),
        }
    }

    /// Generates a list of enum values: empty, a few, with a misspelt one, or a bare value.
    fn enum_list(&mut self, values: &[&str]) -> Value {
        match self.below(8) {
            0 => json!([]),
            1 => self.enum_value(values),
            _ => Value::Array((0..=self.below(3)).map(|_| self.enum_value(values)).collect()),
        }
    }

    /// Generates a page size: absent, valid, or out of range.
    fn page_size(&mut self) -> Option<Value> {
        match self.below(12) {
            0..=4 => None,
            5 => Some(json!(0)),
            6 => Some(json!(1)),
            7 => Some(json!(100)),
            8 => Some(json!(101)),
            9 => Some(json!(-1)),
            10 => Some(json!(i32::MAX)),
            _ => Some(json!(i32::MIN)),
        }
    }

    /// Generates a global id: garbage text, well-formed ids of rows that do not exist or of unknown types,
    /// or a real one.
    fn global_id(&mut self, real: &str) -> Value {
        let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
        match self.below(10) {
            0 | 1 => json!(self.text()),
            2 => json!(encode(&self.text())),
            3 => json!(encode("Country:0")),
            4 => json!(encode(&format!("Country:{}", i32::MAX))),
            5 => json!(encode("Country:99999999999")),
            6 => json!(encode(&format!("{}:1", self.pick(&["Unknown", "Country\u{0}", "Member", "country"])))),
            7 => json!(self.pick(&[json!(5), json!(-1)])),
            8 => json!(format!("{real}{}", self.text())),
            _ => json!(real),
        }
    }
}

/// The kind of value a filter field takes.
#[derive(Clone, Copy)]
enum Field {
    Text,
    Int,
    Date,
    Bool,
    Enum(&'static [&'static str]),
    EnumList(&'static [&'static str]),
}

const REGION: &[&str] = &["CARIBBEAN", "CENTRAL_AMERICA", "NORTH_AMERICA", "SOUTH_AMERICA"];
const OAS_STATUS: &[&str] = &["ACTIVE", "NOT_PARTICIPATING", "WITHDRAWN", "CONTESTED"];
const ORGANIZATION_KIND: &[&str] = &["OBSERVATORY", "UNIVERSITY", "POLICE_ACADEMY", "NGO", "POLICE_INSTITUTION"];
const POLICE_KIND: &[&str] = &["NATIONAL_POLICE", "GENDARMERIE", "STATE_POLICE", "MUNICIPAL_POLICE"];
const LEVEL: &[&str] = &["NATIONAL", "FEDERAL", "STATE", "MUNICIPAL"];
const CERTIFICATION_STATUS: &[&str] = &["IN_PROGRESS", "ACTIVE", "SUSPENDED", "WITHDRAWN", "EXPIRED"];
const PUBLICATION_KIND: &[&str] = &["REPORT", "GUIDE", "MANUAL", "DATASET"];
const INITIATIVE_KIND: &[&str] = &["PROGRAM", "PRACTICE", "POLICY", "LAW"];
const EVIDENCE_LEVEL: &[&str] = &["EFFECTIVE", "PROMISING", "NO_EFFECT", "HARMFUL", "NOT_EVALUATED"];
const MODALITY: &[&str] = &["ON_SITE", "VIRTUAL", "BLENDED"];
const OFFERING_STATUS: &[&str] = &["SCHEDULED", "POSTPONED", "CANCELLED"];
const EVENT_KIND: &[&str] = &["LAUNCH", "GENERAL_ASSEMBLY", "TRAINING", "FORUM"];

/// A root list: its field, filter input type (none for `networks`, whose one filter is a
/// plain `search` argument), filter fields and order values.
struct Root {
    field: &'static str,
    filter_type: Option<&'static str>,
    fields: &'static [(&'static str, Field)],
    order: Option<(&'static str, &'static [&'static str])>,
}

const ROOTS: &[Root] = &[
    Root {
        field: "countries",
        filter_type: Some("CountryFilter"),
        fields: &[("region", Field::Enum(REGION)), ("oasStatus", Field::Enum(OAS_STATUS)), ("search", Field::Text)],
        order: Some(("CountryOrderBy", &["NAME", "CODE", "MEMBER_SINCE"])),
    },
    Root {
        field: "topics",
        filter_type: Some("TopicFilter"),
        fields: &[("parent", Field::Text), ("rootsOnly", Field::Bool), ("search", Field::Text)],
        order: None,
    },
    Root { field: "networks", filter_type: None, fields: &[("search", Field::Text)], order: None },
    Root {
        field: "organizations",
        filter_type: Some("OrganizationFilter"),
        fields: &[("kinds", Field::EnumList(ORGANIZATION_KIND)), ("country", Field::Text), ("search", Field::Text)],
        order: None,
    },
    Root {
        field: "policeInstitutions",
        filter_type: Some("PoliceInstitutionFilter"),
        fields: &[
            ("country", Field::Text),
            ("kinds", Field::EnumList(POLICE_KIND)),
            ("level", Field::Enum(LEVEL)),
            ("certificationStandard", Field::Text),
            ("active", Field::Bool),
            ("search", Field::Text),
        ],
        order: None,
    },
    Root {
        field: "qualityCertifications",
        filter_type: Some("QualityCertificationFilter"),
        fields: &[
            ("country", Field::Text),
            ("institution", Field::Text),
            ("standard", Field::Text),
            ("statuses", Field::EnumList(CERTIFICATION_STATUS)),
            ("validOn", Field::Date),
            ("verified", Field::Bool),
        ],
        order: None,
    },
    Root {
        field: "publications",
        filter_type: Some("PublicationFilter"),
        fields: &[
            ("kinds", Field::EnumList(PUBLICATION_KIND)),
            ("country", Field::Text),
            ("topic", Field::Text),
            ("language", Field::Text),
            ("yearFrom", Field::Int),
            ("yearTo", Field::Int),
            ("publisher", Field::Text),
            ("search", Field::Text),
        ],
        order: Some(("PublicationOrderBy", &["NEWEST", "OLDEST", "TITLE"])),
    },
    Root {
        field: "initiatives",
        filter_type: Some("InitiativeFilter"),
        fields: &[
            ("kinds", Field::EnumList(INITIATIVE_KIND)),
            ("country", Field::Text),
            ("topic", Field::Text),
            ("evidenceLevels", Field::EnumList(EVIDENCE_LEVEL)),
            ("startYearFrom", Field::Int),
            ("startYearTo", Field::Int),
            ("search", Field::Text),
        ],
        order: Some(("InitiativeOrderBy", &["NAME", "NEWEST", "OLDEST"])),
    },
    Root {
        field: "courses",
        filter_type: Some("CourseFilter"),
        fields: &[
            ("modality", Field::Enum(MODALITY)),
            ("network", Field::Text),
            ("topic", Field::Text),
            ("search", Field::Text),
        ],
        order: Some(("CourseOrderBy", &["TITLE", "CODE"])),
    },
    Root {
        field: "courseOfferings",
        filter_type: Some("CourseOfferingFilter"),
        fields: &[
            ("course", Field::Text),
            ("modality", Field::Enum(MODALITY)),
            ("country", Field::Text),
            ("venue", Field::Text),
            ("status", Field::Enum(OFFERING_STATUS)),
            ("startsFrom", Field::Date),
            ("startsTo", Field::Date),
        ],
        order: Some(("CourseOfferingOrderBy", &["STARTS_FIRST", "STARTS_LAST"])),
    },
    Root {
        field: "events",
        filter_type: Some("EventFilter"),
        fields: &[
            ("kinds", Field::EnumList(EVENT_KIND)),
            ("country", Field::Text),
            ("network", Field::Text),
            ("yearFrom", Field::Int),
            ("yearTo", Field::Int),
            ("search", Field::Text),
        ],
        order: Some(("EventOrderBy", &["LATEST", "EARLIEST"])),
    },
    Root {
        field: "targets",
        filter_type: Some("TargetFilter"),
        fields: &[("network", Field::Text), ("modality", Field::Enum(MODALITY))],
        order: None,
    },
];

/// Decodes the cursor key (list and ordering name) and sort value of a cursor the API issued.
fn cursor_parts(cursor: &str) -> (Value, Value) {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).expect("the API issues base64 cursors");
    let parts: Value = serde_json::from_slice(&bytes).expect("the API issues JSON cursors");
    (parts[0].clone(), parts[1].clone())
}

/// Fetches one cursor of each root list in its default order, for reuse and forgery.
async fn issued_cursors(app: &TestApp) -> Vec<Option<String>> {
    let mut cursors = Vec::new();
    for root in ROOTS {
        let query = format!("{{ {}(first: 1) {{ pageInfo {{ endCursor }} }} }}", root.field);
        let data = app.data(&query, json!({})).await;
        cursors.push(data[root.field]["pageInfo"]["endCursor"].as_str().map(str::to_owned));
    }
    cursors
}

/// Generates a value for `after` or `before`: garbage, a forged cursor for the right list with a
/// hostile sort value, another list's cursor, or this list's own.
fn cursor(generator: &mut Generator, own: Option<&str>, others: &[Option<String>]) -> Value {
    let forged = |key: &Value, value: Value| URL_SAFE_NO_PAD.encode(json!([key, value, 1]).to_string());
    match (generator.below(6), own) {
        (0, _) => json!(generator.text()),
        (1, _) => json!(URL_SAFE_NO_PAD.encode(generator.text())),
        (2, Some(own)) => {
            let (key, value) = cursor_parts(own);
            let hostile = if value.is_i64() {
                generator.pick(&[json!(i64::MAX), json!(i64::MIN), json!(0)])
            } else {
                json!(generator.text())
            };
            json!(forged(&key, hostile))
        }
        (3, _) => json!(generator.pick(others)),
        (4, Some(own)) => json!(format!("{own}{}", generator.text())),
        _ => json!(own),
    }
}

/// Generates a filter object that sets each field of `root` with probability one half.
fn generated_filter(generator: &mut Generator, root: &Root) -> serde_json::Map<String, Value> {
    let mut filter = serde_json::Map::new();
    for (name, field) in root.fields {
        if !generator.one_in(2) {
            continue;
        }
        let value = match field {
            Field::Text => json!(generator.text()),
            Field::Int => generator.int(),
            Field::Date => generator.date(),
            Field::Bool => generator.boolean(),
            Field::Enum(values) => generator.enum_value(values),
            Field::EnumList(values) => generator.enum_list(values),
        };
        filter.insert((*name).to_owned(), value);
    }
    filter
}

/// A query's variable declarations, field arguments and variable values, built together.
#[derive(Default)]
struct Arguments {
    declarations: Vec<String>,
    arguments: Vec<String>,
    variables: serde_json::Map<String, Value>,
}

impl Arguments {
    fn add(&mut self, name: &str, graphql_type: &str, argument: &str, value: Value) {
        self.declarations.push(format!("${name}: {graphql_type}"));
        self.arguments.push(format!("{argument}: ${name}"));
        self.variables.insert(name.to_owned(), value);
    }
}

/// Generates a request to a root list: the query text and its variables.
fn connection_request(generator: &mut Generator, root_index: usize, cursors: &[Option<String>]) -> (String, Value) {
    let root = &ROOTS[root_index];
    let mut filter = generated_filter(generator, root);
    let mut arguments = Arguments::default();
    match root.filter_type {
        Some(filter_type) => arguments.add("filter", filter_type, "filter", Value::Object(filter)),
        None => arguments.add("search", "String", "search", filter.remove("search").unwrap_or(Value::Null)),
    }

    // A forged cursor only reaches the database in the list's default order.
    let with_cursor = generator.one_in(3);
    if let Some((order_type, values)) = root.order
        && !with_cursor
        && generator.one_in(2)
    {
        let order = generator.enum_value(values);
        arguments.add("order", order_type, "orderBy", order);
    }
    for name in ["first", "last"] {
        if let Some(size) = generator.page_size() {
            arguments.add(name, "Int", name, size);
        }
    }
    if with_cursor {
        let name = generator.pick(&["after", "before"]);
        let value = cursor(generator, cursors[root_index].as_deref(), cursors);
        arguments.add(name, "String", name, value);
    }

    let query = format!(
        "query({}) {{ {}({}) {{ totalCount pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }}",
        arguments.declarations.join(", "),
        root.field,
        arguments.arguments.join(", ")
    );
    (query, Value::Object(arguments.variables))
}

/// Generates a search written into the query text as a literal, so the parser meets the characters.
fn literal_search_request(generator: &mut Generator) -> (String, Value) {
    let root = generator.pick(&["countries", "organizations", "publications", "events"]);
    let literal = serde_json::to_string(&generator.text()).expect("a string serializes");
    (format!("{{ {root}(filter: {{ search: {literal} }}) {{ totalCount nodes {{ id }} }} }}"), json!({}))
}

/// Generates a `node` and `nodes` request with hostile ids.
fn node_request(generator: &mut Generator, real: &str) -> (String, Value) {
    let count = match generator.below(6) {
        0 => 0,
        1 => 101,
        _ => 1 + generator.below(5),
    };
    let ids: Vec<Value> = (0..count).map(|_| generator.global_id(real)).collect();
    let query = "query($id: ID!, $ids: [ID!]!) { node(id: $id) { id } nodes(ids: $ids) { id } }";
    (query.to_owned(), json!({ "id": generator.global_id(real), "ids": ids }))
}

/// Posts a request and returns a description of what is wrong with the response, if anything.
async fn check_response(app: &TestApp, query: &str, variables: &Value) -> Option<String> {
    let response = app
        .client()
        .post(app.url())
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("send the GraphQL request");
    let status = response.status().as_u16();
    let body = response.text().await.expect("read the response body");
    let problem = |what: &str| Some(format!("{what}; status {status}, body {body}"));
    if status >= 500 {
        return problem("server error status");
    }
    let Ok(json) = serde_json::from_str::<Value>(&body) else { return problem("the body is not JSON") };
    match json.get("errors") {
        Some(Value::Array(errors)) if !errors.is_empty() => {
            if status != 200 && status != 400 {
                return problem("unexpected status for a GraphQL error");
            }
            for error in errors {
                let code = error["extensions"]["code"].as_str().unwrap_or("(none)");
                if !CLIENT_CODES.contains(&code) {
                    return problem(&format!("error code {code} is not a client error code"));
                }
                if error["extensions"]["requestId"].as_str().is_none_or(str::is_empty) {
                    return problem("an error has no requestId");
                }
            }
            None
        }
        Some(_) => problem("`errors` is not a non-empty list"),
        None if status != 200 => problem("a response without errors has a status other than 200"),
        None if !json["data"].is_object() => problem("a response without errors has no data"),
        None => None,
    }
}

async fn hostile_inputs_get_client_errors(app: &TestApp) {
    let cursors = issued_cursors(app).await;
    let country = app.data("{ countries(first: 1) { nodes { id } } }", json!({})).await;
    let real_id = country["countries"]["nodes"][0]["id"].as_str().expect("the seed has countries").to_owned();

    let mut generator = Generator(SEED);
    let mut failures = Vec::new();
    for case in 0..CASES {
        let (query, variables) = match generator.below(10) {
            0 | 1 => node_request(&mut generator, &real_id),
            2 => literal_search_request(&mut generator),
            _ => {
                let root = generator.below(ROOTS.len());
                connection_request(&mut generator, root, &cursors)
            }
        };
        if let Some(problem) = check_response(app, &query, &variables).await {
            let variables_excerpt = variables.to_string().chars().take(2_000).collect::<String>();
            failures.push(format!("case {case}: {problem}\n  query: {query}\n  variables: {variables_excerpt}"));
        }
    }
    assert!(failures.is_empty(), "{} of {CASES} requests failed:\n{}", failures.len(), failures.join("\n"));

    let data = app.data("{ countries(first: 3) { totalCount nodes { code } } }", json!({})).await;
    assert_eq!(data["countries"]["nodes"].as_array().map(Vec::len), Some(3), "the server still answers: {data:#}");
}
on_both!(hostile_inputs, hostile_inputs_get_client_errors);

// PostgreSQL cannot store or compare text containing U+0000 and fails the statement, so the
// API has to reject such text as bad input before it reaches the database.
async fn nul_characters_in_text_filters_are_client_errors(app: &TestApp) {
    let cases = [
        ("query($text: String) { countries(filter: { search: $text }) { totalCount } }", "a\u{0}b"),
        ("query($text: String) { organizations(filter: { country: $text }) { totalCount } }", "CO\u{0}L"),
        ("query($text: String) { targets(filter: { network: $text }) { totalCount } }", "\u{0}"),
    ];
    for (query, text) in cases {
        let problem = check_response(app, query, &json!({ "text": text })).await;
        assert_eq!(problem, None, "{query} with {text:?}");
    }
}
on_both!(nul_in_text_filters, nul_characters_in_text_filters_are_client_errors);

// PostgreSQL dates start in 4713 BC, so an earlier year cannot be a bound in SQL there.
async fn event_years_before_any_stored_date_are_client_errors(app: &TestApp) {
    for filter in [json!({ "yearFrom": -99_999 }), json!({ "yearTo": -5_000 })] {
        let query = "query($filter: EventFilter) { events(filter: $filter) { totalCount } }";
        let problem = check_response(app, query, &json!({ "filter": filter })).await;
        assert_eq!(problem, None, "events with {filter}");
    }
}
on_both!(event_years_out_of_range, event_years_before_any_stored_date_are_client_errors);

/// Returns the row ids behind a connection's `nodes { id }`.
fn row_ids(connection: &Value) -> Vec<i32> {
    connection["nodes"]
        .as_array()
        .expect("the connection has nodes")
        .iter()
        .map(|node| {
            api::ids::decode_global_id(node["id"].as_str().expect("each node has an id")).expect("a valid id").1
        })
        .collect()
}

/// Reads a row's stored `search_text` directly from the database.
async fn search_text(app: &TestApp, table: &str, id: i32) -> String {
    let sql = format!("SELECT search_text FROM {table} WHERE id = {id}");
    let statement = Statement::from_string(app.db.get_database_backend(), sql);
    let row = app.db.query_one_raw(statement).await.expect("read a search text").expect("the listed row exists");
    row.try_get("", "search_text").expect("search_text is text")
}

async fn like_wildcards_match_only_themselves(app: &TestApp) {
    let people = People::create(app).await;
    let titles = ["Crime fell 100% in one district", "Snake_case field guide", "Back\\slash report"];
    let mut created = Vec::new();
    for title in titles {
        let draft = create_draft(app, &people.editor, &people.prevention, title, "PUBLIC").await;
        let id = api::ids::decode_global_id(draft["id"].as_str().expect("the draft has an id")).expect("a valid id");
        created.push(id.1);
    }

    let query =
        "query($text: String) { publications(first: 100, filter: { search: $text }) { totalCount nodes { id } } }";
    let authorization = format!("Bearer {}", people.editor);
    let headers = [("Authorization", authorization.as_str()), ("Preview", "drafts")];
    for (wildcard, expected) in [("%", created[0]), ("_", created[1]), ("\\", created[2])] {
        let (status, body) = app.post_with_headers(query, json!({ "text": wildcard }), &headers).await;
        assert_eq!(status, 200, "{body:#}");
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        let found = row_ids(&body["data"]["publications"]);
        assert!(found.contains(&expected), "searching {wildcard:?} finds the title that contains it: {body:#}");
        assert_eq!(body["data"]["publications"]["totalCount"], json!(found.len()), "{body:#}");
        for id in found {
            let row = publications::Entity::find_by_id(id).one(&app.db).await.expect("read a publication");
            let row = row.expect("a listed publication exists");
            assert!(row.search_text.contains(wildcard), "{wildcard:?} matched {:?}", row.search_text);
        }
    }

    let (_, body) = app.post_with_headers(query, json!({ "text": "100_" }), &headers).await;
    assert_eq!(body["data"]["publications"]["totalCount"], 0, "`_` matches only itself: {body:#}");

    // Every other searchable list: an unescaped wildcard would match every row.
    let lists = [
        ("countries", "countries"),
        ("topics", "topics"),
        ("organizations", "organizations"),
        ("initiatives", "initiatives"),
        ("courses", "courses"),
        ("events", "events"),
    ];
    for (field, table) in lists {
        for wildcard in ["%", "_"] {
            let query = format!(
                "query($text: String) {{ {field}(first: 100, filter: {{ search: $text }}) {{ nodes {{ id }} }} }}"
            );
            let data = app.data(&query, json!({ "text": wildcard })).await;
            for id in row_ids(&data[field]) {
                let text = search_text(app, table, id).await;
                assert!(text.contains(wildcard), "{field} search {wildcard:?} matched {text:?}");
            }
        }
    }

    let standards = "query($text: String) {
        policeInstitutions(first: 100, filter: { certificationStandard: $text }) { nodes { certifications { standard } } }
        qualityCertifications(first: 100, filter: { standard: $text }) { nodes { standard } } }";
    for wildcard in ["%", "_"] {
        let data = app.data(standards, json!({ "text": wildcard })).await;
        for node in data["qualityCertifications"]["nodes"].as_array().expect("certifications are listed") {
            let standard = node["standard"].as_str().expect("a certification has a standard");
            assert!(standard.contains(wildcard), "{wildcard:?} matched the standard {standard:?}");
        }
        for node in data["policeInstitutions"]["nodes"].as_array().expect("institutions are listed") {
            let standards = node["certifications"].as_array().expect("an institution lists its certifications");
            let matching = standards.iter().any(|c| c["standard"].as_str().is_some_and(|s| s.contains(wildcard)));
            assert!(matching, "{wildcard:?} matched an institution without such a standard: {node}");
        }
    }
}
on_both!(like_wildcards, like_wildcards_match_only_themselves);
