//! Gives failed fields the `null` that the GraphQL specification requires.
//!
//! async-graphql 7 leaves a field whose resolver returns an error out of its parent object
//! instead of setting it to `null`, so `{ a: node(id: "bad") { id } b: … }` returned
//! `{"b": …}` without `a`. Clients that check responses against the schema (Relay, Apollo,
//! generated types) then see a missing field. This extension applies the specification's
//! rule for field errors: a failed nullable field becomes `null`, and a failed non-null field
//! makes its nearest nullable ancestor (a field, a list item, or at last `data`) `null`.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo};
use async_graphql::{QueryPathNode, QueryPathSegment, Response, ServerError, ServerResult, Value};

/// One step of a response path: a field's response key or a list index.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Index(usize),
}

fn path_of(node: &QueryPathNode<'_>) -> Vec<Step> {
    let mut path = Vec::new();
    let mut current = Some(node);
    while let Some(node) = current {
        path.push(match node.segment {
            QueryPathSegment::Name(name) => Step::Key(name.to_owned()),
            QueryPathSegment::Index(index) => Step::Index(index),
        });
        current = node.parent;
    }
    path.reverse();
    path
}

/// Locks `mutex`, also after a panic in another resolver poisoned it, because the values it
/// guards stay consistent after every single insert.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The extension factory to register on the schema.
pub struct NullFailedFields;

impl ExtensionFactory for NullFailedFields {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FailedFields::default())
    }
}

/// The state of one request: errors of fields turned into `null`, and the paths whose value
/// must become `null` because a non-null field inside them failed.
#[derive(Default)]
struct FailedFields {
    errors: Mutex<Vec<ServerError>>,
    nulled: Mutex<HashSet<Vec<Step>>>,
}

impl FailedFields {
    /// Marks the value at `path` as failed, to be nulled by its own field's resolution
    /// (or, for the empty path, by setting `data` to `null`).
    fn mark(&self, path: Vec<Step>) {
        lock(&self.nulled).insert(path);
    }

    fn is_marked(&self, path: &[Step]) -> bool {
        lock(&self.nulled).contains(path)
    }

    /// Marks where the failure of the non-null value at `path` leads: its parent object,
    /// which is a field's value or a list item.
    fn propagate(&self, path: &[Step]) {
        let parent = path[..path.len().saturating_sub(1)].to_vec();
        self.mark(parent);
    }

    /// Nulls the items of a list value whose objects lost a non-null field. Returns false
    /// when such an item may not be null, so the whole list fails.
    fn null_failed_items(&self, path: &[Step], return_type: &str, value: &mut Value) -> bool {
        let Value::List(items) = value else { return true };
        let item_type = return_type.trim_end_matches('!');
        let Some(item_type) = item_type.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) else {
            return true;
        };
        let items_nullable = !item_type.ends_with('!');
        let mut item_path = path.to_vec();
        for (index, item) in items.iter_mut().enumerate() {
            item_path.push(Step::Index(index));
            let failed = self.is_marked(&item_path);
            item_path.pop();
            if failed {
                if !items_nullable {
                    return false;
                }
                *item = Value::Null;
            }
        }
        true
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for FailedFields {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let errors = std::mem::take(&mut *lock(&self.errors));
        response.errors.extend(errors);
        if self.is_marked(&[]) {
            response.data = Value::Null;
        }
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let (path_node, return_type) = (info.path_node, info.return_type);
        let result = next.run(ctx, info).await;
        // Fields finish after the fields inside them, so with no mark yet nothing inside
        // this one failed, and the common case needs no path.
        if matches!(result, Ok(Some(_))) && lock(&self.nulled).is_empty() {
            return result;
        }
        let path = path_of(path_node);
        let nullable = !return_type.ends_with('!');
        let failed = match result {
            Ok(Some(mut value)) => {
                let items_ok = self.null_failed_items(&path, return_type, &mut value);
                if items_ok && !self.is_marked(&path) {
                    return Ok(Some(value));
                }
                // The error is already reported by the field inside that failed.
                None
            }
            Ok(None) => return Ok(None),
            Err(error) => Some(error),
        };
        if nullable {
            if let Some(error) = failed {
                lock(&self.errors).push(error);
            }
            return Ok(Some(Value::Null));
        }
        self.propagate(&path);
        match failed {
            // The parent object reports the error and leaves the field out, and the mark
            // makes that parent null.
            Some(error) => Err(error),
            // A placeholder, replaced when the marked parent becomes null.
            None => Ok(Some(Value::Null)),
        }
    }
}
