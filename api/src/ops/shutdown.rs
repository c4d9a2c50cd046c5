//! Graceful shutdown bounded by a grace period, and the shutdown state that `/ready` reports.

use std::future::{Future, IntoFuture as _};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Whether the server has begun shutting down, shared by the server loop and `/ready`.
#[derive(Clone, Debug)]
pub struct Lifecycle(Arc<watch::Sender<bool>>);

impl Default for Lifecycle {
    fn default() -> Self {
        Lifecycle(Arc::new(watch::Sender::new(false)))
    }
}

impl Lifecycle {
    /// Marks the start of shutdown; from then on `/ready` returns 503.
    pub fn begin_shutdown(&self) {
        self.0.send_replace(true);
    }

    /// Returns whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        *self.0.borrow()
    }

    /// Waits until shutdown begins.
    pub async fn shutdown_begun(&self) {
        let mut receiver = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = receiver.wait_for(|shutting_down| *shutting_down).await;
    }
}

/// Serves `router` until `signal` completes, then stops accepting connections and waits
/// for in-flight requests, for at most `grace`. Requests still running after that are
/// dropped when the process exits. Either way this returns `Ok`, so the process exits 0.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    lifecycle: Lifecycle,
    grace: Duration,
    signal: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let on_signal = lifecycle.clone();
    let server = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            signal.await;
            on_signal.begin_shutdown();
            tracing::info!(
                grace_seconds = grace.as_secs(),
                "shutting down: no new connections; waiting for in-flight requests"
            );
        })
        .into_future();
    let deadline = async {
        lifecycle.shutdown_begun().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = server => {
            result?;
            tracing::info!("every in-flight request finished; stopped");
        }
        () = deadline => {
            tracing::warn!(
                grace_seconds = grace.as_secs(),
                "in-flight requests did not finish within SHUTDOWN_GRACE_SECONDS; stopped without them"
            );
        }
    }
    Ok(())
}
