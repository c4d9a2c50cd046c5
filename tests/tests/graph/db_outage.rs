//! A PostgreSQL outage in the middle of traffic, on a private cluster that the test stops
//! and starts again. Requests fail fast with `SERVICE_UNAVAILABLE` and HTTP 503 while the
//! database is down, and the same server recovers without a restart. Every acknowledged
//! write is present in full, and no write is half-applied.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::{Duration, Instant};

use api::auth::TokenScope;
use integration_tests::postgres::{PrivateCluster, StopMode};
use integration_tests::{Backend, TestApp};
use sea_orm::{ConnectionTrait as _, Statement};
use serde_json::{Value, json};

/// Traffic phases: the database is up, going down, down, coming back, and up again.
const BEFORE: u8 = 0;
const STOPPING: u8 = 1;
const OUTAGE: u8 = 2;
const RECOVERING: u8 = 3;
const AFTER: u8 = 4;

const READERS: usize = 4;
const WRITERS: usize = 3;
/// Maximum number of requests one worker sends, so that the loop ends even if phases stall.
const MAX_REQUESTS_PER_WORKER: usize = 400;
/// The pool acquire timeout the server runs with in this test.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// Far above the acquire timeout and far below sqlx's default of 30 s: a request that
/// takes longer hung on the database instead of failing fast.
const HANG_LIMIT: Duration = Duration::from_secs(15);
/// Countries each written publication links to; with its revision, every write adds this
/// many link rows plus one revision row in one transaction.
const LINKED_COUNTRIES: usize = 3;

const READ: &str = "query Read { countries(first: 5) { nodes { code } } }";
const WRITE: &str = "mutation Write($input: CreatePublicationInput!) {
    createPublication(input: $input) { publication { id slug } userErrors { field code message } } }";

/// One request's record.
struct Sample {
    started: u8,
    ended: u8,
    status: u16,
    codes: Vec<String>,
    elapsed: Duration,
    finished: Instant,
    /// For a write: its slug, and whether the server acknowledged it.
    write: Option<(String, bool)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_outage_mid_traffic() {
    let Some(cluster) = PrivateCluster::launch().await else { return };
    let url = cluster.admin().create_database("outage").await;
    let Some(app) = TestApp::spawn_adjusted(Backend::Postgres, |config| {
        config.database_url = url.clone();
        config.ops.database_acquire_timeout = Some(ACQUIRE_TIMEOUT);
    })
    .await
    else {
        return;
    };
    let app = Arc::new(app);
    let admin = app.create_member("Outage Admin", None, true, &[]).await;
    let token = app.create_token(admin, &[TokenScope::Admin, TokenScope::WriteContent, TokenScope::Read]).await;
    let data = app.data("{ networks { nodes { id } } countries(first: 3) { nodes { id } } }", json!({})).await;
    let network = data["networks"]["nodes"][0]["id"].as_str().expect("a seeded network").to_owned();
    let countries: Vec<String> = data["countries"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(countries.len(), LINKED_COUNTRIES);

    let phase = Arc::new(AtomicU8::new(BEFORE));
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for reader in 0..READERS {
        let (app, phase, stop) = (Arc::clone(&app), Arc::clone(&phase), Arc::clone(&stop));
        // Half the readers authenticate, so authentication's database lookups meet the outage too.
        let token = (reader % 2 == 0).then(|| token.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) && samples.len() < MAX_REQUESTS_PER_WORKER {
                samples.push(send(&app, &phase, token.as_deref(), READ, json!({}), None).await);
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            samples
        }));
    }
    for writer in 0..WRITERS {
        let (app, phase, stop) = (Arc::clone(&app), Arc::clone(&phase), Arc::clone(&stop));
        let (token, network, countries) = (token.clone(), network.clone(), countries.clone());
        workers.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while !stop.load(Ordering::Relaxed) && samples.len() < MAX_REQUESTS_PER_WORKER {
                let title = format!("Outage write {writer} {}", samples.len());
                let slug = title.to_lowercase().replace(' ', "-");
                let input = json!({ "input": {
                    "networkId": network,
                    "titles": [{ "locale": "EN", "text": title }, { "locale": "ES", "text": format!("Escritura {writer} {}", samples.len()) }],
                    "kind": "GUIDE",
                    "originalLanguage": "en",
                    "countryIds": countries,
                } });
                samples.push(send(&app, &phase, Some(&token), WRITE, input, Some(slug)).await);
                tokio::time::sleep(Duration::from_millis(60)).await;
            }
            samples
        }));
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    phase.store(STOPPING, Ordering::SeqCst);
    cluster.stop(StopMode::Immediate).await;
    let outage_began = Instant::now();
    phase.store(OUTAGE, Ordering::SeqCst);
    // Several acquire timeouts long, so that each worker sends requests wholly inside the outage.
    tokio::time::sleep(Duration::from_millis(4500)).await;
    let ready = app.client().get(format!("http://{}/ready", app.address)).send().await.expect("GET /ready");
    assert_eq!(ready.status(), 503, "/ready during the outage");
    let body: Value = ready.json().await.expect("a JSON readiness body");
    assert_eq!(body["check"], "database", "{body}");
    tokio::time::sleep(Duration::from_millis(500)).await;

    phase.store(RECOVERING, Ordering::SeqCst);
    cluster.start().await;
    let outage = outage_began.elapsed();
    let restarted = Instant::now();
    let deadline = restarted + Duration::from_secs(60);
    loop {
        let ready = app.client().get(format!("http://{}/ready", app.address)).send().await.expect("GET /ready");
        if ready.status() == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "/ready stayed {} for 60 s after the restart", ready.status());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready_after = restarted.elapsed();
    phase.store(AFTER, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    stop.store(true, Ordering::SeqCst);

    let mut samples = Vec::new();
    for worker in workers {
        samples.extend(worker.await.expect("join a traffic worker"));
    }
    let first_success_after_restart = samples
        .iter()
        .filter(|sample| sample.finished > restarted && sample.codes.is_empty() && sample.status == 200)
        .map(|sample| sample.finished - restarted)
        .min();

    let in_phase = |phase: u8| samples.iter().filter(move |sample| sample.started == phase && sample.ended == phase);
    let before: Vec<&Sample> = in_phase(BEFORE).collect();
    let during: Vec<&Sample> = in_phase(OUTAGE).collect();
    let after: Vec<&Sample> = in_phase(AFTER).collect();
    let acknowledged = samples.iter().filter(|sample| matches!(sample.write, Some((_, true)))).count();
    eprintln!(
        "outage figures: {} requests before, {} during, {} after ({} in transitions); outage {:.1} s; /ready 200 {:.2} s after the restart; {} writes acknowledged of {}",
        before.len(),
        during.len(),
        after.len(),
        samples.len() - before.len() - during.len() - after.len(),
        outage.as_secs_f64(),
        ready_after.as_secs_f64(),
        acknowledged,
        samples.iter().filter(|sample| sample.write.is_some()).count(),
    );
    let slowest_during = during.iter().map(|sample| sample.elapsed).max().unwrap_or_default();
    eprintln!(
        "outage figures: first successful request {:.2} s after the restart; slowest failed request during the outage {:.2} s",
        first_success_after_restart.unwrap_or_default().as_secs_f64(),
        slowest_during.as_secs_f64(),
    );

    assert!(!before.is_empty(), "traffic before the outage");
    assert!(!during.is_empty(), "traffic during the outage");
    assert!(!after.is_empty(), "traffic after recovery");
    for sample in &samples {
        assert!(
            !sample.codes.iter().any(|code| code == "INTERNAL"),
            "no INTERNAL error at any time: {:?}",
            sample.codes
        );
        assert!(sample.elapsed < HANG_LIMIT, "a request took {:?}, so it hung on the database", sample.elapsed);
    }
    for sample in &before {
        assert_eq!((sample.status, sample.codes.len()), (200, 0), "before the outage: {:?}", sample.codes);
    }
    for sample in &during {
        assert_eq!(sample.status, 503, "HTTP status during the outage: {:?}", sample.codes);
        assert!(!sample.codes.is_empty(), "an error during the outage");
        assert!(
            sample.codes.iter().all(|code| code == "SERVICE_UNAVAILABLE"),
            "codes during the outage: {:?}",
            sample.codes
        );
    }
    for sample in &after {
        assert_eq!((sample.status, sample.codes.len()), (200, 0), "after recovery: {:?}", sample.codes);
    }

    // Every acknowledged write is there in full, and no write is there in part.
    for sample in &samples {
        let Some((slug, acknowledged)) = &sample.write else { continue };
        let rows = stored_rows(&app, slug).await;
        if *acknowledged {
            assert_eq!(rows, Some((LINKED_COUNTRIES as i64, 1)), "acknowledged write {slug} is stored in full");
        } else if let Some(rows) = rows {
            // The commit may have succeeded just before its response was lost.
            assert_eq!(rows, (LINKED_COUNTRIES as i64, 1), "unacknowledged write {slug} is whole or absent");
        }
    }
    let partial = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            "SELECT COUNT(*) AS partial FROM publications p WHERE p.slug LIKE 'outage-write-%' AND (
                (SELECT COUNT(*) FROM publication_countries c WHERE c.publication_id = p.id) <> 3
                OR (SELECT COUNT(*) FROM revisions r WHERE r.entity_type = 'publication' AND r.entity_id = p.id) <> 1)",
        ))
        .await
        .expect("count partial writes")
        .expect("one row");
    assert_eq!(partial.try_get::<i64>("", "partial").unwrap(), 0, "no half-applied write");
}

/// Sends one request and records its phase, status, error codes and time.
async fn send(
    app: &TestApp,
    phase: &AtomicU8,
    token: Option<&str>,
    query: &str,
    variables: Value,
    write: Option<String>,
) -> Sample {
    let started = phase.load(Ordering::SeqCst);
    let clock = Instant::now();
    let mut request = app.client().post(app.url()).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.timeout(Duration::from_secs(60)).send().await.expect("the server answers");
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").cloned();
    let body: Value = response.json().await.expect("a JSON body");
    let elapsed = clock.elapsed();
    let ended = phase.load(Ordering::SeqCst);
    let codes: Vec<String> = body["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|error| error["extensions"]["code"].as_str().unwrap_or("NONE").to_owned())
        .collect();
    if status == 503 {
        assert!(retry_after.is_some(), "a 503 carries Retry-After: {body}");
    }
    let write = write.map(|slug| {
        let acknowledged =
            codes.is_empty() && body["data"]["createPublication"]["publication"]["slug"] == slug.as_str();
        if codes.is_empty() && !acknowledged {
            panic!("a write without errors that returned no publication: {body}");
        }
        (slug, acknowledged)
    });
    Sample { started, ended, status, codes, elapsed, finished: Instant::now(), write }
}

/// Returns a publication's country links and revisions, or `None` when it does not exist.
async fn stored_rows(app: &TestApp, slug: &str) -> Option<(i64, i64)> {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT
                (SELECT COUNT(*) FROM publication_countries c WHERE c.publication_id = p.id) AS links,
                (SELECT COUNT(*) FROM revisions r WHERE r.entity_type = 'publication' AND r.entity_id = p.id) AS revisions
             FROM publications p WHERE p.slug = $1",
            [slug.into()],
        ))
        .await
        .expect("read a written publication")?;
    Some((row.try_get("", "links").unwrap(), row.try_get("", "revisions").unwrap()))
}
