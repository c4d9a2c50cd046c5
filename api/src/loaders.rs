//! Request-scoped DataLoaders: every relation in the graph resolves through one of these,
//! so a query costs one statement per level of nesting, whatever the number of rows.
//!
//! Loaders are created on first use within a request and dropped with it. They carry no
//! cache between requests, so nothing one caller loads can reach another.
//!
//! Batch loads run inside the request's own task (see [`LoadDriver`]) rather than on
//! spawned tasks, and the driver starts them only once the request has nothing left to
//! do but wait for them. async-graphql resolves long lists in several poll passes, so a
//! time-based batch window alone (the DataLoader default of 1 ms) splits one level's keys
//! into several statements on a busy machine. Waiting for the request to go idle keeps
//! one statement per level.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::{Future, poll_fn};
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll, Wake, Waker};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::futures_util::StreamExt as _;
use async_graphql::futures_util::future::BoxFuture;
use async_graphql::futures_util::stream::FuturesUnordered;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{DatabaseConnection, EntityTrait, FromQueryResult, Iterable, PrimaryKeyToColumn, QueryFilter};
use tokio::sync::mpsc;

use crate::auth::Audience;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{
    Listing, Page, PageArgs, PagePlan, count_by_parent, fetch_all_by_parent, fetch_page, fetch_pages_by_parent,
};

/// Loader failures are shared between every key of a batch, hence the `Arc`.
pub type LoadError = Arc<ApiError>;

impl From<LoadError> for ApiError {
    fn from(err: LoadError) -> Self {
        match &*err {
            ApiError::BadInput { field, message } => {
                ApiError::BadInput { field: field.clone(), message: message.clone() }
            }
            ApiError::NotFound(message) => ApiError::NotFound(message.clone()),
            ApiError::Forbidden(message) => ApiError::Forbidden(message.clone()),
            // Kept as a database error, so that an outage reads as SERVICE_UNAVAILABLE.
            ApiError::Db(db) if crate::error::database_unreachable(db) => ApiError::Db(db.clone()),
            other => ApiError::Unexpected(format!("batch load failed: {}", other.describe())),
        }
    }
}

type Spawn = Arc<dyn Fn(BoxFuture<'static, ()>) + Send + Sync>;

/// Runs a request's batch loads inside the request's own task.
pub struct LoadDriver {
    queue: mpsc::UnboundedReceiver<BoxFuture<'static, ()>>,
}

/// A waker that records that the request woke itself, then forwards the wake.
struct RecordingWaker {
    inner: Waker,
    woken: AtomicBool,
}

impl Wake for RecordingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, AtomicOrdering::SeqCst);
        self.inner.wake_by_ref();
    }
}

/// Polls of a still-busy request before the driver yields to the runtime once.
const BUSY_POLLS_BEFORE_YIELD: u32 = 64;

impl LoadDriver {
    /// Runs `request` to completion, polling its queued loads only while the request
    /// waits for them: a request that woke itself still has keys to register.
    pub async fn run<F: Future>(self, request: F) -> F::Output {
        let mut queue = self.queue;
        let mut loads: FuturesUnordered<BoxFuture<'static, ()>> = FuturesUnordered::new();
        let mut request = std::pin::pin!(request);
        poll_fn(move |cx| {
            let mut busy_polls = 0;
            loop {
                let recorder = Arc::new(RecordingWaker { inner: cx.waker().clone(), woken: AtomicBool::new(false) });
                let waker = Waker::from(Arc::clone(&recorder));
                if let Poll::Ready(output) = request.as_mut().poll(&mut TaskContext::from_waker(&waker)) {
                    return Poll::Ready(output);
                }
                while let Ok(load) = queue.try_recv() {
                    loads.push(load);
                }
                if recorder.woken.load(AtomicOrdering::SeqCst) {
                    busy_polls += 1;
                    if busy_polls >= BUSY_POLLS_BEFORE_YIELD {
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    continue;
                }
                let mut finished_a_load = false;
                while let Poll::Ready(Some(())) = loads.poll_next_unpin(cx) {
                    finished_a_load = true;
                }
                if !finished_a_load && !recorder.woken.load(AtomicOrdering::SeqCst) {
                    return Poll::Pending;
                }
            }
        })
        .await
    }
}

/// The loaders of one request, created lazily by type.
pub struct RequestLoaders {
    db: DatabaseConnection,
    audience: Audience,
    spawn: Spawn,
    loaders: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl RequestLoaders {
    /// Starts an empty set of loaders over `db` that load only what `audience` may see,
    /// with the driver that must run the request.
    pub fn new(db: DatabaseConnection, audience: Audience) -> (Self, LoadDriver) {
        let (sender, queue) = mpsc::unbounded_channel();
        let spawn: Spawn = Arc::new(move |load| {
            // A send fails only once the request has finished, when no load is awaited.
            let _ = sender.send(load);
        });
        (RequestLoaders { db, audience, spawn, loaders: Mutex::new(HashMap::new()) }, LoadDriver { queue })
    }

    fn create<L: FromDb>(&self) -> DataLoader<L> {
        let spawn = Arc::clone(&self.spawn);
        DataLoader::new(L::from_db(self.db.clone(), self.audience.clone()), move |load| spawn(load))
    }

    /// Returns the request's loader of type `L`, creating it on first use.
    pub fn get<L: FromDb>(&self) -> Arc<DataLoader<L>> {
        let mut loaders = self.loaders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = loaders.entry(TypeId::of::<L>()).or_insert_with(|| Arc::new(self.create::<L>()));
        match Arc::clone(entry).downcast::<DataLoader<L>>() {
            Ok(loader) => loader,
            // The map is keyed by the loader's own TypeId, so the downcast cannot fail; a
            // fresh loader keeps the request working even so.
            Err(_) => Arc::new(self.create::<L>()),
        }
    }
}

/// Loaders built from a database connection and the request's audience.
pub trait FromDb: Send + Sync + 'static {
    /// Builds the loader.
    fn from_db(db: DatabaseConnection, audience: Audience) -> Self;
}

/// Returns the request's loader of type `L` from the GraphQL context.
pub fn loader<L: FromDb>(ctx: &Context<'_>) -> ApiResult<Arc<DataLoader<L>>> {
    ctx.data::<RequestLoaders>()
        .map(|loaders| loaders.get::<L>())
        .map_err(|_| ApiError::Unexpected("request loaders missing from the GraphQL context".into()))
}

/// Loads rows of entity `E` by primary key.
pub struct ByIdLoader<E> {
    db: DatabaseConnection,
    audience: Audience,
    entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> FromDb for ByIdLoader<E> {
    fn from_db(db: DatabaseConnection, audience: Audience) -> Self {
        ByIdLoader { db, audience, entity: PhantomData }
    }
}

impl<E> Loader<i32> for ByIdLoader<E>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    type Value = E::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, E::Model>, LoadError> {
        let Some(key) = E::PrimaryKey::iter().next() else { return Ok(HashMap::new()) };
        let column = key.into_column();
        let mut select = E::find().filter(Expr::col(column).is_in(keys.iter().copied()));
        if let Some(visible) = self.audience.condition(E::default().table_name()) {
            select = select.filter(visible);
        }
        let rows = select.into_model::<E::Model>().all(&self.db).await.map_err(|err| Arc::new(ApiError::from(err)))?;
        Ok(rows
            .into_iter()
            .filter_map(|row| {
                let id = match sea_orm::ModelTrait::get(&row, column) {
                    sea_orm::Value::Int(Some(id)) => id,
                    _ => return None,
                };
                Some((id, row))
            })
            .collect())
    }
}

/// A relation from a parent row to a list of child rows, described once and used by the
/// list, page and count loaders.
pub trait Relation: Send + Sync + 'static {
    /// The child rows' model.
    type Model: FromQueryResult + Clone + Send + Sync + 'static;
    /// The children of every parent, with their order.
    fn listing() -> Listing;
    /// An expression over the listing that yields the parent id.
    fn parent() -> Expr;
}

/// Loads every child of each parent (for lists that stay small, such as a record's topics).
pub struct ListLoader<R> {
    db: DatabaseConnection,
    listing: Listing,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for ListLoader<R> {
    fn from_db(db: DatabaseConnection, audience: Audience) -> Self {
        ListLoader { db, listing: audience.restrict(R::listing()), relation: PhantomData }
    }
}

impl<R: Relation> Loader<i32> for ListLoader<R> {
    type Value = Vec<R::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<R::Model>>, LoadError> {
        fetch_all_by_parent(&self.db, &self.listing, R::parent(), keys).await.map_err(Arc::new)
    }
}

/// Loads one page of children per parent (for lists that can grow).
pub struct PageLoader<R> {
    db: DatabaseConnection,
    listing: Listing,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for PageLoader<R> {
    fn from_db(db: DatabaseConnection, audience: Audience) -> Self {
        PageLoader { db, listing: audience.restrict(R::listing()), relation: PhantomData }
    }
}

impl<R: Relation> Loader<(i32, PageArgs)> for PageLoader<R> {
    type Value = Page<R::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[(i32, PageArgs)]) -> Result<HashMap<(i32, PageArgs), Page<R::Model>>, LoadError> {
        // Parents that asked for the same page arguments share one statement.
        let mut by_args: HashMap<&PageArgs, Vec<i32>> = HashMap::new();
        for (parent, args) in keys {
            by_args.entry(args).or_default().push(*parent);
        }
        let listing = &self.listing;
        let mut pages = HashMap::new();
        for (args, parents) in by_args {
            // `nested_page` has checked the sizes against the request's maximum page size.
            let plan =
                PagePlan::with_max_page_size(args, listing, crate::limits::PAGE_SIZE_CEILING).map_err(Arc::new)?;
            if let [parent] = parents[..] {
                // One parent needs no window function: a plain bounded query lets the
                // database walk an index from the cursor, however deep the page.
                let own = listing.clone().filter(R::parent().eq(parent));
                let page = fetch_page(&self.db, &own, &plan).await.map_err(Arc::new)?;
                pages.insert((parent, args.clone()), page);
                continue;
            }
            let found =
                fetch_pages_by_parent(&self.db, listing, R::parent(), &parents, &plan).await.map_err(Arc::new)?;
            pages.extend(found.into_iter().map(|(parent, page)| ((parent, args.clone()), page)));
        }
        Ok(pages)
    }
}

/// Counts the children of each parent, for `totalCount` on nested connections.
pub struct CountLoader<R> {
    db: DatabaseConnection,
    listing: Listing,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for CountLoader<R> {
    fn from_db(db: DatabaseConnection, audience: Audience) -> Self {
        CountLoader { db, listing: audience.restrict(R::listing()), relation: PhantomData }
    }
}

impl<R: Relation> Loader<i32> for CountLoader<R> {
    type Value = i64;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, i64>, LoadError> {
        count_by_parent(&self.db, &self.listing, R::parent(), keys).await.map_err(Arc::new)
    }
}

/// Loads one row of entity `E` by id, or `None` for a null reference.
pub async fn load_by_id<E>(ctx: &Context<'_>, id: Option<i32>) -> ApiResult<Option<E::Model>>
where
    E: EntityTrait,
    E::Model: Clone + Send + Sync + 'static,
{
    let Some(id) = id else { return Ok(None) };
    Ok(loader::<ByIdLoader<E>>(ctx)?.load_one(id).await?)
}

/// Loads every child of one parent through the batched list loader of relation `R`.
pub async fn load_list<R: Relation>(ctx: &Context<'_>, parent: i32) -> ApiResult<Vec<R::Model>> {
    Ok(loader::<ListLoader<R>>(ctx)?.load_one(parent).await?.unwrap_or_default())
}
