//! End to end with no network: the fake delivers a signed event to a plain
//! hyper handler, the handler verifies it and hands it to the client, and a
//! `wait()` on a webhook-driven client ends on it instead of polling.

use std::{convert::Infallible, sync::Arc, time::Duration};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{body::Incoming, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, sync::mpsc};
use videogen::{
    types::{CreateWebhookEndpointRequest, ExecutedToolStatus, GenerateImageRequest, WebhookEventName},
    webhooks::Verifier,
    Client, Operation,
};
use videogen_fake::FakeVideoGen;

/// The service's webhook route: verify, hand the event to the client, 204.
async fn handle(
    request: Request<Incoming>,
    verifier: Arc<Verifier>,
    client: Client,
    woke: mpsc::UnboundedSender<bool>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
        return Ok(status(StatusCode::BAD_REQUEST));
    };
    match verifier.verify(&parts.headers, &body) {
        Ok(event) => {
            let _ = woke.send(client.deliver(&event).await);
            Ok(status(StatusCode::NO_CONTENT))
        }
        Err(_) => Ok(status(StatusCode::BAD_REQUEST)),
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}

#[tokio::test]
async fn a_delivered_event_ends_a_webhook_driven_wait_without_polling() {
    let work = async {
        // The wall clock, shifted by `advance`: the verifier checks
        // `webhook-timestamp` against the real time (300 s tolerance).
        let fake = FakeVideoGen::builder()
            .job_duration(Duration::from_secs(10))
            .start()
            .await;
        let client = fake.client_builder().webhook_driven(true).build().unwrap();

        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhooks/videogen", listener.local_addr().unwrap());
        let endpoint = client
            .webhooks()
            .create_endpoint(CreateWebhookEndpointRequest::new(
                url,
                vec![WebhookEventName::ToolExecutionSucceeded],
            ))
            .await
            .unwrap();
        let verifier = Arc::new(Verifier::new(endpoint.signing_secret.as_deref().unwrap()).unwrap());
        let (woke_tx, mut woke) = mpsc::unbounded_channel();
        let service_client = client.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (verifier, client, woke) = (verifier.clone(), service_client.clone(), woke_tx.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        handle(request, verifier.clone(), client.clone(), woke.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });

        let job = client
            .tools()
            .generate_image(GenerateImageRequest::new("a red fox in snow"))
            .await
            .unwrap();
        let waiting = tokio::spawn(std::future::IntoFuture::into_future(job.wait()));
        // The wait looks once, finds the job running, then sleeps on the event.
        while fake.count(Operation::GetToolExecutionInfo) == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let started = std::time::Instant::now();
        fake.advance(Duration::from_secs(10));

        assert!(woke.recv().await.unwrap(), "the handler's deliver() found the wait");
        let done = waiting.await.unwrap().unwrap();
        assert_eq!(done.status, ExecutedToolStatus::Succeeded);
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "ended by the event, not the 60 s fallback poll"
        );
        assert_eq!(
            fake.count(Operation::GetToolExecutionInfo),
            2,
            "one look before the event, one after it"
        );
        fake.deliver_now().await;
        let deliveries = fake.deliveries();
        assert_eq!(deliveries.len(), 1);
        assert_eq!((deliveries[0].attempt, deliveries[0].status), (1, Some(204)));
    };
    tokio::time::timeout(Duration::from_secs(40), work)
        .await
        .expect("the test took longer than 40 s");
}
