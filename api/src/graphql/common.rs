//! Building blocks shared by every object type: page info, connections, partial dates,
//! and helpers that read JSON columns.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_graphql::{Context, SimpleObject};
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use serde_json::Value;

use super::scalars::Date;
use crate::auth::{Audience, Viewer};
use crate::enums::{DatePrecision, stored};
use crate::error::{ApiError, ApiResult};
use crate::loaders::{CountLoader, PageLoader, Relation, loader};
use crate::pagination::{Listing, Page, PageArgs, PagePlan, count, fetch_page};

/// Position of a page in the full list.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    /// Whether rows follow this page; request them with `first` and `after: endCursor`.
    pub has_next_page: bool,
    /// Whether rows precede this page; request them with `last` and `before: startCursor`.
    pub has_previous_page: bool,
    /// Cursor of the first row of this page; null when the page is empty.
    pub start_cursor: Option<String>,
    /// Cursor of the last row of this page; null when the page is empty.
    pub end_cursor: Option<String>,
}

/// Computes a connection's `totalCount` only when a client selects it.
pub trait TotalCount: Send + Sync {
    /// Counts the rows of the whole list.
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> Pin<Box<dyn Future<Output = ApiResult<i64>> + Send + 'a>>;
}

/// Returns the request's database connection from the GraphQL context.
pub fn database<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a DatabaseConnection> {
    ctx.data::<DatabaseConnection>()
        .map_err(|_| ApiError::Unexpected("database missing from the GraphQL context".into()))
}

/// Returns the request's caller from the GraphQL context.
pub fn viewer<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Viewer> {
    ctx.data::<Viewer>().map_err(|_| ApiError::Unexpected("viewer missing from the GraphQL context".into()))
}

/// Returns the largest page size of the request: the server's `MAX_PAGE_SIZE`, or the
/// default when the request runs without the server's data (as in schema tests).
pub fn max_page_size(ctx: &Context<'_>) -> i32 {
    ctx.data_opt::<crate::limits::MaxPageSize>().map_or(crate::pagination::MAX_PAGE_SIZE, |max| max.0)
}

/// Returns which editorial records the request may see.
pub fn audience<'a>(ctx: &'a Context<'_>) -> ApiResult<&'a Audience> {
    ctx.data::<Audience>().map_err(|_| ApiError::Unexpected("audience missing from the GraphQL context".into()))
}

/// Counts a root listing with one `COUNT(*)` statement.
struct ListingCount(Listing);

impl TotalCount for ListingCount {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> Pin<Box<dyn Future<Output = ApiResult<i64>> + Send + 'a>> {
        Box::pin(async move {
            let db = database(ctx)?;
            count(db, &self.0).await
        })
    }
}

/// Counts one parent's children through the batched count loader of relation `R`.
struct RelationCount<R> {
    parent: i32,
    relation: std::marker::PhantomData<fn() -> R>,
}

impl<R: Relation> TotalCount for RelationCount<R> {
    fn count<'a>(&'a self, ctx: &'a Context<'_>) -> Pin<Box<dyn Future<Output = ApiResult<i64>> + Send + 'a>> {
        Box::pin(async move { Ok(loader::<CountLoader<R>>(ctx)?.load_one(self.parent).await?.unwrap_or(0)) })
    }
}

/// A fetched page before it is wrapped in its connection type.
pub struct PageResult<M> {
    /// The page's rows and neighbours.
    pub page: Page<M>,
    /// How to count the whole list on request.
    pub total: Arc<dyn TotalCount>,
}

impl<M> PageResult<M> {
    /// Returns the page info of the fetched page.
    pub fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.page.has_next,
            has_previous_page: self.page.has_previous,
            start_cursor: self.page.rows.first().map(|(cursor, _)| cursor.clone()),
            end_cursor: self.page.rows.last().map(|(cursor, _)| cursor.clone()),
        }
    }
}

/// Prices a connection for the complexity limit: its page size, from 1 to the highest value
/// `MAX_PAGE_SIZE` may be set to, so that a page of 100 inside a page of 100 costs 10,000
/// times its fields. A size above the server's maximum fails when the field runs.
pub fn page_cost(first: Option<i32>, last: Option<i32>) -> usize {
    let size = last.or(first).unwrap_or(crate::pagination::DEFAULT_PAGE_SIZE);
    usize::try_from(size.clamp(1, crate::limits::PAGE_SIZE_CEILING)).unwrap_or(1)
}

/// Fetches a page of a root list.
pub async fn root_page<M: sea_orm::FromQueryResult>(
    ctx: &Context<'_>,
    listing: Listing,
    args: PageArgs,
) -> ApiResult<PageResult<M>> {
    let listing = audience(ctx)?.restrict(listing);
    let plan = PagePlan::with_max_page_size(&args, &listing, max_page_size(ctx))?;
    let db = database(ctx)?;
    let page = fetch_page(db, &listing, &plan).await?;
    Ok(PageResult { page, total: Arc::new(ListingCount(listing)) })
}

/// Fetches a page of a nested list through the batched page loader of relation `R`.
pub async fn nested_page<R: Relation>(
    ctx: &Context<'_>,
    parent: i32,
    args: PageArgs,
) -> ApiResult<PageResult<R::Model>> {
    // Validate here so that a bad argument is reported on this field, not as a load failure.
    PagePlan::with_max_page_size(&args, &R::listing(), max_page_size(ctx))?;
    let page = loader::<PageLoader<R>>(ctx)?.load_one((parent, args)).await?.unwrap_or_default();
    Ok(PageResult { page, total: Arc::new(RelationCount::<R> { parent, relation: std::marker::PhantomData }) })
}

/// Declares a Relay connection type and its edge type for one node type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ident, $model:ty, $connection_doc:literal, $edge_doc:literal) => {
        #[doc = $connection_doc]
        pub struct $connection {
            edges: Vec<$edge>,
            page_info: $crate::graphql::common::PageInfo,
            total: std::sync::Arc<dyn $crate::graphql::common::TotalCount>,
        }

        impl From<$crate::graphql::common::PageResult<$model>> for $connection {
            fn from(result: $crate::graphql::common::PageResult<$model>) -> Self {
                let page_info = result.page_info();
                let edges =
                    result.page.rows.into_iter().map(|(cursor, model)| $edge { cursor, node: $node(model) }).collect();
                $connection { edges, page_info, total: result.total }
            }
        }

        #[doc = $connection_doc]
        #[async_graphql::Object]
        impl $connection {
            /// The rows of this page, each with its cursor.
            async fn edges(&self) -> &[$edge] {
                &self.edges
            }

            /// The rows of this page without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.edges.iter().map(|edge| &edge.node).collect()
            }

            /// Where this page sits in the full list.
            async fn page_info(&self) -> &$crate::graphql::common::PageInfo {
                &self.page_info
            }

            /// Number of rows in the whole list with the same filter; computed only when
            /// selected, with one extra statement.
            async fn total_count(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<i64> {
                Ok(self.total.count(ctx).await?)
            }
        }

        #[doc = $edge_doc]
        pub struct $edge {
            cursor: String,
            node: $node,
        }

        #[doc = $edge_doc]
        #[async_graphql::Object]
        impl $edge {
            /// Opaque position of this row; pass it as `after` or `before`.
            async fn cursor(&self) -> &str {
                &self.cursor
            }

            /// The row.
            async fn node(&self) -> &$node {
                &self.node
            }
        }
    };
}
pub(crate) use connection;

/// A date that may be known only to the month or year.
#[derive(SimpleObject, Clone, Debug)]
pub struct PartialDate {
    /// The date as precise as it is known: `2017-09-11`, `2017-09` or `2017`.
    pub text: String,
    /// Precision of the date.
    pub precision: DatePrecision,
    /// First day the date can mean.
    pub earliest: Date,
    /// Last day the date can mean.
    pub latest: Date,
}

impl PartialDate {
    /// Builds a partial date from a stored first day and precision; `None` when unknown.
    pub fn from_stored(date: Option<NaiveDate>, precision: &str) -> ApiResult<Option<PartialDate>> {
        let precision: DatePrecision = stored("date_precision", precision)?;
        let Some(date) = date else { return Ok(None) };
        let (text, latest) = match precision {
            DatePrecision::Day => (date.format("%Y-%m-%d").to_string(), date),
            DatePrecision::Month => (date.format("%Y-%m").to_string(), last_day_of_month(date)),
            DatePrecision::Year => {
                (date.format("%Y").to_string(), NaiveDate::from_ymd_opt(date.year(), 12, 31).unwrap_or(date))
            }
            DatePrecision::Unknown => return Ok(None),
        };
        Ok(Some(PartialDate { text, precision, earliest: Date(date), latest: Date(latest) }))
    }
}

/// Returns the last day of the month `date` falls in.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let (year, month) = if date.month() == 12 { (date.year() + 1, 1) } else { (date.year(), date.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).and_then(|d| d.pred_opt()).unwrap_or(date)
}

/// Reads a JSON column holding a list of strings.
pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(|item| item.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}
