//! go-plugin's own services: the controller (Terraform asks the plugin to exit), and stubs for the stdio
//! stream and the connection broker, which Terraform opens but this provider has no use for.

use std::pin::Pin;

use futures_util::Stream;
use tokio::sync::watch;
use tonic::{Request, Response, Status, Streaming};

use super::proto::plugin as pb;

/// Answers `Shutdown` by telling the server loop to stop.
pub struct Controller {
    pub shutdown: watch::Sender<bool>,
    /// In debug mode the process outlives Terraform commands, so `Shutdown` is ignored.
    pub ignore_shutdown: bool,
}

#[tonic::async_trait]
impl pb::grpc_controller_server::GrpcController for Controller {
    async fn shutdown(&self, _: Request<pb::Empty>) -> Result<Response<pb::Empty>, Status> {
        if self.ignore_shutdown {
            tracing::debug!("ignoring Shutdown: the debug server keeps running until interrupted");
        } else {
            tracing::debug!("Terraform asked the provider to shut down");
            self.shutdown.send_replace(true);
        }
        Ok(Response::new(pb::Empty {}))
    }
}

type EmptyStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// The provider never writes to stdout/stderr through go-plugin's stdio channel: the stream ends at once.
pub struct Stdio;

#[tonic::async_trait]
impl pb::grpc_stdio_server::GrpcStdio for Stdio {
    type StreamStdioStream = EmptyStream<pb::StdioData>;

    async fn stream_stdio(
        &self,
        _: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(Box::pin(futures_util::stream::empty())))
    }
}

/// No sub-plugins are brokered: the stream is accepted and ends at once.
pub struct Broker;

#[tonic::async_trait]
impl pb::grpc_broker_server::GrpcBroker for Broker {
    type StartStreamStream = EmptyStream<pb::ConnInfo>;

    async fn start_stream(
        &self,
        _: Request<Streaming<pb::ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        Ok(Response::new(Box::pin(futures_util::stream::empty())))
    }
}
