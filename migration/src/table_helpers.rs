//! Column and table helpers that keep every content table's common columns identical.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Starts a content table: an integer key, a unique `slug` (the data set's stable string
/// id), provenance flags, sources, and the normalized text used for search and sorting.
pub fn content_table(name: &'static str) -> TableCreateStatement {
    Table::create()
        .table(name)
        .col(pk_auto("id"))
        .col(text_uniq("slug"))
        .col(boolean("illustrative").default(false))
        .col(boolean("verified").default(true))
        .col(json_binary("sources"))
        .col(text("search_text").default(""))
        .col(text("sort_name").default(""))
        .col(timestamp_with_time_zone("created_at").default(Expr::current_timestamp()))
        .col(timestamp_with_time_zone("updated_at").default(Expr::current_timestamp()))
        .take()
}

/// Starts a link table between two content tables, keyed by both ids and, where the link
/// has a role, by the role too.
pub fn link_table(
    name: &'static str,
    left: (&'static str, &'static str),
    right: (&'static str, &'static str),
    with_role: bool,
) -> TableCreateStatement {
    let mut table = Table::create().table(name).take();
    table.col(integer(left.0)).col(integer(right.0));
    let mut key = Index::create().name(format!("pk_{name}")).col(left.0).col(right.0).take();
    if with_role {
        table.col(text("role"));
        key.col("role");
    }
    table
        .primary_key(&mut key)
        .foreign_key(&mut fk(name, left.0, left.1, ForeignKeyAction::Cascade))
        .foreign_key(&mut fk(name, right.0, right.1, ForeignKeyAction::Cascade))
        .take()
}

/// Builds a named foreign key from `table.column` to `target.id`.
pub fn fk(
    table: &'static str,
    column: &'static str,
    target: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(on_delete)
        .take()
}

/// Builds a plain index `ix_<table>_<columns>`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut index = Index::create().name(format!("ix_{table}_{}", columns.join("_"))).table(table).take();
    for column in columns {
        index.col(*column);
    }
    index
}

/// Creates a table and its indexes in one call.
pub async fn create(
    manager: &SchemaManager<'_>,
    table: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
) -> Result<(), DbErr> {
    manager.create_table(table).await?;
    for index in indexes {
        manager.create_index(index).await?;
    }
    Ok(())
}
