//! A webhook receiver: registers an endpoint, verifies deliveries with the
//! `axum` extractor, prints each event and hands it to the client.
//!
//! ```sh
//! cargo run --example webhook_server --features axum                   # no key: fake API, one self-signed demo delivery
//! cargo run --example webhook_server --features axum -- https://you.example/webhooks/videogen   # real API: serves until Ctrl-C
//! ```

mod common;

use std::process::ExitCode;

use axum::{extract::State, routing::post, Router};
use videogen::{
    types::{CreateWebhookEndpointRequest, WebhookEventName},
    webhooks::{axum::VerifiedEvent, Verifier},
    Client,
};

#[derive(Clone)]
struct App {
    client: Client,
    verifier: Verifier,
}

impl axum::extract::FromRef<App> for Verifier {
    fn from_ref(app: &App) -> Verifier {
        app.verifier.clone()
    }
}

async fn receive(State(app): State<App>, VerifiedEvent(event): VerifiedEvent) -> &'static str {
    println!("{} {} at {:?}", event.name(), event.id(), event.occurred_at());
    // Ends any wait() on that job at once; caches the files it carries.
    app.client.deliver(&event).await;
    "ok"
}

#[tokio::main]
async fn main() -> ExitCode {
    let public_url = std::env::args().nth(1);
    let (client, fake) = match common::connect(|fake| fake).await {
        Ok(connected) => connected,
        Err(error) => return common::fail(&error),
    };
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => return common::fail(&error),
    };
    let local = format!(
        "http://{}/webhooks/videogen",
        listener.local_addr().map(|a| a.to_string()).unwrap_or_default()
    );
    let url = public_url.unwrap_or_else(|| local.clone());
    let events = vec![
        WebhookEventName::ToolExecutionSucceeded,
        WebhookEventName::ToolExecutionFailed,
    ];
    let endpoint = match client
        .webhooks()
        .create_endpoint(CreateWebhookEndpointRequest::new(&url, events))
        .await
    {
        Ok(endpoint) => endpoint,
        Err(error) => return common::fail(&error),
    };
    let Some(secret) = endpoint.signing_secret else {
        return common::fail(&"the API returned no signing secret for the new endpoint");
    };
    let verifier = match Verifier::new(&secret) {
        Ok(verifier) => verifier,
        Err(error) => return common::fail(&error),
    };
    println!("endpoint {} receives at {url}", endpoint.endpoint_id);
    let app = Router::new()
        .route("/webhooks/videogen", post(receive))
        .with_state(App {
            client: client.clone(),
            verifier: verifier.clone(),
        });
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    if fake.is_none() {
        eprintln!("serving until Ctrl-C");
        let _ = tokio::signal::ctrl_c().await;
        return ExitCode::SUCCESS;
    }
    // With the fake: sign one delivery the way VideoGen does and post it.
    let body = serde_json::json!({
        "event": "tool_execution.succeeded", "toolExecutionId": "vg_tool_demo",
        "occurredAt": 1_779_537_600, "toolType": "GENERATE_IMAGE", "results": []
    })
    .to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let answer = reqwest::Client::new()
        .post(&local)
        .header("webhook-id", "msg_demo")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", verifier.sign("msg_demo", now, body.as_bytes()))
        .body(body)
        .send()
        .await;
    let forged = reqwest::Client::new().post(&local).body("{}").send().await;
    server.abort();
    match (answer, forged) {
        (Ok(good), Ok(bad)) if good.status().is_success() && bad.status() == 400 => ExitCode::SUCCESS,
        (good, bad) => common::fail(&format!("signed delivery: {good:?}; unsigned one: {bad:?}")),
    }
}
