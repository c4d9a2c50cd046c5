//! Keyset (cursor) pagination over any table, for root lists and for nested lists that
//! are batched across many parents in one statement.
//!
//! A [`Listing`] is a `FROM … WHERE …` query plus an [`Ordering`]. Every ordering ends
//! with the row id, so equal sort values still have one deterministic order and a cursor
//! (sort value and id of a row) marks a position that survives inserts elsewhere. Pages
//! never use `OFFSET`, so a page deep in the list costs the same as the first one.

use std::collections::HashMap;

use sea_orm::sea_query::{
    Asterisk, Cond, Expr, ExprTrait, Func, Order, OverStatement, Query, SelectStatement, WindowStatement,
};
use sea_orm::{ConnectionTrait, FromQueryResult, QueryResult};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::ids::Cursor;

/// Rows returned when a client passes neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
/// The default largest `first` or `last` a client may request; a server's `MAX_PAGE_SIZE`
/// setting replaces it (see [`PagePlan::with_max_page_size`]).
pub const MAX_PAGE_SIZE: i32 = 100;

const SORT_ALIAS: &str = "page_sort_value";
/// Name of the ordering by row id, whose sort value is the id itself.
const ROW_ID_ORDER: &str = "ID";
const PARENT_ALIAS: &str = "page_parent_id";
const ROW_NUMBER_ALIAS: &str = "page_row_number";

/// The pagination arguments of a connection field, as the client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageArgs {
    /// Rows after `after`, in list order.
    pub first: Option<i32>,
    /// Cursor after which the page starts.
    pub after: Option<String>,
    /// Rows before `before`, in list order.
    pub last: Option<i32>,
    /// Cursor before which the page ends.
    pub before: Option<String>,
}

impl PageArgs {
    /// Bundles the four standard connection arguments.
    pub fn new(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> Self {
        PageArgs { first, after, last, before }
    }
}

/// The type of an ordering's sort value, which decides how cursors store it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKind {
    /// A 64-bit integer (years, dates as day numbers).
    Int,
    /// Text (folded names, ISO dates).
    Text,
}

/// A sort order: a non-null expression over the listed table, then the row id.
#[derive(Clone, Debug)]
pub struct Ordering {
    /// Name carried in cursors so that a cursor is only reused with its own ordering.
    pub name: &'static str,
    /// The non-null sort expression.
    pub expr: Expr,
    /// The type of the sort expression.
    pub kind: SortKind,
    /// Whether larger values come first.
    pub descending: bool,
}

impl Ordering {
    /// Orders by a folded-name column, A to Z.
    pub fn by_name(table: &'static str) -> Ordering {
        Ordering { name: "NAME", expr: Expr::col((table, "sort_name")), kind: SortKind::Text, descending: false }
    }

    /// Orders by a nullable integer column; rows without a value sort as 0 (first when
    /// ascending, last when descending).
    pub fn by_int(name: &'static str, table: &'static str, column: &'static str, descending: bool) -> Ordering {
        let expr = Expr::col((table, column)).if_null(0).cast_as("BIGINT");
        Ordering { name, expr, kind: SortKind::Int, descending }
    }

    /// Orders by the row id alone, oldest row first: the cheapest order for long lists,
    /// because an index on `(parent, id)` serves both the filter and the order.
    pub fn by_id(table: &'static str) -> Ordering {
        Ordering { name: ROW_ID_ORDER, expr: Expr::col((table, "id")), kind: SortKind::Int, descending: false }
    }

    /// Orders by a nullable date column; rows without a date sort as the empty string
    /// (first when ascending, last when descending).
    pub fn by_date(name: &'static str, table: &'static str, column: &'static str, descending: bool) -> Ordering {
        let expr = Expr::col((table, column)).cast_as("TEXT").if_null("");
        Ordering { name, expr, kind: SortKind::Text, descending }
    }
}

/// A filtered query over one table (joins allowed), ready to be paged or counted.
#[derive(Clone, Debug)]
pub struct Listing {
    /// The table whose rows are listed; its `id` column breaks ties.
    pub table: &'static str,
    /// `FROM table [JOIN …] WHERE …`, without selected columns.
    pub query: SelectStatement,
    /// The order of the rows.
    pub ordering: Ordering,
}

impl Listing {
    /// Starts an unfiltered listing of `table` in `ordering`.
    pub fn new(table: &'static str, ordering: Ordering) -> Listing {
        Listing { table, query: Query::select().from(table).take(), ordering }
    }

    /// Adds a condition that every listed row must meet.
    pub fn filter(mut self, condition: Expr) -> Listing {
        self.query.and_where(condition);
        self
    }

    /// Joins a link table on `link.link_column = table.id`; the parent expression of a
    /// nested listing can then name the link table's other column.
    pub fn join_link(mut self, link: &'static str, link_column: &'static str) -> Listing {
        self.query.inner_join(link, Expr::col((link, link_column)).equals((self.table, "id")));
        self
    }

    fn id(&self) -> Expr {
        Expr::col((self.table, "id"))
    }

    /// Names the list and ordering in cursors, so that a cursor only works where it was issued.
    fn cursor_key(&self) -> String {
        format!("{}.{}", self.table, self.ordering.name)
    }
}

/// One page of rows with the cursor of each row.
#[derive(Clone, Debug)]
pub struct Page<M> {
    /// The rows in list order, each with its cursor.
    pub rows: Vec<(String, M)>,
    /// Whether rows exist before the first row of this page.
    pub has_previous: bool,
    /// Whether rows exist after the last row of this page.
    pub has_next: bool,
}

impl<M> Default for Page<M> {
    fn default() -> Self {
        Page { rows: Vec::new(), has_previous: false, has_next: false }
    }
}

/// Page arguments checked against the limits and the listing's ordering.
#[derive(Clone, Debug)]
pub struct PagePlan {
    limit: u64,
    backward: bool,
    after: Option<Cursor>,
    before: Option<Cursor>,
}

impl PagePlan {
    /// Validates the client's arguments: at most one of `first` and `last`, sizes between
    /// 0 and the default [`MAX_PAGE_SIZE`], and cursors issued for this ordering.
    pub fn new(args: &PageArgs, listing: &Listing) -> ApiResult<PagePlan> {
        PagePlan::with_max_page_size(args, listing, MAX_PAGE_SIZE)
    }

    /// Validates the client's arguments as [`PagePlan::new`] does, with sizes between 0 and
    /// `max_page_size`.
    pub fn with_max_page_size(args: &PageArgs, listing: &Listing, max_page_size: i32) -> ApiResult<PagePlan> {
        if args.first.is_some() && args.last.is_some() {
            return Err(ApiError::bad_input(
                "first",
                "Pass either `first` (with `after`) or `last` (with `before`), not both.",
            ));
        }
        for (name, size) in [("first", args.first), ("last", args.last)] {
            match size {
                Some(size) if size < 0 => {
                    return Err(ApiError::bad_input(
                        name,
                        format!("`{name}` is {size}; pass a page size from 0 to {max_page_size}."),
                    ));
                }
                Some(size) if size > max_page_size => {
                    return Err(ApiError::bad_input(
                        name,
                        format!(
                            "`{name}` is {size}, above the maximum page size of {max_page_size}; request at most {max_page_size} rows and follow `pageInfo` cursors for the rest."
                        ),
                    ));
                }
                _ => {}
            }
        }
        let after = args.after.as_deref().map(|c| decode_for("after", c, listing)).transpose()?;
        let before = args.before.as_deref().map(|c| decode_for("before", c, listing)).transpose()?;
        let backward = args.last.is_some() || (args.first.is_none() && before.is_some() && after.is_none());
        let size = args.last.or(args.first).unwrap_or(DEFAULT_PAGE_SIZE);
        Ok(PagePlan { limit: u64::try_from(size).unwrap_or(0), backward, after, before })
    }

    /// Adds the cursor bounds to a query over `listing`.
    fn bound(&self, listing: &Listing, query: &mut SelectStatement) {
        if let Some(after) = &self.after {
            query.and_where(beyond(listing, after, true));
        }
        if let Some(before) = &self.before {
            query.and_where(beyond(listing, before, false));
        }
    }

    /// The direction rows are fetched in: reversed for `last`, then flipped back.
    fn fetch_order(&self, listing: &Listing) -> Order {
        if listing.ordering.descending != self.backward { Order::Desc } else { Order::Asc }
    }

    /// Trims the look-ahead row and restores list order.
    fn finish<M>(&self, mut rows: Vec<(String, M)>) -> Page<M> {
        let more = rows.len() as u64 > self.limit;
        rows.truncate(usize::try_from(self.limit).unwrap_or(usize::MAX));
        if self.backward {
            rows.reverse();
            Page { rows, has_previous: more, has_next: self.before.is_some() }
        } else {
            Page { rows, has_previous: self.after.is_some(), has_next: more }
        }
    }
}

fn decode_for(argument: &str, encoded: &str, listing: &Listing) -> ApiResult<Cursor> {
    let cursor = Cursor::decode(argument, encoded)?;
    let kind_matches = match listing.ordering.kind {
        SortKind::Int => cursor.value.is_i64(),
        SortKind::Text => cursor.value.is_string(),
    };
    if cursor.ordering == listing.cursor_key() && !kind_matches {
        // The cursor names this list but its value is of the wrong kind: it was altered.
        return Err(ApiError::bad_input(
            argument,
            format!(
                "The cursor in `{argument}` is not one this API issued for this list; pass `endCursor` or `startCursor` unchanged, or start again without `{argument}`."
            ),
        ));
    }
    if cursor.ordering != listing.cursor_key() {
        let expected = listing.cursor_key().replace('.', " by ");
        return Err(ApiError::bad_input(
            argument,
            format!(
                "The cursor in `{argument}` comes from another list or order ({}) than this one ({expected}); pass a cursor from this list with the same orderBy, or start again without `{argument}`.",
                crate::ids::shorten(&cursor.ordering).replace('.', " by ")
            ),
        ));
    }
    Ok(cursor)
}

/// Builds `(sort, id)` strictly after (or, with `after = false`, before) the cursor in
/// list order.
fn beyond(listing: &Listing, cursor: &Cursor, after: bool) -> Expr {
    let forward = after != listing.ordering.descending;
    let value: Expr = match &cursor.value {
        Value::Number(n) => Expr::val(n.as_i64().unwrap_or_default()).cast_as("BIGINT"),
        Value::String(s) => Expr::val(s.clone()),
        _ => Expr::val(""),
    };
    if listing.ordering.name == ROW_ID_ORDER {
        // The sort value is the id, so the id alone bounds the page.
        return if forward { listing.id().gt(cursor.id) } else { listing.id().lt(cursor.id) };
    }
    let sort = listing.ordering.expr.clone();
    let (sort_cmp, id_cmp) = if forward {
        (sort.clone().gt(value.clone()), listing.id().gt(cursor.id))
    } else {
        (sort.clone().lt(value.clone()), listing.id().lt(cursor.id))
    };
    Cond::any().add(sort_cmp).add(Cond::all().add(sort.eq(value)).add(id_cmp)).into()
}

/// Reads a listed row: the model, the cursor built from the sort value and id.
fn decode_row<M: FromQueryResult>(listing: &Listing, row: &QueryResult) -> ApiResult<(String, M)> {
    let model = M::from_query_result(row, "")?;
    let id: i32 = row.try_get("", "id")?;
    let value = match listing.ordering.kind {
        // The row-id order sorts by the bare (32-bit) id column, so that an index serves it.
        SortKind::Int => Value::from(
            row.try_get::<i64>("", SORT_ALIAS).or_else(|_| row.try_get::<i32>("", SORT_ALIAS).map(i64::from))?,
        ),
        SortKind::Text => Value::from(row.try_get::<String>("", SORT_ALIAS)?),
    };
    let cursor = Cursor { ordering: listing.cursor_key(), value, id };
    Ok((cursor.encode(), model))
}

fn select_rows(listing: &Listing) -> SelectStatement {
    let mut query = listing.query.clone();
    query.column((listing.table, Asterisk)).expr_as(listing.ordering.expr.clone(), SORT_ALIAS);
    query
}

/// Fetches one page of a root list in one statement.
pub async fn fetch_page<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    listing: &Listing,
    plan: &PagePlan,
) -> ApiResult<Page<M>> {
    let mut query = select_rows(listing);
    plan.bound(listing, &mut query);
    let order = plan.fetch_order(listing);
    query
        .order_by_expr(listing.ordering.expr.clone(), order.clone())
        .order_by_expr(listing.id(), order)
        .limit(plan.limit + 1);
    let rows = db.query_all(&query).await?;
    let rows = rows.iter().map(|row| decode_row(listing, row)).collect::<ApiResult<Vec<_>>>()?;
    Ok(plan.finish(rows))
}

/// Fetches one page per parent in one statement, numbering each parent's rows with a
/// window function. `parent` is an expression over the listing that yields the parent id.
pub async fn fetch_pages_by_parent<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    listing: &Listing,
    parent: Expr,
    parent_ids: &[i32],
    plan: &PagePlan,
) -> ApiResult<HashMap<i32, Page<M>>> {
    let order = plan.fetch_order(listing);
    let mut window = WindowStatement::new();
    window.add_partition_by(parent.clone());
    window.order_by_expr(listing.ordering.expr.clone(), order.clone()).order_by_expr(listing.id(), order);

    let mut inner = select_rows(listing);
    inner
        .expr_as(parent.clone(), PARENT_ALIAS)
        .expr_window_as(Func::cust("ROW_NUMBER"), window, ROW_NUMBER_ALIAS)
        .and_where(parent.is_in(parent_ids.iter().copied()));
    plan.bound(listing, &mut inner);

    let query = Query::select()
        .column(Asterisk)
        .from_subquery(inner, "numbered_rows")
        .and_where(Expr::col(ROW_NUMBER_ALIAS).lte(i64::try_from(plan.limit + 1).unwrap_or(i64::MAX)))
        .order_by(PARENT_ALIAS, Order::Asc)
        .order_by(ROW_NUMBER_ALIAS, Order::Asc)
        .take();
    let rows = db.query_all(&query).await?;

    let mut grouped: HashMap<i32, Vec<(String, M)>> = HashMap::new();
    for row in &rows {
        let parent_id: i32 = row.try_get("", PARENT_ALIAS)?;
        grouped.entry(parent_id).or_default().push(decode_row(listing, row)?);
    }
    Ok(parent_ids.iter().map(|id| (*id, plan.finish(grouped.remove(id).unwrap_or_default()))).collect())
}

/// Fetches every row of a bounded nested list for many parents in one statement.
pub async fn fetch_all_by_parent<M: FromQueryResult>(
    db: &impl ConnectionTrait,
    listing: &Listing,
    parent: Expr,
    parent_ids: &[i32],
) -> ApiResult<HashMap<i32, Vec<M>>> {
    let mut query = listing.query.clone();
    query
        .column((listing.table, Asterisk))
        .expr_as(parent.clone(), PARENT_ALIAS)
        .and_where(parent.is_in(parent_ids.iter().copied()))
        .order_by_expr(
            listing.ordering.expr.clone(),
            if listing.ordering.descending { Order::Desc } else { Order::Asc },
        )
        .order_by_expr(listing.id(), Order::Asc);
    let rows = db.query_all(&query).await?;
    let mut grouped: HashMap<i32, Vec<M>> = parent_ids.iter().map(|id| (*id, Vec::new())).collect();
    for row in &rows {
        let parent_id: i32 = row.try_get("", PARENT_ALIAS)?;
        grouped.entry(parent_id).or_default().push(M::from_query_result(row, "")?);
    }
    Ok(grouped)
}

/// Counts the rows of a root listing.
pub async fn count(db: &impl ConnectionTrait, listing: &Listing) -> ApiResult<i64> {
    let mut inner = listing.query.clone();
    inner.expr(listing.id());
    let query = Query::select()
        .expr_as(Func::count(Expr::col(Asterisk)), "row_count")
        .from_subquery(inner, "counted_rows")
        .take();
    let row = db.query_one(&query).await?;
    Ok(row.map(|row| row.try_get::<i64>("", "row_count")).transpose()?.unwrap_or(0))
}

/// Counts the rows of a nested listing for many parents in one statement.
pub async fn count_by_parent(
    db: &impl ConnectionTrait,
    listing: &Listing,
    parent: Expr,
    parent_ids: &[i32],
) -> ApiResult<HashMap<i32, i64>> {
    let mut query = listing.query.clone();
    query
        .expr_as(parent.clone(), PARENT_ALIAS)
        .expr_as(Func::count(listing.id()), "row_count")
        .and_where(parent.clone().is_in(parent_ids.iter().copied()))
        .add_group_by([parent]);
    let rows = db.query_all(&query).await?;
    let mut counts: HashMap<i32, i64> = parent_ids.iter().map(|id| (*id, 0)).collect();
    for row in &rows {
        counts.insert(row.try_get("", PARENT_ALIAS)?, row.try_get("", "row_count")?);
    }
    Ok(counts)
}

/// Properties of cursor binding: a cursor is accepted only by a listing with the same
/// table, ordering and sort-value type, and page arguments fail only as client errors.
#[cfg(test)]
#[allow(clippy::expect_used, reason = "a failed expectation is a failed test")]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::error::ErrorCode;

    /// Builds the listings of the API's root and nested lists, one per table and ordering.
    fn listings() -> Vec<Listing> {
        let text_column = |table: &'static str, name: &'static str, column: &'static str| Ordering {
            name,
            expr: Expr::col((table, column)),
            kind: SortKind::Text,
            descending: false,
        };
        [
            ("countries", Ordering::by_name("countries")),
            ("countries", text_column("countries", "CODE", "iso3")),
            ("countries", Ordering::by_int("MEMBER_SINCE", "countries", "oas_member_since", false)),
            ("topics", Ordering::by_name("topics")),
            ("networks", Ordering::by_name("networks")),
            ("organizations", Ordering::by_name("organizations")),
            ("publications", Ordering::by_int("NEWEST", "publications", "published_year", true)),
            ("publications", Ordering::by_int("OLDEST", "publications", "published_year", false)),
            ("publications", Ordering::by_name("publications")),
            ("initiatives", Ordering::by_name("initiatives")),
            ("initiatives", Ordering::by_int("NEWEST", "initiatives", "start_year", true)),
            ("courses", Ordering::by_name("courses")),
            ("courses", text_column("courses", "CODE", "code")),
            ("course_offerings", Ordering::by_date("STARTS_FIRST", "course_offerings", "starts_on", false)),
            ("course_offerings", Ordering::by_date("STARTS_LAST", "course_offerings", "starts_on", true)),
            ("events", Ordering::by_date("LATEST", "events", "starts_on", true)),
            ("events", Ordering::by_date("EARLIEST", "events", "starts_on", false)),
            ("targets", Ordering::by_int("ID", "targets", "id", false)),
            ("enrolments", Ordering::by_id("enrolments")),
            ("members", Ordering::by_int("JOINED", "members", "id", false)),
        ]
        .into_iter()
        .map(|(table, ordering)| Listing::new(table, ordering))
        .collect()
    }

    fn sort_value(kind: SortKind) -> BoxedStrategy<Value> {
        match kind {
            SortKind::Int => any::<i64>().prop_map(Value::from).boxed(),
            SortKind::Text => any::<String>().prop_map(Value::from).boxed(),
        }
    }

    /// Generates a listing and a cursor issued for it.
    fn issued_cursor() -> impl Strategy<Value = (Listing, Cursor)> {
        proptest::sample::select(listings()).prop_flat_map(|listing| {
            let key = listing.cursor_key();
            let cursor = (sort_value(listing.ordering.kind), any::<i32>()).prop_map(move |(value, id)| Cursor {
                ordering: key.clone(),
                value,
                id,
            });
            (Just(listing), cursor)
        })
    }

    fn assert_bad_input(error: &ApiError, field: &str) -> String {
        assert_eq!(error.code(), ErrorCode::BadUserInput, "{error:?}");
        let ApiError::BadInput { field: Some(named), message } = error else {
            panic!("expected a bad-input error naming a field, got {error:?}");
        };
        assert_eq!(named, field);
        message.clone()
    }

    fn page_size() -> impl Strategy<Value = Option<i32>> {
        prop_oneof![Just(None), (-5..=105).prop_map(Some), any::<i32>().prop_map(Some), Just(Some(i32::MIN))]
    }

    proptest! {
        #[test]
        fn cursors_work_only_in_their_own_listing(
            (issuer, cursor) in issued_cursor(),
            other in proptest::sample::select(listings()),
            reuse in any::<bool>(),
            before in any::<bool>(),
        ) {
            // Half the cases return the cursor to its own listing, which must accept it.
            let receiver = if reuse { issuer.clone() } else { other };
            let argument = if before { "before" } else { "after" };
            let same_list = issuer.cursor_key() == receiver.cursor_key();
            match decode_for(argument, &cursor.encode(), &receiver) {
                Ok(decoded) => {
                    prop_assert!(same_list, "a cursor of {} was accepted by {}", issuer.cursor_key(), receiver.cursor_key());
                    prop_assert_eq!(decoded, cursor);
                }
                Err(error) => {
                    prop_assert!(!same_list, "a cursor was rejected by its own listing {}: {error:?}", issuer.cursor_key());
                    let message = assert_bad_input(&error, argument);
                    prop_assert!(message.contains("comes from another list or order"), "{}", message);
                    let expected = format!("({} by {})", receiver.table, receiver.ordering.name);
                    prop_assert!(message.contains(&expected), "{} should name {}", message, expected);
                }
            }
        }

        #[test]
        fn cursors_with_the_other_value_type_are_rejected(
            listing in proptest::sample::select(listings()),
            id in any::<i32>(),
            number in any::<i64>(),
            text in any::<String>(),
        ) {
            let value = match listing.ordering.kind {
                SortKind::Int => Value::from(text),
                SortKind::Text => Value::from(number),
            };
            let forged = Cursor { ordering: listing.cursor_key(), value, id };
            let error = decode_for("after", &forged.encode(), &listing).expect_err("the value type must match");
            assert_bad_input(&error, "after");
        }

        #[test]
        fn cursors_naming_other_lists_are_rejected(
            listing in proptest::sample::select(listings()),
            ordering in ".*",
            id in any::<i32>(),
        ) {
            prop_assume!(ordering != listing.cursor_key());
            let forged = Cursor { ordering, value: Value::from(1), id };
            let error = decode_for("before", &forged.encode(), &listing).expect_err("the list must match");
            let message = assert_bad_input(&error, "before");
            prop_assert!(message.chars().count() <= 400, "message is too long: {}", message);
        }

        #[test]
        fn page_arguments_fail_only_as_client_errors(
            (listing, cursor) in issued_cursor(),
            first in page_size(),
            last in page_size(),
            after in proptest::option::of(".*"),
            use_issued_cursor in any::<bool>(),
        ) {
            let after = if use_issued_cursor { Some(cursor.encode()) } else { after };
            let args = PageArgs::new(first, after.clone(), last, None);
            let cursor_valid = after.as_deref().is_none_or(|encoded| decode_for("after", encoded, &listing).is_ok());
            let size_valid = |size: Option<i32>| size.is_none_or(|size| (0..=MAX_PAGE_SIZE).contains(&size));
            let valid = !(first.is_some() && last.is_some()) && size_valid(first) && size_valid(last) && cursor_valid;
            match PagePlan::new(&args, &listing) {
                Ok(plan) => {
                    prop_assert!(valid, "{args:?} was accepted");
                    let expected = last.or(first).unwrap_or(DEFAULT_PAGE_SIZE);
                    prop_assert_eq!(plan.limit, u64::try_from(expected).expect("a valid page size is not negative"));
                    prop_assert_eq!(plan.backward, last.is_some());
                }
                Err(error) => {
                    prop_assert!(!valid, "{args:?} was rejected: {error:?}");
                    prop_assert_eq!(error.code(), ErrorCode::BadUserInput);
                }
            }
        }
    }

    #[test]
    fn altered_cursor_value_is_named_as_altered() {
        let listing = Listing::new("countries", Ordering::by_name("countries"));
        let altered = Cursor { ordering: listing.cursor_key(), value: Value::from(7), id: 1 };
        let error = decode_for("after", &altered.encode(), &listing).err();
        let message = error.as_ref().map(|error| assert_bad_input(error, "after"));
        assert!(message.as_deref().is_some_and(|message| message.contains("not one this API issued")), "{message:?}");
    }
}
