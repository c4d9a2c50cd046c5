//! Request-scoped DataLoaders: every relation in the graph resolves through one of these,
//! so a query costs one statement per level of nesting, whatever the number of rows.
//!
//! Loaders are created on first use within a request and dropped with it. They carry no
//! cache between requests, so nothing one caller loads can reach another.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use async_graphql::Context;
use async_graphql::dataloader::{DataLoader, Loader};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{DatabaseConnection, EntityTrait, FromQueryResult, Iterable, PrimaryKeyToColumn, QueryFilter};

use crate::error::{ApiError, ApiResult};
use crate::pagination::{
    Listing, Page, PageArgs, PagePlan, count_by_parent, fetch_all_by_parent, fetch_pages_by_parent,
};

/// Loader failures are shared between every key of a batch, hence the `Arc`.
pub type LoadError = Arc<ApiError>;

impl From<LoadError> for ApiError {
    fn from(err: LoadError) -> Self {
        match &*err {
            ApiError::BadInput { field, message } => ApiError::BadInput { field: field.clone(), message: message.clone() },
            ApiError::NotFound(message) => ApiError::NotFound(message.clone()),
            other => ApiError::Unexpected(format!("batch load failed: {}", other.describe())),
        }
    }
}

/// The loaders of one request, created lazily by type.
pub struct RequestLoaders {
    db: DatabaseConnection,
    loaders: Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>,
}

impl RequestLoaders {
    /// Starts an empty set of loaders over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        RequestLoaders { db, loaders: Mutex::new(HashMap::new()) }
    }

    /// Returns the request's loader of type `L`, creating it on first use.
    pub fn get<L: FromDb>(&self) -> Arc<DataLoader<L>> {
        let mut loaders = self.loaders.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = loaders
            .entry(TypeId::of::<L>())
            .or_insert_with(|| Arc::new(DataLoader::new(L::from_db(self.db.clone()), tokio::spawn)));
        match Arc::clone(entry).downcast::<DataLoader<L>>() {
            Ok(loader) => loader,
            // The map is keyed by the loader's own TypeId, so the downcast cannot fail; a
            // fresh loader keeps the request working even so.
            Err(_) => Arc::new(DataLoader::new(L::from_db(self.db.clone()), tokio::spawn)),
        }
    }
}

/// Loaders that need only a database connection to be built.
pub trait FromDb: Send + Sync + 'static {
    /// Builds the loader.
    fn from_db(db: DatabaseConnection) -> Self;
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
    entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> FromDb for ByIdLoader<E> {
    fn from_db(db: DatabaseConnection) -> Self {
        ByIdLoader { db, entity: PhantomData }
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
        let rows = E::find()
            .filter(Expr::col(column).is_in(keys.iter().copied()))
            .into_model::<E::Model>()
            .all(&self.db)
            .await
            .map_err(|err| Arc::new(ApiError::from(err)))?;
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
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for ListLoader<R> {
    fn from_db(db: DatabaseConnection) -> Self {
        ListLoader { db, relation: PhantomData }
    }
}

impl<R: Relation> Loader<i32> for ListLoader<R> {
    type Value = Vec<R::Model>;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, Vec<R::Model>>, LoadError> {
        fetch_all_by_parent(&self.db, &R::listing(), R::parent(), keys).await.map_err(Arc::new)
    }
}

/// Loads one page of children per parent (for lists that can grow).
pub struct PageLoader<R> {
    db: DatabaseConnection,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for PageLoader<R> {
    fn from_db(db: DatabaseConnection) -> Self {
        PageLoader { db, relation: PhantomData }
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
        let listing = R::listing();
        let mut pages = HashMap::new();
        for (args, parents) in by_args {
            let plan = PagePlan::new(args, &listing.ordering).map_err(Arc::new)?;
            let found = fetch_pages_by_parent(&self.db, &listing, R::parent(), &parents, &plan)
                .await
                .map_err(Arc::new)?;
            pages.extend(found.into_iter().map(|(parent, page)| ((parent, args.clone()), page)));
        }
        Ok(pages)
    }
}

/// Counts the children of each parent, for `totalCount` on nested connections.
pub struct CountLoader<R> {
    db: DatabaseConnection,
    relation: PhantomData<fn() -> R>,
}

impl<R: Relation> FromDb for CountLoader<R> {
    fn from_db(db: DatabaseConnection) -> Self {
        CountLoader { db, relation: PhantomData }
    }
}

impl<R: Relation> Loader<i32> for CountLoader<R> {
    type Value = i64;
    type Error = LoadError;

    async fn load(&self, keys: &[i32]) -> Result<HashMap<i32, i64>, LoadError> {
        count_by_parent(&self.db, &R::listing(), R::parent(), keys).await.map_err(Arc::new)
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
