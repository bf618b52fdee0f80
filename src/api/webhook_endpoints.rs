//! `client.webhooks()`: the endpoints that receive signed event deliveries.
//! (Verifying deliveries is `videogen::webhooks`, no client needed.)

use std::future::Future;

use crate::{
    generated::paging::ListWebhookEndpointsQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{CreateWebhookEndpointRequest, WebhookEndpoint},
    Error,
};

/// Webhook endpoint management. Get one from [`Client::webhooks`](crate::Client::webhooks).
#[derive(Clone, Debug)]
pub struct WebhookEndpoints {
    runtime: Runtime,
}

impl WebhookEndpoints {
    pub(crate) fn new(runtime: Runtime) -> Self {
        WebhookEndpoints { runtime }
    }

    /// One page of endpoints (their secrets show only the last 4 characters).
    #[doc(alias = "listWebhookEndpoints")]
    pub fn list_endpoints(&self) -> ListRequest<ListWebhookEndpointsQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every endpoint, as a stream.
    pub fn list_endpoints_all(
        &self,
    ) -> impl futures_util::Stream<Item = Result<WebhookEndpoint, Error>> + Send + 'static {
        self.list_endpoints().all()
    }

    /// Registers an endpoint. The answer carries the signing secret: this is
    /// the only time the API shows it, so store it now.
    #[doc(alias = "createWebhookEndpoint")]
    pub fn create_endpoint(
        &self,
        request: CreateWebhookEndpointRequest,
    ) -> impl Future<Output = Result<WebhookEndpoint, Error>> + Send + 'static {
        let runtime = self.runtime.clone();
        async move { call!(runtime, CreateWebhookEndpoint, |g| g.create_webhook_endpoint(&request)) }
    }

    /// Removes an endpoint; deliveries to it stop.
    #[doc(alias = "deleteWebhookEndpoint")]
    pub fn delete_endpoint(
        &self,
        endpoint_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<(), Error>> + Send + 'static {
        let (runtime, id) = (self.runtime.clone(), ids::owned("endpointId", endpoint_id.as_ref()));
        async move {
            let id = id?;
            call!(runtime, DeleteWebhookEndpoint, |g| g.delete_webhook_endpoint(&id))
        }
    }
}
