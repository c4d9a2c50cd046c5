//! Validating, idempotent import of a data set (one JSON file per kind).
//!
//! The import runs in three steps: every record is converted and checked against a dry
//! key table (so any bad field or unknown reference fails before anything is written),
//! then everything is written in one transaction in dependency order. Records are matched
//! by their string id (stored as `slug`), and a row is written only when it differs from
//! what is stored, so a second run of the same data changes nothing.

pub(crate) mod convert;
pub mod records;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, Iterable, PaginatorTrait, PrimaryKeyToColumn, QueryFilter, TransactionTrait,
};
use serde::de::DeserializeOwned;

use entities::{
    countries, course_offerings, courses, events, initiatives, networks, organizations, publications,
    quality_certifications, targets, topics,
};
use records::*;

pub use convert::Kind;
use convert::Stamped;

/// A record that failed validation, named by file, record id and field.
#[derive(Debug, thiserror::Error)]
#[error("{file}: record {record}: field `{field}`: {message}")]
pub struct ImportError {
    /// Data file, such as `courses.json`.
    pub file: String,
    /// The record's `id`.
    pub record: String,
    /// The field at fault.
    pub field: String,
    /// Description of the problem and of its fix.
    pub message: String,
}

/// Every record that failed validation; the import wrote nothing.
#[derive(Debug)]
pub struct ImportErrors(pub Vec<ImportError>);

/// Maximum number of failures listed in one message; the count covers them all.
const MAX_LISTED_ERRORS: usize = 50;

impl std::fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} problem(s) in the data set; nothing was imported:", self.0.len())?;
        for error in self.0.iter().take(MAX_LISTED_ERRORS) {
            write!(f, "\n  {error}")?;
        }
        if self.0.len() > MAX_LISTED_ERRORS {
            write!(f, "\n  … and {} more", self.0.len() - MAX_LISTED_ERRORS)?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

/// Records a failed check and keeps going, so that one run reports every problem.
fn note<T>(errors: &mut Vec<ImportError>, result: Result<T, ImportError>) {
    if let Err(error) = result {
        errors.push(error);
    }
}

/// Numbers of records an import created, updated or left unchanged.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    /// Records that did not exist before.
    pub created: u64,
    /// Records whose stored values or links changed.
    pub updated: u64,
    /// Records already stored exactly as in the data set.
    pub unchanged: u64,
}

/// A whole data set, parsed but not yet validated.
#[derive(Debug, Default)]
pub struct Dataset {
    /// `countries.json`.
    pub countries: Vec<CountryRecord>,
    /// `topics.json`.
    pub topics: Vec<TopicRecord>,
    /// `organizations.json`.
    pub organizations: Vec<OrganizationRecord>,
    /// `police_institutions.json`.
    pub institutions: Vec<InstitutionRecord>,
    /// `networks.json`.
    pub networks: Vec<NetworkRecord>,
    /// `quality_certifications.json`.
    pub certifications: Vec<CertificationRecord>,
    /// `publications.json`.
    pub publications: Vec<PublicationRecord>,
    /// `initiatives.json`.
    pub initiatives: Vec<InitiativeRecord>,
    /// `courses.json`.
    pub courses: Vec<CourseRecord>,
    /// `course_offerings.json`.
    pub offerings: Vec<OfferingRecord>,
    /// `events.json`.
    pub events: Vec<EventRecord>,
    /// `targets.json`.
    pub targets: Vec<TargetRecord>,
}

/// The data files, in the order their records are written.
pub const FILES: [&str; 12] = [
    "countries.json",
    "topics.json",
    "organizations.json",
    "police_institutions.json",
    "networks.json",
    "quality_certifications.json",
    "publications.json",
    "initiatives.json",
    "courses.json",
    "course_offerings.json",
    "events.json",
    "targets.json",
];

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<Vec<T>, ImportError> {
    serde_json::from_str(text).map_err(|err| ImportError {
        file: file.to_owned(),
        record: format!("at line {}", err.line()),
        field: "-".to_owned(),
        message: format!("{err}; fix the JSON so that the file is an array of records of the documented shape"),
    })
}

impl Dataset {
    /// Parses the seed data set compiled into the binary from `data/seed/`.
    pub fn embedded() -> Result<Dataset, ImportError> {
        Dataset::from_texts(|file| {
            Some(
                match file {
                    "countries.json" => include_str!("../../../data/seed/countries.json"),
                    "topics.json" => include_str!("../../../data/seed/topics.json"),
                    "organizations.json" => include_str!("../../../data/seed/organizations.json"),
                    "police_institutions.json" => include_str!("../../../data/seed/police_institutions.json"),
                    "networks.json" => include_str!("../../../data/seed/networks.json"),
                    "quality_certifications.json" => include_str!("../../../data/seed/quality_certifications.json"),
                    "publications.json" => include_str!("../../../data/seed/publications.json"),
                    "initiatives.json" => include_str!("../../../data/seed/initiatives.json"),
                    "courses.json" => include_str!("../../../data/seed/courses.json"),
                    "course_offerings.json" => include_str!("../../../data/seed/course_offerings.json"),
                    "events.json" => include_str!("../../../data/seed/events.json"),
                    "targets.json" => include_str!("../../../data/seed/targets.json"),
                    _ => return None,
                }
                .to_owned(),
            )
        })
    }

    /// Parses the data files found in `dir`; a missing file means no records of that kind.
    pub fn from_dir(dir: &Path) -> anyhow::Result<Dataset> {
        if !dir.is_dir() {
            anyhow::bail!(
                "{} is not a directory; pass the directory that contains countries.json and the other data files",
                dir.display()
            );
        }
        let mut failure = None;
        let dataset = Dataset::from_texts(|file| {
            let path = dir.join(file);
            match std::fs::read_to_string(&path) {
                Ok(text) => Some(text),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
                Err(err) => {
                    failure = Some(anyhow::anyhow!("could not read {}: {err}", path.display()));
                    None
                }
            }
        })?;
        match failure {
            Some(err) => Err(err),
            None => Ok(dataset),
        }
    }

    fn from_texts(mut read: impl FnMut(&str) -> Option<String>) -> Result<Dataset, ImportError> {
        let mut load = |file: &str| read(file);
        let mut dataset = Dataset::default();
        macro_rules! field {
            ($field:ident, $file:literal) => {
                if let Some(text) = load($file) {
                    dataset.$field = parse($file, &text)?;
                }
            };
        }
        field!(countries, "countries.json");
        field!(topics, "topics.json");
        field!(organizations, "organizations.json");
        field!(institutions, "police_institutions.json");
        field!(networks, "networks.json");
        field!(certifications, "quality_certifications.json");
        field!(publications, "publications.json");
        field!(initiatives, "initiatives.json");
        field!(courses, "courses.json");
        field!(offerings, "course_offerings.json");
        field!(events, "events.json");
        field!(targets, "targets.json");
        Ok(dataset)
    }

    /// Number of records in the data set.
    pub fn len(&self) -> usize {
        self.countries.len()
            + self.topics.len()
            + self.organizations.len()
            + self.institutions.len()
            + self.networks.len()
            + self.certifications.len()
            + self.publications.len()
            + self.initiatives.len()
            + self.courses.len()
            + self.offerings.len()
            + self.events.len()
            + self.targets.len()
    }

    /// Whether the data set has no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Maps record ids to row ids, per kind. In dry mode every known id maps to 0, which lets
/// the conversion run once as a pure validation pass.
pub struct Keys {
    ids: HashMap<(Kind, String), i32>,
    dry: bool,
}

impl Keys {
    /// Looks up a reference made in `file`, record `record`, field `field`.
    pub fn id(&self, kind: Kind, key: &str, at: &convert::At<'_>, field: &str) -> Result<i32, ImportError> {
        match self.ids.get(&(kind, key.to_owned())) {
            Some(id) => Ok(if self.dry { 0 } else { *id }),
            None => Err(at.error(
                field,
                format!(
                    "unknown {} id \"{key}\"; use the id of a record in {} or already imported",
                    kind.noun(),
                    kind.file()
                ),
            )),
        }
    }

    /// Looks up an optional reference.
    pub fn opt(
        &self,
        kind: Kind,
        key: Option<&str>,
        at: &convert::At<'_>,
        field: &str,
    ) -> Result<Option<i32>, ImportError> {
        key.map(|key| self.id(kind, key, at, field)).transpose()
    }

    fn insert(&mut self, kind: Kind, key: &str, id: i32) {
        self.ids.insert((kind, key.to_owned()), id);
    }
}

/// Reads the slugs already stored for every kind that records can reference.
async fn stored_keys(db: &impl ConnectionTrait) -> Result<Keys, sea_orm::DbErr> {
    let mut keys = Keys { ids: HashMap::new(), dry: false };
    for (kind, table) in Kind::TABLES {
        let query = Query::select().columns(["id", "slug"]).from(table).take();
        for row in db.query_all(&query).await? {
            keys.insert(kind, &row.try_get::<String>("", "slug")?, row.try_get("", "id")?);
        }
    }
    Ok(keys)
}

/// Imports the embedded seed data when the database contains no countries yet.
pub async fn import_seed_if_empty(db: &DatabaseConnection) -> anyhow::Result<Option<ImportReport>> {
    if countries::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    let dataset = Dataset::embedded()?;
    Ok(Some(import(db, &dataset).await?))
}

/// Validates the whole data set, then writes it in one transaction.
pub async fn import(db: &DatabaseConnection, dataset: &Dataset) -> anyhow::Result<ImportReport> {
    let stored = stored_keys(db).await?;
    validate(dataset, &stored)?;

    let txn = db.begin().await?;
    let mut writer = Writer { txn: &txn, keys: stored, report: ImportReport::default() };
    writer.write_all(dataset).await?;
    let report = writer.report;
    txn.commit().await?;
    Ok(report)
}

/// Runs every conversion against a dry key table: stored slugs plus the data set's own ids.
fn validate(dataset: &Dataset, stored: &Keys) -> Result<(), ImportErrors> {
    let mut errors = Vec::new();
    let mut dry = Keys { ids: stored.ids.clone(), dry: true };
    let mut seen: BTreeSet<(Kind, String)> = BTreeSet::new();
    let mut declare = |kind: Kind, file: &str, id: &str| -> Result<(), ImportError> {
        if !seen.insert((kind, id.to_owned())) {
            return Err(ImportError {
                file: file.to_owned(),
                record: id.to_owned(),
                field: "id".to_owned(),
                message: format!("the id \"{id}\" appears twice; give each record its own id"),
            });
        }
        dry.insert(kind, id, 0);
        Ok(())
    };
    for r in &dataset.countries {
        note(&mut errors, declare(Kind::Country, "countries.json", &r.id));
    }
    for r in &dataset.topics {
        note(&mut errors, declare(Kind::Topic, "topics.json", &r.id));
    }
    for r in &dataset.organizations {
        note(&mut errors, declare(Kind::Organization, "organizations.json", &r.id));
    }
    for r in &dataset.institutions {
        note(&mut errors, declare(Kind::Organization, "police_institutions.json", &r.id));
    }
    for r in &dataset.networks {
        note(&mut errors, declare(Kind::Network, "networks.json", &r.id));
    }
    for r in &dataset.certifications {
        note(&mut errors, declare(Kind::Certification, "quality_certifications.json", &r.id));
    }
    for r in &dataset.publications {
        note(&mut errors, declare(Kind::Publication, "publications.json", &r.id));
    }
    for r in &dataset.initiatives {
        note(&mut errors, declare(Kind::Initiative, "initiatives.json", &r.id));
    }
    for r in &dataset.courses {
        note(&mut errors, declare(Kind::Course, "courses.json", &r.id));
    }
    for r in &dataset.offerings {
        note(&mut errors, declare(Kind::Offering, "course_offerings.json", &r.id));
    }
    for r in &dataset.events {
        note(&mut errors, declare(Kind::Event, "events.json", &r.id));
    }
    for r in &dataset.targets {
        note(&mut errors, declare(Kind::Target, "targets.json", &r.id));
    }

    let now = Utc::now();
    for r in &dataset.countries {
        note(&mut errors, convert::country(r, &dry, now));
    }
    note(&mut errors, convert::topic_order(&dataset.topics));
    for r in &dataset.topics {
        note(&mut errors, convert::topic(r, &dry, now));
    }
    note(&mut errors, convert::organization_order(&dataset.organizations));
    for r in &dataset.organizations {
        note(&mut errors, convert::organization(r, &dry, now));
    }
    for r in &dataset.institutions {
        note(&mut errors, convert::institution(r, &dry, now));
    }
    for r in &dataset.networks {
        note(&mut errors, convert::network(r, &dry, now));
    }
    for r in &dataset.certifications {
        note(&mut errors, convert::certification(r, &dry, now));
    }
    for r in &dataset.publications {
        note(&mut errors, convert::publication(r, &dry, now));
        note(&mut errors, convert::publication_links(r, &dry));
    }
    for r in &dataset.initiatives {
        note(&mut errors, convert::initiative(r, &dry, now));
        note(&mut errors, convert::initiative_links(r, &dry));
        note(&mut errors, convert::evidence(r, 0));
    }
    for r in &dataset.courses {
        note(&mut errors, convert::course(r, &dry, now));
        note(&mut errors, convert::course_links(r, &dry));
        note(&mut errors, convert::accreditations(r, &dry, 0));
    }
    for r in &dataset.offerings {
        note(&mut errors, convert::offering(r, &dry, now));
        note(&mut errors, convert::offering_links(r, &dry));
    }
    for r in &dataset.events {
        note(&mut errors, convert::event(r, &dry, now));
        note(&mut errors, convert::event_links(r, &dry));
    }
    for r in &dataset.targets {
        note(&mut errors, convert::target(r, &dry, now));
    }
    if errors.is_empty() { Ok(()) } else { Err(ImportErrors(errors)) }
}

type RowFn<R, M> = fn(&R, &Keys, chrono::DateTime<Utc>) -> Result<M, ImportError>;
type LinksFn<R> = fn(&R, &Keys) -> Result<Vec<convert::Links>, ImportError>;
type ChildrenFn<R> = fn(&R, &Keys, i32) -> Result<Vec<convert::ChildRow>, ImportError>;

/// How one kind of record is written: its row, its link-table rows and its child rows.
struct Spec<R, E: EntityTrait> {
    kind: Kind,
    slug: E::Column,
    row: RowFn<R, E::Model>,
    links: LinksFn<R>,
    /// Child table, its parent column, and the rows for one record.
    children: Option<(&'static str, &'static str, ChildrenFn<R>)>,
}

impl<R, E: EntityTrait> Spec<R, E> {
    /// Describes a kind with no link or child rows.
    fn plain(kind: Kind, slug: E::Column, row: RowFn<R, E::Model>) -> Self {
        Spec { kind, slug, row, links: |_, _| Ok(Vec::new()), children: None }
    }
}

/// Writes converted records, counting what changed.
struct Writer<'a> {
    txn: &'a DatabaseTransaction,
    keys: Keys,
    report: ImportReport,
}

/// Outcome of writing one record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Created,
    Updated,
    Unchanged,
}

impl Writer<'_> {
    async fn write_all(&mut self, d: &Dataset) -> anyhow::Result<()> {
        use convert::*;
        self.write(
            &Spec::<_, countries::Entity>::plain(Kind::Country, countries::Column::Slug, country),
            d.countries.iter(),
        )
        .await?;
        self.write(
            &Spec::<_, topics::Entity>::plain(Kind::Topic, topics::Column::Slug, topic),
            topic_order(&d.topics)?,
        )
        .await?;
        let organization_spec =
            Spec::<_, organizations::Entity>::plain(Kind::Organization, organizations::Column::Slug, organization);
        self.write(&organization_spec, organization_order(&d.organizations)?).await?;
        let institution_spec =
            Spec::<_, organizations::Entity>::plain(Kind::Organization, organizations::Column::Slug, institution);
        self.write(&institution_spec, d.institutions.iter()).await?;
        self.write(
            &Spec::<_, networks::Entity>::plain(Kind::Network, networks::Column::Slug, network),
            d.networks.iter(),
        )
        .await?;
        let certification_spec = Spec::<_, quality_certifications::Entity>::plain(
            Kind::Certification,
            quality_certifications::Column::Slug,
            certification,
        );
        self.write(&certification_spec, d.certifications.iter()).await?;
        // Initiatives go before publications, which link to them.
        let initiative_spec = Spec::<_, initiatives::Entity> {
            links: initiative_links,
            children: Some(("evidence_ratings", "initiative_id", |r, _, id| evidence(r, id))),
            ..Spec::plain(Kind::Initiative, initiatives::Column::Slug, initiative)
        };
        self.write(&initiative_spec, d.initiatives.iter()).await?;
        let publication_spec = Spec::<_, publications::Entity> {
            links: publication_links,
            ..Spec::plain(Kind::Publication, publications::Column::Slug, publication)
        };
        self.write(&publication_spec, d.publications.iter()).await?;
        let course_spec = Spec::<_, courses::Entity> {
            links: course_links,
            children: Some(("accreditations", "course_id", accreditations)),
            ..Spec::plain(Kind::Course, courses::Column::Slug, course)
        };
        self.write(&course_spec, d.courses.iter()).await?;
        let offering_spec = Spec::<_, course_offerings::Entity> {
            links: offering_links,
            ..Spec::plain(Kind::Offering, course_offerings::Column::Slug, offering)
        };
        self.write(&offering_spec, d.offerings.iter()).await?;
        let event_spec =
            Spec::<_, events::Entity> { links: event_links, ..Spec::plain(Kind::Event, events::Column::Slug, event) };
        self.write(&event_spec, d.events.iter()).await?;
        self.write(&Spec::<_, targets::Entity>::plain(Kind::Target, targets::Column::Slug, target), d.targets.iter())
            .await
    }

    /// Writes every record of one kind with its link rows and child rows.
    async fn write<'r, R, E>(
        &mut self,
        spec: &Spec<R, E>,
        records: impl IntoIterator<Item = &'r R>,
    ) -> anyhow::Result<()>
    where
        R: convert::Record + 'r,
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel> + PartialEq + convert::Stamped,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        for record in records {
            let key = record.id();
            let change = upsert::<E, _>(self.txn, &mut self.keys, spec.kind, key, spec.slug, |keys, now| {
                (spec.row)(record, keys, now)
            })
            .await?;
            let id = self.key(spec.kind, key);

            let mut links_changed = false;
            for link in (spec.links)(record, &self.keys)? {
                links_changed |= self.sync_links(&link, id).await?;
            }
            if let Some((table, parent_column, children)) = spec.children {
                let rows = children(record, &self.keys, id)?;
                links_changed |= self.sync_children(table, parent_column, id, rows).await?;
            }
            self.count(change, links_changed);
        }
        Ok(())
    }

    fn key(&self, kind: Kind, key: &str) -> i32 {
        self.keys.ids.get(&(kind, key.to_owned())).copied().unwrap_or_default()
    }

    fn count(&mut self, change: Change, links_changed: bool) {
        match change {
            Change::Created => self.report.created += 1,
            Change::Updated => self.report.updated += 1,
            Change::Unchanged if links_changed => self.report.updated += 1,
            Change::Unchanged => self.report.unchanged += 1,
        }
    }

    /// Replaces a record's rows in a link table when they differ from the data set.
    async fn sync_links(&self, link: &convert::Links, left_id: i32) -> anyhow::Result<bool> {
        let mut select = Query::select();
        select.column(link.right_column).from(link.table).and_where(Expr::col(link.left_column).eq(left_id));
        if let Some(role) = link.role {
            select.and_where(Expr::col("role").eq(role));
        }
        let mut stored = Vec::new();
        for row in self.txn.query_all(&select).await? {
            stored.push(row.try_get::<i32>("", link.right_column)?);
        }
        stored.sort_unstable();
        let mut wanted = link.right_ids.clone();
        wanted.sort_unstable();
        wanted.dedup();
        if stored == wanted {
            return Ok(false);
        }
        let mut delete = Query::delete();
        delete.from_table(link.table).and_where(Expr::col(link.left_column).eq(left_id));
        if let Some(role) = link.role {
            delete.and_where(Expr::col("role").eq(role));
        }
        self.txn.execute(&delete).await?;
        if !wanted.is_empty() {
            let mut insert = Query::insert();
            insert.into_table(link.table);
            match link.role {
                Some(role) => {
                    insert.columns([link.left_column, link.right_column, "role"]);
                    for right in &wanted {
                        insert.values([left_id.into(), (*right).into(), role.into()])?;
                    }
                }
                None => {
                    insert.columns([link.left_column, link.right_column]);
                    for right in &wanted {
                        insert.values([left_id.into(), (*right).into()])?;
                    }
                }
            }
            self.txn.execute(&insert).await?;
        }
        Ok(true)
    }

    /// Replaces a record's child rows (evidence, accreditations) when they differ.
    async fn sync_children(
        &self,
        table: &'static str,
        parent_column: &'static str,
        parent_id: i32,
        wanted: Vec<convert::ChildRow>,
    ) -> anyhow::Result<bool> {
        let mut select = Query::select();
        select.column("id").from(table).and_where(Expr::col(parent_column).eq(parent_id)).order_by("id", Order::Asc);
        if let Some(template) = wanted.first() {
            select.columns(template.iter().map(|(column, _)| *column));
        }
        let found = self.txn.query_all(&select).await?;
        let unchanged = match wanted.first() {
            None => found.is_empty(),
            Some(template) => {
                let stored =
                    found.iter().map(|row| convert::read_child(row, template)).collect::<Result<Vec<_>, _>>()?;
                stored == wanted
            }
        };
        if unchanged {
            return Ok(false);
        }
        self.txn
            .execute(&Query::delete().from_table(table).and_where(Expr::col(parent_column).eq(parent_id)).take())
            .await?;
        for row in &wanted {
            let mut insert = Query::insert();
            insert.into_table(table).columns(row.iter().map(|(c, _)| *c));
            insert.values(row.iter().map(|(_, v)| v.clone().into()))?;
            self.txn.execute(&insert).await?;
        }
        Ok(true)
    }
}

/// Inserts the record, or updates the stored row when any value differs.
async fn upsert<E, F>(
    txn: &DatabaseTransaction,
    keys: &mut Keys,
    kind: Kind,
    key: &str,
    slug: E::Column,
    convert: F,
) -> anyhow::Result<Change>
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + PartialEq + convert::Stamped,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    F: Fn(&Keys, chrono::DateTime<Utc>) -> Result<E::Model, ImportError>,
{
    let now = Utc::now();
    let mut candidate = convert(keys, now)?;
    let existing = E::find().filter(slug.eq(key)).one(txn).await?;
    let Some(pk) = E::PrimaryKey::iter().next() else { anyhow::bail!("table without primary key") };
    let pk = pk.into_column();
    match existing {
        None => {
            let mut active = candidate.into_active_model();
            active.not_set(pk);
            let inserted = active.insert(txn).await?;
            keys.insert(kind, key, convert::Stamped::row_id(&inserted));
            Ok(Change::Created)
        }
        Some(existing) => {
            let id = convert::Stamped::row_id(&existing);
            keys.insert(kind, key, id);
            candidate.stamp(&existing, None);
            if candidate == existing {
                return Ok(Change::Unchanged);
            }
            candidate.stamp(&existing, Some(now));
            candidate.into_active_model().reset_all().update(txn).await?;
            Ok(Change::Updated)
        }
    }
}
