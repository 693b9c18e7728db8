//! tfplugin5 service: a thin adapter from protocol 5 messages (Terraform 0.12 – 0.15) to the provider core.

use std::sync::Arc;

use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::proto::tfplugin5 as pb;
use super::wire::v5 as wire;
use crate::provider::Provider;

pub struct ProviderV5(pub Arc<Provider>);

fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // The schema never changes within a version, so Terraform >= 1.6 may cache it between processes.
        get_provider_schema_optional: true,
        ..Default::default()
    }
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderV5 {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let _span = super::rpc_span("GetMetadata", 5).entered();
        let data_sources = self
            .0
            .data_source_names()
            .map(|n| pb::get_metadata::DataSourceMetadata {
                type_name: n.to_string(),
            })
            .collect();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            data_sources,
            ..Default::default()
        }))
    }

    async fn get_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let _span = super::rpc_span("GetSchema", 5).entered();
        let schema = self.0.schema();
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(wire::schema(&schema.provider)),
            data_source_schemas: schema
                .data_sources
                .iter()
                .map(|(n, s)| (n.clone(), wire::schema(s)))
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn prepare_provider_config(
        &self,
        req: Request<pb::prepare_provider_config::Request>,
    ) -> Result<Response<pb::prepare_provider_config::Response>, Status> {
        let _span = super::rpc_span("PrepareProviderConfig", 5).entered();
        let req = req.into_inner();
        let ty = self.0.schema().provider.block.implied_type();
        let diags = match wire::decode(req.config.as_ref(), &ty, "provider configuration") {
            Ok(config) => self.0.validate_provider_config(&config),
            Err(d) => d,
        };
        // Terraform 0.12 - 0.14 use prepared_config as the provider configuration: hand back what came in.
        Ok(Response::new(pb::prepare_provider_config::Response {
            prepared_config: req.config,
            diagnostics: wire::diagnostics(&diags),
        }))
    }

    async fn validate_data_source_config(
        &self,
        req: Request<pb::validate_data_source_config::Request>,
    ) -> Result<Response<pb::validate_data_source_config::Response>, Status> {
        let req = req.into_inner();
        let _span = super::rpc_span("ValidateDataSourceConfig", 5).entered();
        let diags = wire::validate_data_source(&self.0, &req.type_name, req.config.as_ref());
        Ok(Response::new(pb::validate_data_source_config::Response {
            diagnostics: wire::diagnostics(&diags),
        }))
    }

    async fn configure(
        &self,
        req: Request<pb::configure::Request>,
    ) -> Result<Response<pb::configure::Response>, Status> {
        let _span = super::rpc_span("Configure", 5).entered();
        let ty = self.0.schema().provider.block.implied_type();
        let diags = match wire::decode(req.get_ref().config.as_ref(), &ty, "provider configuration")
        {
            Ok(config) => self.0.configure(&config, &req.get_ref().terraform_version),
            Err(d) => d,
        };
        Ok(Response::new(pb::configure::Response {
            diagnostics: wire::diagnostics(&diags),
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let span = super::rpc_span("ReadDataSource", 5);
        let (state, diags) = wire::read_data_source(&self.0, &req.type_name, req.config.as_ref())
            .instrument(span)
            .await;
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: wire::diagnostics(&diags),
            deferred: None,
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn stop(
        &self,
        _: Request<pb::stop::Request>,
    ) -> Result<Response<pb::stop::Response>, Status> {
        let _span = super::rpc_span("Stop", 5).entered();
        self.0.stop();
        Ok(Response::new(pb::stop::Response {
            error: String::new(),
        }))
    }
}
