//! The operations beyond Files: paging with real cursors on every paged
//! list, the documented 400 shapes, 404 for unknown ids on every operation
//! that takes one, entities, resources, text, account, webhook endpoints,
//! and faults, log and counters on a non-Files route. Every test is bounded.

use std::{
    future::Future,
    time::{Duration, UNIX_EPOCH},
};

use futures_util::TryStreamExt;
use serde_json::{json, Value};
use videogen::{
    types::{
        AddEntityReferenceRequest, CreateEntityRequest, CreateWebhookEndpointRequest, EntityType, ExecutedToolStatus,
        Gender, GenerateMusicRequest, GenerateTextRequest, RemoveEntityReferenceRequest, ScriptToVideoRequest,
        UpdateEntityRequest, WebhookEventName, WorkflowVisualStyle,
    },
    Operation,
};
use videogen_fake::{Clock, FakeVideoGen, Fault, Route, SeedFile};

async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took longer than 60 s");
}

async fn fake() -> FakeVideoGen {
    FakeVideoGen::builder()
        .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(1_900_000_000)))
        .job_duration(Duration::from_secs(10))
        .rng_seed(3)
        .files([
            SeedFile::image("vg_file_a"),
            SeedFile::image("vg_file_b"),
            SeedFile::video("vg_file_c"),
        ])
        .start()
        .await
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// One raw request with the fake's key: status and JSON body (`Null` if none).
async fn call(fake: &FakeVideoGen, method: &http::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap();
    let mut request = http()
        .request(method, format!("{}{path}", fake.base_url()))
        .bearer_auth(fake.api_key());
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn stock() -> WorkflowVisualStyle {
    WorkflowVisualStyle::new(videogen::types::VisualStyleType::Stock)
}

#[tokio::test]
async fn every_paged_list_pages_with_real_cursors() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        for n in 0..5 {
            client
                .tools()
                .generate_music(GenerateMusicRequest::new(format!("track {n}")))
                .await
                .unwrap();
            client
                .workflows()
                .script_to_video(ScriptToVideoRequest::new(format!("video {n}"), stock()))
                .await
                .unwrap();
            client
                .entities()
                .create(CreateEntityRequest::new(EntityType::Product, format!("thing {n}")))
                .await
                .unwrap();
            client
                .webhooks()
                .create_endpoint(CreateWebhookEndpointRequest::new(
                    format!("https://example.com/hook/{n}"),
                    vec![WebhookEventName::ToolExecutionSucceeded],
                ))
                .await
                .unwrap();
        }
        // `all()` follows nextCursor page by page (limit 2) until hasMore is false.
        let files: Vec<_> = client.files().list().limit(2).all().try_collect().await.unwrap();
        assert_eq!(files.len(), 3);
        let tools: Vec<_> = client.tools().list().limit(2).all().try_collect().await.unwrap();
        assert_eq!(tools.len(), 5);
        let runs: Vec<_> = client.workflows().list().limit(2).all().try_collect().await.unwrap();
        assert_eq!(runs.len(), 5);
        let projects: Vec<_> = client.projects().list().limit(2).all().try_collect().await.unwrap();
        assert_eq!(projects.len(), 5);
        let entities: Vec<_> = client.entities().list().limit(2).all().try_collect().await.unwrap();
        assert_eq!(entities.len(), 5);
        let endpoints: Vec<_> = client
            .webhooks()
            .list_endpoints()
            .limit(2)
            .all()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(endpoints.len(), 5);
        let presenters: Vec<_> = client
            .resources()
            .avatar_presenters()
            .limit(7)
            .all()
            .try_collect()
            .await
            .unwrap();
        assert!(presenters.len() >= 20);
        let voices: Vec<_> = client
            .resources()
            .tts_voices()
            .limit(7)
            .all()
            .try_collect()
            .await
            .unwrap();
        assert!(voices.iter().all(|v| !v.is_deprecated));
        let with_old: Vec<_> = client
            .resources()
            .tts_voices()
            .include_deprecated_voices(true)
            .limit(50)
            .all()
            .try_collect()
            .await
            .unwrap();
        assert!(with_old.len() > voices.len());

        // Newest first; each id once.
        let tool_ids: Vec<_> = tools.iter().map(|t| t.tool_execution_id.clone()).collect();
        let mut sorted = tool_ids.clone();
        sorted.dedup();
        assert_eq!(sorted.len(), 5);
        assert_eq!(
            tools[0].tool_execution_id,
            fake.jobs()
                .all()
                .iter()
                .rev()
                .find(|j| j.job_type == "GENERATE_MUSIC")
                .unwrap()
                .id
        );

        // Raw pages: cursors are opaque and belong to their list; an empty one is none.
        let (status, first) = call(&fake, &http::Method::GET, "/v1/entities?limit=2&cursor=", None).await;
        assert_eq!(status, 200);
        assert_eq!(
            (first["entities"].as_array().unwrap().len(), first["hasMore"].as_bool()),
            (2, Some(true))
        );
        let cursor = first["nextCursor"].as_str().unwrap().to_owned();
        let (status, _) = call(
            &fake,
            &http::Method::GET,
            &format!("/v1/entities?limit=2&cursor={cursor}"),
            None,
        )
        .await;
        assert_eq!(status, 200);
        let (status, body) = call(
            &fake,
            &http::Method::GET,
            &format!("/v1/projects?cursor={cursor}"),
            None,
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (404, Some("invalid_cursor")));
        // Project query options: web-app projects only on request, and never with selfOnly.
        fake.add_project("Made in the app", (1, 1), true);
        let (_, api_only) = call(&fake, &http::Method::GET, "/v1/projects?limit=200", None).await;
        let (_, with_ui) = call(
            &fake,
            &http::Method::GET,
            "/v1/projects?limit=200&includeUiProjects=true",
            None,
        )
        .await;
        let (_, mine) = call(
            &fake,
            &http::Method::GET,
            "/v1/projects?limit=200&includeUiProjects=true&selfOnly=true",
            None,
        )
        .await;
        let count = |v: &Value| v["projects"].as_array().unwrap().len();
        assert_eq!((count(&api_only), count(&with_ui), count(&mine)), (5, 6, 5));
        let (_, last) = call(&fake, &http::Method::GET, "/v1/webhooks/endpoints?limit=200", None).await;
        assert_eq!(
            (last["hasMore"].as_bool(), last["nextCursor"].is_null()),
            (Some(false), true)
        );
    })
    .await;
}

#[tokio::test]
async fn bad_parameters_answer_the_documented_400() {
    bounded(async {
        let fake = fake().await;
        use http::Method as M;
        let cases: Vec<(M, &str, Option<Value>, &str)> = vec![
            (
                M::POST,
                "/v1/tools/generate-image",
                Some(json!({"prompt": "x"})),
                "quality",
            ),
            (
                M::POST,
                "/v1/tools/generate-image",
                Some(json!({"prompt": "x", "quality": "ULTRA"})),
                "quality",
            ),
            (
                M::POST,
                "/v1/tools/generate-image",
                Some(json!({"prompt": "x", "quality": "LOW", "numResults": 0})),
                "numResults",
            ),
            (
                M::POST,
                "/v1/tools/generate-video-clip",
                Some(json!({"quality": "HIGH", "durationSeconds": 16})),
                "durationSeconds",
            ),
            (
                M::POST,
                "/v1/tools/text-to-speech",
                Some(json!({"ttsText": 5, "voiceId": "v"})),
                "ttsText",
            ),
            (
                M::POST,
                "/v1/tools/upscale-image",
                Some(json!({})),
                "imageStorageFileId",
            ),
            (
                M::POST,
                "/v1/workflows/script-to-video",
                Some(json!({"script": "x", "visualStyle": {"type": "CARTOON"}})),
                "type",
            ),
            (
                M::POST,
                "/v1/workflows/storyboard-to-video",
                Some(json!({"scenes": []})),
                "scenes",
            ),
            (
                M::POST,
                "/v1/entities",
                Some(json!({"entityType": "ACTOR", "name": ""})),
                "name",
            ),
            (
                M::POST,
                "/v1/webhooks/endpoints",
                Some(json!({"url": "https://x.example", "events": []})),
                "events",
            ),
            (
                M::POST,
                "/v1/webhooks/endpoints",
                Some(json!({"url": "https://x.example", "events": ["nope"]})),
                "events",
            ),
            (
                M::POST,
                "/v1/text/generate",
                Some(json!({"prompt": "x", "maxOutputTokens": 2001})),
                "maxOutputTokens",
            ),
            (
                M::POST,
                "/v1/text/generate",
                Some(json!({"prompt": "x", "temperature": "hot"})),
                "temperature",
            ),
            (M::POST, "/v1/text/generate", None, "body"),
            (M::GET, "/v1/entities?entityType=PERSON", None, "entityType"),
            (
                M::GET,
                "/v1/projects?includeUiProjects=maybe",
                None,
                "includeUiProjects",
            ),
            (M::GET, "/v1/tools/executions?limit=500", None, "limit"),
            (
                M::GET,
                "/v1/resources/tts-voices?includeDeprecatedVoices=1",
                None,
                "includeDeprecatedVoices",
            ),
        ];
        for (method, path, body, field) in cases {
            let (status, error) = call(&fake, &method, path, body.clone()).await;
            assert_eq!(
                (status, error["code"].as_str()),
                (400, Some("invalid_parameters")),
                "{method} {path} {body:?}"
            );
            let message = error["message"].as_str().unwrap();
            assert!(message.contains(field), "{path}: {message:?} names {field}");
        }
        assert!(fake.jobs().all().is_empty(), "nothing was started");
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_are_404_on_every_operation_that_takes_one() {
    bounded(async {
        let fake = fake().await;
        let project = fake.add_project("Real project", (16, 9), false);
        for op in Operation::ALL {
            let info = op.info();
            if info.path_params.is_empty() {
                continue;
            }
            let mut path = info.path.to_owned();
            for name in info.path_params {
                // For exports, a real project with an unknown export is 404 too.
                let id = if *name == "projectId" && op == Operation::GetProjectExport {
                    project.clone()
                } else {
                    format!("vg_unknown_{name}")
                };
                path = path.replace(&format!("{{{name}}}"), &id);
            }
            let body = match info.request_body {
                Some("RemixProjectRequest") => Some(json!({"remixActions": [{"type": "DISABLE_CAPTIONS"}]})),
                Some("AddEntityReferenceRequest" | "RemoveEntityReferenceRequest") => {
                    Some(json!({"fileId": "vg_file_a"}))
                }
                Some(_) => Some(json!({})),
                None => None,
            };
            let (status, error) = call(&fake, &info.method, &path, body).await;
            assert_eq!(
                (status, error["code"].as_str()),
                (404, Some("not_found")),
                "{}",
                info.id
            );
            assert!(!error["message"].as_str().unwrap().is_empty());
        }
    })
    .await;
}

#[tokio::test]
async fn entities_are_created_updated_referenced_and_archived() {
    bounded(async {
        let fake = fake().await;
        let entities = fake.client().entities();
        let actor = entities
            .create(CreateEntityRequest::new(EntityType::Actor, "Narrator"))
            .await
            .unwrap();
        assert!(actor.entity_id.starts_with("vg_enti_"));
        assert_eq!((actor.description.as_str(), actor.references.len()), ("", 0));
        assert!(actor.actor_config.is_some());
        let style = entities
            .create(CreateEntityRequest::new(EntityType::VisualStyle, "Watercolour"))
            .await
            .unwrap();
        assert!(style.actor_config.is_none());

        let updated = entities
            .update(&actor.entity_id, UpdateEntityRequest::new().name("Host"))
            .await
            .unwrap();
        assert_eq!(updated.name, "Host");
        let with_a = entities
            .add_reference(&actor.entity_id, AddEntityReferenceRequest::new("vg_file_a"))
            .await
            .unwrap();
        assert!(with_a.references[0].is_default, "the first reference is the default");
        let with_b = entities
            .add_reference(
                &actor.entity_id,
                AddEntityReferenceRequest::new("vg_file_b").is_default(true),
            )
            .await
            .unwrap();
        let defaults: Vec<_> = with_b
            .references
            .iter()
            .map(|r| (r.file_id.as_str(), r.is_default))
            .collect();
        assert_eq!(defaults, [("vg_file_a", false), ("vg_file_b", true)]);
        let err = entities
            .add_reference(&actor.entity_id, AddEntityReferenceRequest::new("vg_file_zz"))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
        let without_b = entities
            .remove_reference(&actor.entity_id, RemoveEntityReferenceRequest::new("vg_file_b"))
            .await
            .unwrap();
        assert_eq!(without_b.references.len(), 1);
        assert!(without_b.references[0].is_default);
        let again = entities
            .remove_reference(&actor.entity_id, RemoveEntityReferenceRequest::new("vg_file_b"))
            .await
            .unwrap_err();
        assert_eq!(again.status().map(|s| s.as_u16()), Some(409));

        let page = entities.list().entity_type(EntityType::Actor).await.unwrap();
        assert_eq!(page.entities.len(), 1);
        let archived = entities.archive(&actor.entity_id).await.unwrap();
        assert!(archived.archived);
        assert_eq!(
            entities.list().await.unwrap().entities.len(),
            1,
            "archived entities leave the list"
        );
        assert_eq!(
            entities.get(&actor.entity_id).await.unwrap().name,
            "Host",
            "still readable by id"
        );
    })
    .await;
}

#[tokio::test]
async fn webhook_endpoints_show_their_secret_once() {
    bounded(async {
        let fake = fake().await;
        let hooks = fake.client().webhooks();
        let created = hooks
            .create_endpoint(
                CreateWebhookEndpointRequest::new(
                    "https://example.com/hooks",
                    vec![
                        WebhookEventName::ToolExecutionSucceeded,
                        WebhookEventName::WorkflowRunFailed,
                    ],
                )
                .description("main"),
            )
            .await
            .unwrap();
        let secret = created
            .signing_secret
            .clone()
            .expect("the create answer carries the secret");
        assert!(secret.starts_with("whsec_"));
        let last4 = created.signing_secret_last4.clone().unwrap();
        assert_eq!(last4, secret[secret.len() - 4..]);
        assert!(created.endpoint_id.starts_with("ep_"));

        let listed = hooks.list_endpoints().await.unwrap();
        assert_eq!(listed.endpoints.len(), 1);
        assert_eq!(listed.endpoints[0].signing_secret, None, "never again");
        assert_eq!(
            listed.endpoints[0].signing_secret_last4.as_deref(),
            Some(last4.as_str())
        );
        assert_eq!(listed.endpoints[0].description.as_deref(), Some("main"));
        // Tests that verify deliveries can still read it from the fake.
        assert_eq!(
            fake.webhook_endpoints()[0].signing_secret.as_deref(),
            Some(secret.as_str())
        );

        let (status, body) = call(
            &fake,
            &http::Method::DELETE,
            &format!("/v1/webhooks/endpoints/{}", created.endpoint_id),
            None,
        )
        .await;
        assert_eq!((status, body), (204, Value::Null));
        let err = hooks.delete_endpoint(&created.endpoint_id).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert!(hooks.list_endpoints().await.unwrap().endpoints.is_empty());
    })
    .await;
}

#[tokio::test]
async fn resources_text_and_account_answer_from_fixed_data() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let languages = client.resources().languages().await.unwrap();
        assert!(languages.iter().any(|l| l.language_code == "fr" && l.name == "French"));
        let voices = client.resources().tts_voices().limit(200).await.unwrap().tts_voices;
        let male = voices.iter().find(|v| v.display_gender == Gender::Male).unwrap();
        let ranked = client
            .resources()
            .avatar_presenters()
            .voice_id(&male.voice_id)
            .limit(3)
            .await
            .unwrap();
        assert!(ranked
            .avatar_presenters
            .iter()
            .all(|p| p.displayable_gender == Gender::Male));
        let presenter = &ranked.avatar_presenters[0];
        let image = http().get(&presenter.image_url).send().await.unwrap();
        assert_eq!(
            (
                image.status().as_u16(),
                image.headers()["content-type"].to_str().unwrap()
            ),
            (200, "image/jpeg")
        );

        let request = GenerateTextRequest::new("Write a tagline for a coffee shop called Dawn");
        let first = client.text().generate(request.clone()).await.unwrap().text;
        let second = client.text().generate(request).await.unwrap().text;
        assert_eq!(first, second, "deterministic");
        assert!(first.contains("coffee"), "{first}");
        let short = client
            .text()
            .generate(GenerateTextRequest::new("one two three four five six").max_output_tokens(3))
            .await
            .unwrap()
            .text;
        assert_eq!(short.split_whitespace().count(), 3);

        let me = client.account().me().await.unwrap();
        assert!(me.api_key_id.starts_with("vg_key_"));
        assert_eq!(me.display_name.as_deref(), Some("Fake Developer"));
    })
    .await;
}

#[tokio::test]
async fn faults_log_and_counters_work_on_job_routes() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let job = client
            .tools()
            .generate_music(GenerateMusicRequest::new("a tune"))
            .await
            .unwrap();
        fake.faults()
            .on(Operation::GetToolExecutionInfo)
            .for_id(job.id())
            .sequence([Fault::status(503), Fault::rate_limited(Duration::from_secs(1))]);
        let state = job.get().await.expect("retried through the 503 and the 429");
        assert_eq!(state.status, ExecutedToolStatus::Pending);
        assert_eq!(fake.count(Operation::GetToolExecutionInfo), 3);
        assert_eq!(fake.count(Route::Api(Operation::GenerateMusic)), 1);
        let polls = fake.requests_to(Operation::GetToolExecutionInfo);
        let statuses: Vec<_> = polls.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Some(503), Some(429), Some(200)]);
        assert!(polls.iter().all(|r| r.ids == [job.id().to_owned()]));
        assert_eq!(
            fake.job(job.id()).unwrap().polls,
            1,
            "only the answered poll read the job"
        );
        assert_eq!(fake.hits("getToolExecutionInfo"), 3);
        let counts = fake.counts();
        assert!(counts.contains(&(Route::Api(Operation::GenerateMusic), 1)));

        // Faults aimed at one id leave the others alone; `on_any` reaches everything.
        let other = client
            .tools()
            .generate_music(GenerateMusicRequest::new("another"))
            .await
            .unwrap();
        fake.faults()
            .on(Operation::GetToolExecutionInfo)
            .for_id(job.id())
            .always(Fault::status(500));
        other.get().await.unwrap();
        fake.faults().clear();
        fake.faults().on_any().once(Fault::html(502));
        let (status, _) = call(&fake, &http::Method::GET, "/v1/entities", None).await;
        assert_eq!(status, 502);

        // The rate limit applies to every API route.
        fake.faults().rate_limit(1, Duration::from_secs(60));
        let (first, _) = call(&fake, &http::Method::GET, "/v1/me", None).await;
        let (second, body) = call(&fake, &http::Method::GET, "/v1/resources/languages", None).await;
        assert_eq!((first, second, body["code"].as_str()), (200, 429, Some("rate_limited")));
        fake.reset_log();
        assert_eq!(fake.count(Operation::GetToolExecutionInfo), 0);
    })
    .await;
}
