//! A bounded burst of concurrent reads and writes against one server: every request
//! succeeds, and every acknowledged write is stored with the values sent.

use std::collections::HashMap;
use std::time::Instant;

use entities::publications;
use integration_tests::{TestApp, join_all, on_both};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::people::People;

const READERS: usize = 8;
const READS_PER_READER: usize = 40;
const WRITERS: usize = 4;
const WRITES_PER_WRITER: usize = 15;

/// Prefix of every title the writers create, so that they can be counted afterwards.
const TITLE_PREFIX: &str = "Load burst";

/// Read queries of different shapes: lists with nested relations, lookups by id and a search.
const READ_QUERIES: [&str; 6] = [
    "{ countries(first: 10) { totalCount nodes { id code name { text } policeInstitutions(first: 5) { nodes { officialName } } } } }",
    "{ publications(first: 10, orderBy: NEWEST) { totalCount nodes { id slug year topics { slug } countries { code } } } }",
    "query($id: ID!) { node(id: $id) { id ... on Country { code publications(first: 5) { nodes { slug } } } } }",
    "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Country { code } } }",
    r#"{ initiatives(first: 10, filter: { search: "prevencion" }) { totalCount nodes { slug topics { slug } } } }"#,
    "{ courses(first: 5) { nodes { code title { text } offerings(first: 3) { nodes { id } } } } }",
];

/// The outcome of one request: its status, its body and the points of the client's
/// rate-limit budget left after it, from the `RateLimit` header when the server sends one.
struct Outcome {
    status: u16,
    body: Value,
    points_left: Option<u64>,
}

impl Outcome {
    fn failed(&self) -> bool {
        self.status != 200 || self.body.get("errors").is_some()
    }
}

/// A write the server acknowledged: the row id, title and year sent.
struct Written {
    id: String,
    title: String,
    year: i64,
}

/// Reads the `r` (remaining points) parameter of a `RateLimit` header such as
/// `"cost";r=99876;t=55`.
fn points_left(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    let value = headers.get("ratelimit")?.to_str().ok()?;
    let remaining = value.split(';').find_map(|parameter| parameter.trim().strip_prefix("r="))?;
    remaining.parse().ok()
}

/// Posts a query as `token` (`None`: anonymous) and records the outcome.
async fn send(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Outcome {
    let mut request = app.client().post(app.url()).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.expect("send the GraphQL request");
    let status = response.status().as_u16();
    let points_left = points_left(response.headers());
    let body = response.json().await.expect("parse the GraphQL response as JSON");
    Outcome { status, body, points_left }
}

async fn reader(app: &TestApp, reader: usize, country_ids: &[String]) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(READS_PER_READER);
    for i in 0..READS_PER_READER {
        let query = READ_QUERIES[(reader + i) % READ_QUERIES.len()];
        let id = &country_ids[(reader * READS_PER_READER + i) % country_ids.len()];
        let variables = if query.contains("$ids") {
            json!({ "ids": country_ids.iter().take(5).collect::<Vec<_>>() })
        } else if query.contains("$id") {
            json!({ "id": id })
        } else {
            json!({})
        };
        outcomes.push(send(app, None, query, variables).await);
    }
    outcomes
}

async fn writer(app: &TestApp, writer: usize, token: &str, network: &str) -> (Vec<Outcome>, Vec<Written>) {
    let query = "mutation($input: CreatePublicationInput!) { createPublication(input: $input) {
        publication { id title { text } year editorial { status } } userErrors { field code message } } }";
    let mut outcomes = Vec::with_capacity(WRITES_PER_WRITER);
    let mut written = Vec::new();
    for i in 0..WRITES_PER_WRITER {
        let title = format!("{TITLE_PREFIX} writer {writer} draft {i}");
        let year = 1990 + i64::try_from(writer * WRITES_PER_WRITER + i).expect("a small number");
        let input = json!({
            "networkId": network,
            "titles": [{ "locale": "EN", "text": title }],
            "kind": "REPORT",
            "originalLanguage": "en",
            "year": year,
        });
        let outcome = send(app, Some(token), query, json!({ "input": input })).await;
        let body = &outcome.body;
        let payload = &body["data"]["createPublication"];
        // A write counts as acknowledged when the server returns the created publication.
        if outcome.status == 200
            && payload["userErrors"] == json!([])
            && let Some(id) = payload["publication"]["id"].as_str()
        {
            assert_eq!(payload["publication"]["title"]["text"], title.as_str(), "{body:#}");
            assert_eq!(payload["publication"]["year"], year, "{body:#}");
            written.push(Written { id: id.to_owned(), title, year });
        }
        outcomes.push(outcome);
    }
    (outcomes, written)
}

/// Counts the stored publications whose title starts with the burst's prefix.
async fn stored_burst_rows(app: &TestApp) -> u64 {
    let prefix = format!("{}%", TITLE_PREFIX.to_lowercase());
    publications::Entity::find()
        .filter(publications::Column::SearchText.like(prefix))
        .count(&app.db)
        .await
        .expect("count the burst's publications")
}

async fn concurrent_reads_and_writes_all_succeed(app: &TestApp) {
    let people = People::create(app).await;
    let countries = app.data("{ countries(first: 20) { nodes { id } } }", json!({})).await;
    let country_ids: Vec<String> = countries["countries"]["nodes"]
        .as_array()
        .expect("countries are listed")
        .iter()
        .map(|node| node["id"].as_str().expect("a country has an id").to_owned())
        .collect();
    assert!(!country_ids.is_empty(), "the seed has countries");
    let rows_before = publications::Entity::find().count(&app.db).await.expect("count publications");
    assert_eq!(stored_burst_rows(app).await, 0, "no burst titles exist before the burst");

    let started = Instant::now();
    let reads = join_all((0..READERS).map(|i| reader(app, i, &country_ids)));
    let writes = join_all((0..WRITERS).map(|i| writer(app, i, &people.editor, &people.prevention)));
    let (reads, writes) = tokio::join!(reads, writes);
    let elapsed = started.elapsed();

    let read_outcomes: Vec<Outcome> = reads.into_iter().flatten().collect();
    let (write_outcomes, written): (Vec<Vec<Outcome>>, Vec<Vec<Written>>) = writes.into_iter().unzip();
    let write_outcomes: Vec<Outcome> = write_outcomes.into_iter().flatten().collect();
    let written: Vec<Written> = written.into_iter().flatten().collect();
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for outcome in read_outcomes.iter().chain(&write_outcomes) {
        *statuses.entry(outcome.status).or_default() += 1;
    }
    let failed_reads = read_outcomes.iter().filter(|outcome| outcome.failed()).count();
    let failed_writes = write_outcomes.iter().filter(|outcome| outcome.failed()).count();
    let least_points_left = |outcomes: &[Outcome]| outcomes.iter().filter_map(|outcome| outcome.points_left).min();
    eprintln!(
        "load on {:?}: {} reads ({failed_reads} failed), {} writes ({failed_writes} failed, {} acknowledged), statuses {statuses:?}, {:.2} s",
        app.backend,
        read_outcomes.len(),
        write_outcomes.len(),
        written.len(),
        elapsed.as_secs_f64()
    );
    eprintln!(
        "rate-limit points left at the lowest: anonymous readers {:?}, the editor's writes {:?}",
        least_points_left(&read_outcomes),
        least_points_left(&write_outcomes)
    );

    assert_eq!(read_outcomes.len(), READERS * READS_PER_READER);
    assert_eq!(write_outcomes.len(), WRITERS * WRITES_PER_WRITER);
    let first_failure = read_outcomes.iter().chain(&write_outcomes).find(|outcome| outcome.failed());
    assert!(first_failure.is_none(), "a request failed: {:#}", first_failure.map(|o| &o.body).unwrap_or(&Value::Null));
    assert_eq!(failed_reads, 0);
    assert_eq!(failed_writes, 0);
    assert_eq!(statuses.keys().copied().collect::<Vec<_>>(), vec![200], "every response is HTTP 200");
    assert_eq!(written.len(), WRITERS * WRITES_PER_WRITER, "every write is acknowledged with a publication");

    // Read back through the API, as the editor with the draft preview.
    let authorization = format!("Bearer {}", people.editor);
    let headers = [("Authorization", authorization.as_str()), ("Preview", "drafts")];
    let ids: Vec<&str> = written.iter().map(|write| write.id.as_str()).collect();
    let (status, body) = app
        .post_with_headers(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Publication { title { text } year editorial { status } } } }",
            json!({ "ids": ids }),
            &headers,
        )
        .await;
    assert_eq!(status, 200, "{body:#}");
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    let nodes = body["data"]["nodes"].as_array().expect("nodes are returned");
    assert_eq!(nodes.len(), written.len());
    for (node, write) in nodes.iter().zip(&written) {
        assert_eq!(node["id"], write.id.as_str(), "{node}");
        assert_eq!(node["title"]["text"], write.title.as_str(), "{node}");
        assert_eq!(node["year"], write.year, "{node}");
        assert_eq!(node["editorial"]["status"], "DRAFT", "{node}");
    }
    let (_, body) = app
        .post_with_headers(
            "query($text: String) { publications(first: 100, filter: { search: $text }) { totalCount } }",
            json!({ "text": TITLE_PREFIX }),
            &headers,
        )
        .await;
    assert_eq!(body["data"]["publications"]["totalCount"], json!(written.len()), "{body:#}");

    // Read back directly from the database.
    for write in &written {
        let (_, row_id) = api::ids::decode_global_id(&write.id).expect("the API issues valid ids");
        let row = publications::Entity::find_by_id(row_id).one(&app.db).await.expect("read a publication");
        let row = row.unwrap_or_else(|| panic!("publication {row_id} ({}) is stored", write.title));
        assert!(row.titles.to_string().contains(&write.title), "{} is stored as {}", write.title, row.titles);
        assert_eq!(row.published_year.map(i64::from), Some(write.year), "{}", write.title);
        assert_eq!(row.editorial_status, "draft", "{}", write.title);
    }
    let expected_rows = u64::try_from(written.len()).expect("a small number");
    assert_eq!(stored_burst_rows(app).await, expected_rows, "exactly the acknowledged writes are stored");
    let rows_after = publications::Entity::find().count(&app.db).await.expect("count publications");
    assert_eq!(rows_after, rows_before + expected_rows, "no other publication appeared or vanished");
}
on_both!(concurrent_burst, concurrent_reads_and_writes_all_succeed);
