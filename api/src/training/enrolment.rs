//! Seats: every change to an offering's enrolments runs under a lock on the offering row,
//! so capacity holds however many officers enrol at once.

use sea_orm::sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder};
use sea_orm::{ConnectionTrait, DatabaseTransaction};

use crate::error::ApiResult;

/// Statuses that hold a seat, as stored.
pub const SEAT_HOLDING: [&str; 3] = ["enrolled", "completed", "failed"];

/// Recounts the seats taken in `offerings` from their enrolments; call it after changing
/// them. It is not a lock for deciding who gets a seat: on PostgreSQL the count uses the
/// snapshot taken before the statement waited for the row, so it can miss a concurrent
/// commit. Seat decisions lock the offering first and count in a later statement.
pub async fn recount_seats(txn: &DatabaseTransaction, offerings: &[i32]) -> ApiResult<u64> {
    let mut updated = 0;
    for chunk in offerings.chunks(500) {
        let taken = Query::select()
            .expr(Expr::col(("enrolments", "id")).count())
            .from("enrolments")
            .and_where(Expr::col(("enrolments", "offering_id")).equals(("course_offerings", "id")))
            .and_where(Expr::col(("enrolments", "status")).is_in(SEAT_HOLDING))
            .take();
        let result = txn
            .execute(
                &Query::update()
                    .table("course_offerings")
                    .value("seats_taken", Expr::SubQuery(None, Box::new(taken.into_sub_query_statement())))
                    .and_where(Expr::col(("course_offerings", "id")).is_in(chunk.iter().copied()))
                    .take(),
            )
            .await?;
        updated += result.rows_affected();
    }
    Ok(updated)
}
