//! The operation table shared by the whole-API tests (`all_operations.rs`,
//! `prism.rs`): for every [`Operation`], how to call it through the public
//! handles with a valid request, what that request must look like on the
//! wire, and which response to answer it with.
//!
//! [`case`] is a `match` with a wildcard arm (`Operation` is
//! `#[non_exhaustive]`), so an operation added to the crate is not a compile
//! error here: `all_operations.rs` walks `Operation::ALL` and fails until the
//! new operation has a row.
#![allow(dead_code)]

pub mod schema;
pub mod types;

use std::{fmt, future::Future, path::PathBuf, pin::Pin, sync::Arc, time::Duration};

use futures_util::TryStreamExt;
use serde::Serialize;
use serde_json::{json, Value};
use videogen::{
    paging::Paged,
    types::{
        AddEntityReferenceRequest, AspectRatio, CaptionBackgroundType, CreateEntityRequest, CreateFileUploadRequest,
        CreateWebhookEndpointRequest, EditWithAgentMode, EntityType, ExportProjectQuality, ExportProjectRequest,
        GenerateAvatarRequest, GenerateImageRequest, GenerateMusicRequest, GenerateSoundEffectRequest,
        GenerateStoryboardScene, GenerateTextRequest, GenerateVideoClipRequest, ImageAssetRequest, ImageQuality,
        LanguageListResponse, ListRemixActionsResponse, LogoPosition, PronunciationReplacement,
        RemixActionAddTransitions, RemixActionChangeNarrator, RemixActionCleanUpTranscript,
        RemixActionConvertImagesToVideos, RemixActionDisableCaptions, RemixActionEditWithAgent,
        RemixActionEnableCaptions, RemixActionGenerateMusic, RemixActionRegenerateImages, RemixActionResizeProject,
        RemixActionSetBackgroundMusic, RemixActionSetLogo, RemixActionShuffleStockVisuals, RemixActionTranslateProject,
        RemixActionUpscaleAssets, RemixProjectRequest, RemixTransitionStyle, RemoveEntityReferenceRequest,
        SceneGeneration, SceneGenerationType, ScriptToVideoRequest, SearchFilesResponse, SlideshowToVideoRequest,
        StoryboardToVideoRequest, TextJustification, TextToSpeechRequest, UpdateEntityRequest, UploadFileType,
        VerticalAlignment, VideoAssetRequest, VideoQuality, VisualPacing, VisualStyleType, VoiceoverToVideoRequest,
        WatermarkMode, WebhookEventName, WorkflowCaptionBackgroundStyle, WorkflowCaptionStyle,
        WorkflowCaptionStyleFontWeight, WorkflowRgbColor, WorkflowVisualStyle,
    },
    Client, Error, ExportJob, ListRequest, Nullable, Operation, RemixJob, ToolJob, WorkflowJob,
};

/// The API key every test client sends.
pub const KEY: &str = "sk_test_operations_0123456789";

/// Every call in these tests is bounded by this, whatever the client does.
pub const CALL_LIMIT: Duration = Duration::from_secs(20);

/// A call through the public API; its result as JSON, shaped like the
/// operation's documented response body, so it can be compared with it.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<Value, Error>> + Send + 'static>>;
/// One way to make an operation's call: (client, path ids in path order).
pub type Call = Arc<dyn Fn(Client, Vec<String>) -> CallFuture + Send + Sync>;

/// Where a case's response body comes from.
#[derive(Clone, Debug)]
pub enum Source {
    /// The first response example (`x-fern-examples`) of this `operationId`
    /// in the published document.
    Example(&'static str),
    /// Built here: the document has no response example for the operation.
    Hand(Value),
    /// No body (204).
    Empty,
}

/// One row of the table.
pub struct Case {
    /// The operation.
    pub op: Operation,
    /// Query parameters the call sends, decoded (exactly these, no others).
    pub query: Vec<(&'static str, &'static str)>,
    /// The JSON body the call sends, if any (compared exactly).
    pub body: Option<Value>,
    /// The success response to answer with.
    pub response: Source,
    /// Ways to call it through the public handles; the first is the main one.
    /// All of them send the same request and decode to the same JSON.
    pub calls: Vec<(&'static str, Call)>,
}

impl Case {
    fn new(op: Operation, response: Source) -> Case {
        Case {
            op,
            query: Vec::new(),
            body: None,
            response,
            calls: Vec::new(),
        }
    }

    fn query(mut self, query: &[(&'static str, &'static str)]) -> Case {
        self.query = query.to_vec();
        self
    }

    fn body(mut self, body: Value) -> Case {
        self.body = Some(body);
        self
    }

    fn call<F, Fut>(mut self, name: &'static str, f: F) -> Case
    where
        F: Fn(Client, Vec<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, Error>> + Send + 'static,
    {
        self.calls
            .push((name, Arc::new(move |client, ids| Box::pin(f(client, ids)))));
        self
    }
}

/// A path id that needs percent-encoding (`/`, space, `?`, `#`, `%`,
/// non-ASCII), one per path parameter name, for the mock-server tests.
pub fn tricky_id(param: &str) -> &'static str {
    match param {
        "workflowRunId" => "vg_work_1/2 3?#%ü",
        "projectId" => "vg_proj_ab c/d",
        "exportId" => "vg_expo_%2F?x",
        "toolExecutionId" => "vg_tool_é/1",
        "fileId" => "vg_file_a b#c",
        "entityId" => "vg_enti_x?y/z",
        "endpointId" => "ep_1 2/3",
        other => panic!("no test id for path parameter `{other}`: add one to tests/support"),
    }
}

/// A plain, realistic id per path parameter (the published examples' ids).
pub fn plain_id(param: &str) -> &'static str {
    match param {
        "workflowRunId" => "vg_work_ccm3abc123defcm3xyz789ghi",
        "projectId" => "vg_proj_9dTk3mQ1rZ7xP4vN2sB6wc",
        "exportId" => "vg_expo_4bHn8pR2sY5xM1vL3tC7wd",
        "toolExecutionId" => "vg_tool_ccm3abc123defcm3xyz789ghi",
        "fileId" => "vg_file_obLD1OX2eJCrEs0071Z4kA",
        "entityId" => "vg_enti_a1b2c3d4e5f6",
        "endpointId" => "ep_28KVX7vT9mQ2sL4nR6pB1cD0fG",
        other => panic!("no test id for path parameter `{other}`: add one to tests/support"),
    }
}

/// Ids for every path parameter of `op`, in path order.
pub fn ids_for(op: Operation, pick: fn(&str) -> &'static str) -> Vec<String> {
    op.info().path_params.iter().map(|p| pick(p).to_owned()).collect()
}

/// Percent-encodes one path segment: everything but RFC 3986's unreserved
/// characters. (The test ids hold nothing a client may leave either way.)
pub fn encode_segment(id: &str) -> String {
    let mut out = String::new();
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `template` with each `{param}` replaced by its encoded id.
pub fn fill_path(template: &str, params: &[&str], ids: &[String]) -> String {
    let mut path = template.to_owned();
    for (param, id) in params.iter().zip(ids) {
        path = path.replace(&format!("{{{param}}}"), &encode_segment(id));
    }
    assert!(!path.contains('{'), "unfilled parameter in {path}");
    path
}

// ---------------------------------------------------------------------------
// The published document.

/// True when running under CI (`CI=true`), where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// The vendor's published OpenAPI document (`VIDEOGEN_PUBLISHED_SPEC`, else
/// `../shared/published/videogen-openapi.json` beside the crate). Missing:
/// a failure under CI, `None` (and a note) elsewhere.
pub fn published_document() -> Option<Value> {
    let path = std::env::var_os("VIDEOGEN_PUBLISHED_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/published/videogen-openapi.json"));
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the published document is JSON")),
        Err(e) if in_ci() => panic!(
            "CI=true and the published document is missing at {}: {e}. It must be there in CI.",
            path.display()
        ),
        Err(e) => {
            eprintln!(
                "note: the published document is not at {} ({e}); skipping what needs it (a failure under CI=true)",
                path.display()
            );
            None
        }
    }
}

/// The published document's operation with this `operationId`: (path, method, operation).
pub fn published_operation<'a>(doc: &'a Value, operation_id: &str) -> Option<(&'a str, &'a str, &'a Value)> {
    for (path, item) in doc["paths"].as_object()? {
        for (method, op) in item.as_object()? {
            if op.get("operationId").and_then(Value::as_str) == Some(operation_id) {
                return Some((path.as_str(), method.as_str(), op));
            }
        }
    }
    None
}

/// The first response-body example of an operation, from the document.
pub fn example_response(doc: &Value, operation_id: &str) -> Value {
    let (_, _, op) = published_operation(doc, operation_id)
        .unwrap_or_else(|| panic!("{operation_id} is not in the published document"));
    op["x-fern-examples"]
        .as_array()
        .into_iter()
        .flatten()
        .find_map(|example| example["response"].get("body").cloned())
        .unwrap_or_else(|| panic!("{operation_id} has no response example in the published document"))
}

/// The body a case answers with (`None`: no body).
pub fn response_body(doc: &Value, source: &Source) -> Option<Value> {
    match source {
        Source::Example(id) => Some(example_response(doc, id)),
        Source::Hand(body) => Some(body.clone()),
        Source::Empty => None,
    }
}

/// JSON as the crate documents its round trips: `null` and an absent member
/// are the same, and a number is its value (`12` equals `12.0`).
pub fn canonical(value: &Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("finite")),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

// ---------------------------------------------------------------------------
// Turning what the handles return into the documented JSON.

/// The value as JSON, through text as a service would pass it on (an `f32`
/// prints short there). Its `Debug` form is written too, as a log line
/// would: that must not fail either.
fn to_json<T: Serialize + fmt::Debug>(value: T) -> Result<Value, Error> {
    let _ = format!("{value:?}");
    let text = serde_json::to_string(&value).expect("our types serialize");
    Ok(serde_json::from_str(&text).unwrap())
}

fn tool_job(job: ToolJob) -> Result<Value, Error> {
    let _ = format!("{job:?}");
    assert_eq!(job.id(), job.start_response().tool_execution_id, "ToolJob::id");
    to_json(job.start_response())
}

fn workflow_job(job: WorkflowJob) -> Result<Value, Error> {
    let _ = format!("{job:?}");
    let start = job.start_response().expect("a started job keeps its start response");
    assert_eq!(job.id(), start.workflow_run_id, "WorkflowJob::id");
    assert_eq!(
        job.project_id(),
        Some(start.project_id.as_str()),
        "WorkflowJob::project_id"
    );
    assert_eq!(
        job.project_url(),
        Some(start.project_url.as_str()),
        "WorkflowJob::project_url"
    );
    assert_eq!(job.remix_action_ids(), start.remix_action_ids.as_slice());
    to_json(start)
}

fn export_job(job: ExportJob, project_id: &str) -> Result<Value, Error> {
    let _ = format!("{job:?}");
    assert_eq!(
        job.project_id(),
        project_id,
        "ExportJob::project_id is the exported project"
    );
    Ok(json!({ "exportId": job.id() }))
}

fn remix_job(job: RemixJob) -> Result<Value, Error> {
    let _ = format!("{job:?}");
    Ok(json!({
        "projectId": job.project_id(),
        "projectUrl": job.project_url(),
        "remixActionIds": job.ids(),
    }))
}

/// Every item of a paged list (one page: the answers say `hasMore: false`),
/// shaped as that page.
async fn all<Q: Paged>(request: ListRequest<Q>, items_key: &str) -> Result<Value, Error>
where
    Q::Item: Serialize + fmt::Debug,
{
    let items: Vec<Q::Item> = request.all().try_collect().await?;
    Ok(json!({ items_key: to_json(items)?, "hasMore": false, "nextCursor": null }))
}

fn nz(n: u64) -> u64 {
    n
}

// ---------------------------------------------------------------------------
// Values shared by several rows.

const PROJECT_URL: &str = "https://app.videogen.io/project/1f0a2b3c-4d5e-6789-ab12-cdef34567890";
const SCRIPT: &str = "Staying hydrated keeps your body and mind running at their best. Drinking enough water \
                      boosts your energy, focus, and mood. Keep a water bottle nearby and sip throughout the day.";
const WATERCOLOR: &str = "loose watercolor illustration with visible brushstrokes and soft color bleeds";
const FILE: &str = "vg_file_obLD1OX2eJCrEs0071Z4kA";
const VIDEO_FILE: &str = "vg_file_jzosm31OGi-bPE1eb3qLnA";
const VOICE: &str = "vg_voic_7t1wdka3tmk";
const PRESENTER: &str = "vg_pres_a1ua8slxzfi";

fn workflow_start_response() -> Value {
    json!({
        "workflowRunId": "vg_work_ccm3abc123defcm3xyz789ghi",
        "projectId": "vg_proj_9dTk3mQ1rZ7xP4vN2sB6wc",
        "projectUrl": PROJECT_URL,
        "remixActionIds": ["vg_rmix_ka9d2mZq7vTb1n0847PceR"]
    })
}

fn remix_ids() -> Vec<String> {
    (1..=15).map(|i| format!("vg_rmix_{i:02}x7vTb1n0847PceR")).collect()
}

/// A realistic hydrated video, with every member the schema has.
fn full_video(file_id: &str) -> Value {
    json!({
        "fileId": file_id,
        "type": "VIDEO",
        "scope": "PROJECT",
        "displayName": "Summit clip",
        "description": "A hiker reaching a summit at sunrise.",
        "durationSeconds": 6.04,
        "transcript": null,
        "thumbnailSource": {"status": "ready", "url": "https://image.media.videogen.io/c/thumb.jpg?token=t", "expiresAt": 1779541200, "width": 426, "height": 240, "fileBytes": 18422},
        "previewSource": {"status": "ready", "url": "https://stream.media.videogen.io/c/720p.mp4?token=p", "expiresAt": 1779541200.5, "width": 1280, "height": 720, "fileBytes": 2811904},
        "downloadSource": {"status": "ready", "url": "https://stream.media.videogen.io/c/1080p.mp4?token=d", "expiresAt": 1779541200, "width": 1920, "height": 1080, "fileBytes": 9437184},
        "hlsSource": {"status": "pending", "url": null, "expiresAt": null, "width": null, "height": null, "fileBytes": null},
        "staticPublicPreviewSource": null,
        "isPublicPreviewEnabled": false,
        "publicHlsUrl": null,
        "publicPlaybackId": null,
        "sourceToolType": "GENERATE_VIDEO_CLIP",
        "sourceToolExecutionId": "vg_tool_ccm3abc123defcm3xyz789ghi",
        "fileAnalysisMetadata": {"analysisLoadingState": "LOADING", "analysisProgressPercentage": 40.5, "analysisAttemptIndex": 0}
    })
}

fn api_error() -> Value {
    json!({
        "message": "Your team is out of credits.",
        "code": "insufficient_credits",
        "requirement": {"type": "CREDITS", "details": {"required": "120", "available": "15"}},
        "internalErrorCode": "E_CREDITS_4021"
    })
}

// ---------------------------------------------------------------------------
// The table.

/// How to call `op`, or `None` for an operation this table does not know yet.
pub fn case(op: Operation) -> Option<Case> {
    use Operation as O;
    use Source::{Empty, Example, Hand};
    let case = Case::new(op, Hand(Value::Null));
    Some(match op {
        // ----- Workflows -----
        O::ScriptToVideo => Case { response: Example("scriptToVideo"), ..case }
            .body(json!({
                "script": SCRIPT,
                "visualStyle": {"type": "AI_IMAGE", "aiStyle": WATERCOLOR, "restyleFeaturedBRollWithAiStyle": true},
                "visualPacing": "MEDIUM",
                "quality": "HIGH",
                "aspectRatio": {"width": 16, "height": 9},
                "voiceId": VOICE,
                "voiceSpeed": 1.1,
                "language": "en",
                "remixActions": [
                    {"type": "ENABLE_CAPTIONS"},
                    {"type": "CONVERT_IMAGES_TO_VIDEOS", "motionPrompt": "slow cinematic push-in", "muteOutputVideos": true, "quality": "HIGH"}
                ]
            }))
            .call("workflows().script_to_video", |c, _| async move {
                let style = WorkflowVisualStyle::new(VisualStyleType::AiImage).ai_style(WATERCOLOR);
                let request = ScriptToVideoRequest::new(SCRIPT, style)
                    .visual_pacing(VisualPacing::Medium)
                    .quality(ImageQuality::High)
                    .aspect_ratio(AspectRatio::new(nz(16), nz(9)))
                    .voice_id(VOICE)
                    .voice_speed(1.1)
                    .language("en")
                    .remix_actions(vec![
                        RemixActionEnableCaptions::new().into(),
                        RemixActionConvertImagesToVideos::new()
                            .motion_prompt("slow cinematic push-in")
                            .mute_output_videos(true)
                            .quality(VideoQuality::High)
                            .into(),
                    ]);
                workflow_job(c.workflows().script_to_video(request).await?)
            }),
        O::AddVisualsNarrationsAndCaptionsToScript => Case { response: Example("scriptToVideo"), ..case }
            .body(json!({
                "script": "Three tips for better sleep.",
                "visualStyle": {"type": "STOCK", "restyleFeaturedBRollWithAiStyle": true},
                "quality": "STANDARD"
            }))
            .call("workflows().add_visuals_narrations_and_captions_to_script", |c, _| async move {
                let request = ScriptToVideoRequest::new(
                    "Three tips for better sleep.",
                    WorkflowVisualStyle::new(VisualStyleType::Stock),
                );
                #[allow(deprecated)]
                let job = c.workflows().add_visuals_narrations_and_captions_to_script(request).await?;
                workflow_job(job)
            }),
        O::VoiceoverToVideo => Case { response: Example("voiceoverToVideo"), ..case }
            .body(json!({
                "fileId": FILE,
                "visualStyle": {"type": "AI_IMAGE", "aiStyle": "warm cinematic photography", "restyleFeaturedBRollWithAiStyle": false},
                "quality": "HIGH",
                "captionStyle": {
                    "fontName": "Inter",
                    "fontSize": 64.0,
                    "fontWeight": 700,
                    "textColor": {"red": 255, "green": 128, "blue": 0},
                    "strokeColor": null,
                    "backgroundStyle": {"type": "RECT", "backgroundColor": {"red": 0, "green": 0, "blue": 0}, "opacityProportion": 0.6},
                    "verticalAlignment": "BOTTOM",
                    "textJustification": "CENTER"
                },
                "remixActions": [
                    {"type": "CONVERT_IMAGES_TO_VIDEOS", "motionPrompt": "gentle parallax drift", "muteOutputVideos": true, "quality": "HIGH"},
                    {"type": "EDIT_WITH_AGENT", "prompt": "Replace the closing title card with \"Book a demo today\""}
                ]
            }))
            .call("workflows().voiceover_to_video", |c, _| async move {
                let style = WorkflowVisualStyle::new(VisualStyleType::AiImage)
                    .ai_style("warm cinematic photography")
                    .restyle_featured_b_roll_with_ai_style(false);
                let captions = WorkflowCaptionStyle::new()
                    .font_name("Inter")
                    .font_size(64.0)
                    .font_weight(WorkflowCaptionStyleFontWeight::try_from(700).unwrap())
                    // (blue, green, red): the generated `new` takes its arguments in name order.
                    .text_color(WorkflowRgbColor::new(255u8, 128u8, 0u8))
                    .stroke_color(Nullable::Null)
                    .background_style(
                        WorkflowCaptionBackgroundStyle::new(CaptionBackgroundType::Rect, WorkflowRgbColor::new(0u8, 0u8, 0u8))
                            .opacity_proportion(0.6),
                    )
                    .vertical_alignment(VerticalAlignment::Bottom)
                    .text_justification(TextJustification::Center);
                let request = VoiceoverToVideoRequest::new(FILE, style)
                    .quality(ImageQuality::High)
                    .caption_style(captions)
                    .remix_actions(vec![
                        RemixActionConvertImagesToVideos::new()
                            .motion_prompt("gentle parallax drift")
                            .mute_output_videos(true)
                            .quality(VideoQuality::High)
                            .into(),
                        RemixActionEditWithAgent::new("Replace the closing title card with \"Book a demo today\"").into(),
                    ]);
                workflow_job(c.workflows().voiceover_to_video(request).await?)
            }),
        O::AddVisualsAndCaptionsToVoiceover => Case { response: Example("voiceoverToVideo"), ..case }
            .body(json!({
                "fileId": FILE,
                "visualStyle": {"type": "ENTITY", "entityId": "vg_enti_f6e5d4c3b2a1", "restyleFeaturedBRollWithAiStyle": true},
                "quality": "STANDARD"
            }))
            .call("workflows().add_visuals_and_captions_to_voiceover", |c, _| async move {
                let style = WorkflowVisualStyle::new(VisualStyleType::Entity).entity_id("vg_enti_f6e5d4c3b2a1");
                #[allow(deprecated)]
                let job = c
                    .workflows()
                    .add_visuals_and_captions_to_voiceover(VoiceoverToVideoRequest::new(FILE, style))
                    .await?;
                workflow_job(job)
            }),
        O::SlideshowToVideo => Case { response: Example("slideshowToVideo"), ..case }
            .body(json!({
                "fileId": FILE,
                "captionStyle": null,
                "slideScripts": ["Welcome to the quarterly review.", "Thanks for watching."],
                "logoFileId": "vg_file_mot8bV5POiscDeHyo7TF1g",
                "remixActions": [
                    {"type": "ADD_TRANSITIONS", "sectionTransition": "DYNAMIC", "assetTransition": "FADE"},
                    {"type": "CONVERT_IMAGES_TO_VIDEOS", "motionPrompt": "subtle zoom with soft easing", "muteOutputVideos": true, "quality": "HIGH"}
                ]
            }))
            .call("workflows().slideshow_to_video", |c, _| async move {
                let request = SlideshowToVideoRequest::new(FILE)
                    // An explicit null: no captions at all.
                    .caption_style(Nullable::Null)
                    .slide_scripts(vec![
                        "Welcome to the quarterly review.".to_owned(),
                        "Thanks for watching.".to_owned(),
                    ])
                    .logo_file_id("vg_file_mot8bV5POiscDeHyo7TF1g")
                    .remix_actions(vec![
                        RemixActionAddTransitions::new()
                            .section_transition(RemixTransitionStyle::Dynamic)
                            .asset_transition(RemixTransitionStyle::Fade)
                            .into(),
                        RemixActionConvertImagesToVideos::new()
                            .motion_prompt("subtle zoom with soft easing")
                            .mute_output_videos(true)
                            .quality(VideoQuality::High)
                            .into(),
                    ]);
                workflow_job(c.workflows().slideshow_to_video(request).await?)
            }),
        O::AddNarrationTransitionsAndCaptionsToSlideshow => Case { response: Example("slideshowToVideo"), ..case }
            .body(json!({"fileId": FILE}))
            .call("workflows().add_narration_transitions_and_captions_to_slideshow", |c, _| async move {
                #[allow(deprecated)]
                let job = c
                    .workflows()
                    .add_narration_transitions_and_captions_to_slideshow(SlideshowToVideoRequest::new(FILE))
                    .await?;
                workflow_job(job)
            }),
        O::StoryboardToVideo => Case { response: Example("storyboardToVideo"), ..case }
            .body(json!({
                "defaultGeneration": {"type": "AI_IMAGE", "aiStyle": WATERCOLOR},
                "defaultDurationSeconds": 5,
                "quality": "STANDARD",
                "scenes": [
                    {"prompt": "A sunrise over a calm mountain lake, mist on the water."},
                    {
                        "prompt": "A hiker reaching the summit, arms raised in triumph.",
                        "generation": {"type": "AI_VIDEO", "aiStyle": "cinematic film look"},
                        "durationSeconds": 6
                    }
                ]
            }))
            .call("workflows().storyboard_to_video", |c, _| async move {
                let scene = |prompt: &str| GenerateStoryboardScene::new(prompt);
                let request = StoryboardToVideoRequest::new(vec![
                    scene("A sunrise over a calm mountain lake, mist on the water."),
                    scene("A hiker reaching the summit, arms raised in triumph.")
                        .generation(SceneGeneration::new(SceneGenerationType::AiVideo).ai_style("cinematic film look"))
                        .duration_seconds(nz(6)),
                ])
                .default_generation(SceneGeneration::new(SceneGenerationType::AiImage).ai_style(WATERCOLOR))
                .default_duration_seconds(nz(5));
                workflow_job(c.workflows().storyboard_to_video(request).await?)
            }),
        O::GenerateScenesFromStoryboard => Case { response: Example("storyboardToVideo"), ..case }
            .body(json!({
                "quality": "LOW",
                "scenes": [{"prompt": "A product shot on a marble table.", "title": "Intro", "voiceoverScript": "Meet the new bottle."}]
            }))
            .call("workflows().generate_scenes_from_storyboard", |c, _| async move {
                let scene = GenerateStoryboardScene::new(
                    "A product shot on a marble table.",
                )
                .title("Intro")
                .voiceover_script("Meet the new bottle.");
                let request = StoryboardToVideoRequest::new(vec![scene]).quality(ImageQuality::Low);
                #[allow(deprecated)]
                let job = c.workflows().generate_scenes_from_storyboard(request).await?;
                workflow_job(job)
            }),
        O::ListWorkflowRuns => Case {
            response: Hand(json!({
                "workflowRuns": [
                    {
                        "workflowRunId": "vg_work_ccm3abc123defcm3xyz789ghi",
                        "status": "running",
                        "workflowType": "VOICEOVER_TO_VIDEO",
                        "progressPercentage": 42.5,
                        "attemptIndex": 1,
                        "projectId": "vg_proj_9dTk3mQ1rZ7xP4vN2sB6wc",
                        "projectUrl": PROJECT_URL,
                        "error": null
                    },
                    {
                        "workflowRunId": "vg_work_ab12cd34ef56gh78ij90klmn",
                        "status": "failed",
                        "workflowType": "SCRIPT_TO_VIDEO",
                        "progressPercentage": 10,
                        "attemptIndex": 0,
                        "projectId": "vg_proj_2aTk3mQ1rZ7xP4vN2sB6zz",
                        "projectUrl": "https://app.videogen.io/project/2e0a2b3c-4d5e-6789-ab12-cdef34567891",
                        "error": api_error()
                    }
                ],
                "hasMore": false,
                "nextCursor": null
            })),
            ..case
        }
        .query(&[("limit", "7"), ("cursor", "cur/1 2+3"), ("selfOnly", "true")])
        .call("workflows().list()", |c, _| async move {
            to_json(c.workflows().list().limit(7).cursor("cur/1 2+3").self_only(true).await?)
        })
        .call("workflows().list().all()", |c, _| async move {
            all(c.workflows().list().limit(7).cursor("cur/1 2+3").self_only(true), "workflowRuns").await
        }),
        O::GetWorkflowRun => Case { response: Example("getWorkflowRun"), ..case }
            .call("workflows().get", |c, ids| async move { to_json(c.workflows().get(&ids[0]).await?) })
            .call("workflows().job(..).get", |c, ids| async move {
                to_json(c.workflows().job(&ids[0]).get().await?)
            }),
        O::CancelWorkflowRun => Case { response: Hand(workflow_start_response()), ..case }
            .call("workflows().cancel", |c, ids| async move { to_json(c.workflows().cancel(&ids[0]).await?) })
            .call("workflows().job(..).cancel", |c, ids| async move {
                to_json(c.workflows().job(&ids[0]).cancel().await?)
            }),

        // ----- Projects -----
        O::ListProjects => Case { response: Example("listProjects"), ..case }
            .query(&[("limit", "3"), ("cursor", "p2"), ("selfOnly", "true"), ("includeUiProjects", "true")])
            .call("projects().list()", |c, _| async move {
                to_json(c.projects().list().limit(3).cursor("p2").self_only(true).include_ui_projects(true).await?)
            })
            .call("projects().list().all()", |c, _| async move {
                let request = c.projects().list().limit(3).cursor("p2").self_only(true).include_ui_projects(true);
                all(request, "projects").await
            }),
        O::GetProject => Case { response: Example("getProject"), ..case }
            .call("projects().get", |c, ids| async move { to_json(c.projects().get(&ids[0]).await?) }),
        O::ExportProject => Case { response: Example("exportProject"), ..case }
            .body(json!({"quality": "FULL_HIGH"}))
            .call("projects().export", |c, ids| async move {
                let request = ExportProjectRequest::new().quality(ExportProjectQuality::FullHigh);
                export_job(c.projects().export(&ids[0], request).await?, &ids[0])
            }),
        O::GetProjectExport => Case { response: Example("getProjectExport"), ..case }
            .call("projects().get_export", |c, ids| async move {
                to_json(c.projects().get_export(&ids[0], &ids[1]).await?)
            })
            .call("projects().export_job(..).get", |c, ids| async move {
                to_json(c.projects().export_job(&ids[0], &ids[1]).get().await?)
            }),
        O::RemixProject => Case {
            response: Hand(json!({
                "projectId": "vg_proj_3cUk4nR2sA8yQ5wO3tC7xd",
                "projectUrl": "https://app.videogen.io/project/3f0a2b3c-4d5e-6789-ab12-cdef34567892",
                "remixActionIds": remix_ids()
            })),
            ..case
        }
        .body(json!({
            "saveAsNewProject": true,
            "remixActions": [
                {"type": "SET_BACKGROUND_MUSIC", "fileId": null},
                {"type": "SET_LOGO", "fileId": "vg_file_mot8bV5POiscDeHyo7TF1g", "position": "TOP_RIGHT", "sizePercent": 12.5},
                {"type": "DISABLE_CAPTIONS"},
                {"type": "RESIZE_PROJECT", "aspectRatio": {"width": 9, "height": 16}},
                {"type": "CLEAN_UP_TRANSCRIPT", "removeFillers": true, "fillerWords": ["um", "uh"], "removePauses": true, "minPauseSeconds": 0.8},
                {"type": "REGENERATE_IMAGES", "stylePrompt": "flat vector illustration", "modelMode": "STANDARD"},
                {"type": "UPSCALE_ASSETS", "includeVideos": true, "includeStockContent": false},
                {"type": "CHANGE_NARRATOR", "voiceId": VOICE, "voiceSpeed": 0.9, "avatarPresenterId": PRESENTER},
                {"type": "SHUFFLE_STOCK_VISUALS"},
                {"type": "GENERATE_MUSIC", "prompt": "upbeat lo-fi with soft drums"},
                {"type": "TRANSLATE_PROJECT", "languageCode": "es", "changeVoice": true, "translateImageText": false},
                {"type": "EDIT_WITH_AGENT", "prompt": "Tighten the intro", "mode": "MINOR_EDIT", "targetDurationSeconds": 30.0},
                {"type": "ADD_TRANSITIONS", "sectionTransition": "WIPE"},
                {"type": "ENABLE_CAPTIONS", "captionStyle": {"fontName": "Inter"}},
                {"type": "SET_BACKGROUND_MUSIC", "fileId": "vg_file_music00000000000001", "volume": 0.35}
            ]
        }))
        .call("projects().remix", |c, ids| async move {
            let request = RemixProjectRequest::new(vec![
                // An explicit null: remove the background music.
                RemixActionSetBackgroundMusic::new().file_id(Nullable::Null).into(),
                RemixActionSetLogo::new()
                    .file_id("vg_file_mot8bV5POiscDeHyo7TF1g")
                    .position(LogoPosition::TopRight)
                    .size_percent(12.5)
                    .into(),
                RemixActionDisableCaptions::new().into(),
                // (height, width): portrait 9:16.
                RemixActionResizeProject::new(AspectRatio::new(nz(9), nz(16))).into(),
                RemixActionCleanUpTranscript::new()
                    .remove_fillers(true)
                    .filler_words(vec!["um".to_owned(), "uh".to_owned()])
                    .remove_pauses(true)
                    .min_pause_seconds(0.8)
                    .into(),
                RemixActionRegenerateImages::new("flat vector illustration").into(),
                RemixActionUpscaleAssets::new()
                    .include_videos(true)
                    .include_stock_content(false)
                    .into(),
                RemixActionChangeNarrator::new(VOICE)
                    .voice_speed(0.9)
                    .avatar_presenter_id(PRESENTER)
                    .into(),
                RemixActionShuffleStockVisuals::new().into(),
                RemixActionGenerateMusic::new("upbeat lo-fi with soft drums").into(),
                RemixActionTranslateProject::new("es")
                    .change_voice(true)
                    .translate_image_text(false)
                    .into(),
                RemixActionEditWithAgent::new("Tighten the intro")
                    .mode(EditWithAgentMode::MinorEdit)
                    .target_duration_seconds(30.0)
                    .into(),
                RemixActionAddTransitions::new()
                    .section_transition(RemixTransitionStyle::Wipe)
                    .into(),
                RemixActionEnableCaptions::new()
                    .caption_style(WorkflowCaptionStyle::new().font_name("Inter"))
                    .into(),
                RemixActionSetBackgroundMusic::new()
                    .file_id("vg_file_music00000000000001")
                    .volume(0.35)
                    .into(),
            ])
            .save_as_new_project(true);
            remix_job(c.projects().remix(&ids[0], request).await?)
        }),
        O::ListProjectRemixActions => Case {
            response: Hand(json!({
                "remixActions": [
                    {
                        "remixActionId": "vg_rmix_ka9d2mZq7vTb1n0847PceR",
                        "type": "ENABLE_CAPTIONS",
                        "status": "succeeded",
                        "projectId": "vg_proj_9dTk3mQ1rZ7xP4vN2sB6wc",
                        "projectUrl": PROJECT_URL,
                        "progressPercentage": 100,
                        "attemptIndex": 0
                    },
                    {
                        "remixActionId": "vg_rmix_pQ0s6xLm4dWc9r2318YgHt",
                        "type": "CONVERT_IMAGES_TO_VIDEOS",
                        "status": "failed",
                        "projectId": "vg_proj_9dTk3mQ1rZ7xP4vN2sB6wc",
                        "projectUrl": PROJECT_URL,
                        "progressPercentage": 37.5,
                        "attemptIndex": 1,
                        "error": api_error()
                    }
                ]
            })),
            ..case
        }
        .call("projects().remix_actions", |c, ids| async move {
            to_json(ListRemixActionsResponse { remix_actions: c.projects().remix_actions(&ids[0]).await? })
        })
        .call("projects().remix_job(..).get", |c, ids| async move {
            let job = c.projects().remix_job(
                &ids[0],
                vec!["vg_rmix_ka9d2mZq7vTb1n0847PceR".to_owned(), "vg_rmix_pQ0s6xLm4dWc9r2318YgHt".to_owned()],
            );
            to_json(ListRemixActionsResponse { remix_actions: job.get().await? })
        }),

        // ----- Tools -----
        O::GenerateImage => Case { response: Example("generateImage"), ..case }
            .body(json!({
                "prompt": "Transform this photo into an oil painting style with warm autumn tones",
                "quality": "HIGH",
                "imageFileIds": [FILE],
                "aspectRatio": {"width": 1, "height": 1},
                "watermarkMode": "AUTO",
                "numResults": 2,
                "isOutputTemporary": false
            }))
            .call("tools().generate_image", |c, _| async move {
                let request = GenerateImageRequest::new("Transform this photo into an oil painting style with warm autumn tones")
                    .quality(ImageQuality::High)
                    .image_file_ids(vec![FILE.to_owned()])
                    .aspect_ratio(AspectRatio::new(nz(1), nz(1)))
                    .watermark_mode(WatermarkMode::Auto)
                    .num_results(nz(2));
                tool_job(c.tools().generate_image(request).await?)
            }),
        O::GenerateVideoClip => Case { response: Example("generateVideoClip"), ..case }
            .body(json!({
                "prompt": "A serene mountain landscape at sunrise with a flowing river and birds flying",
                "quality": "STANDARD",
                "generateAudio": true,
                "durationSeconds": 6,
                "audioFileIds": ["vg_file_audio0000000000001"],
                "numResults": 1,
                "isOutputTemporary": false
            }))
            .call("tools().generate_video_clip", |c, _| async move {
                let request = GenerateVideoClipRequest::new()
                    .prompt("A serene mountain landscape at sunrise with a flowing river and birds flying")
                    .quality(VideoQuality::Standard)
                    .generate_audio(true)
                    .duration_seconds(nz(6))
                    .audio_file_ids(vec!["vg_file_audio0000000000001".to_owned()]);
                tool_job(c.tools().generate_video_clip(request).await?)
            }),
        O::TextToSpeech => Case { response: Example("textToSpeech"), ..case }
            .body(json!({
                "ttsText": "Welcome to VideoGen, your AI-powered video creation assistant.",
                "voiceId": VOICE,
                "speechLanguageCode": "en-US",
                "voiceSpeed": 1.25,
                "pronunciationReplacements": [{"original": "VideoGen", "replacement": "video jen"}],
                "autoExpandPronunciationReplacements": true,
                "numResults": 1,
                "isOutputTemporary": false
            }))
            .call("tools().text_to_speech", |c, _| async move {
                let request =
                    TextToSpeechRequest::new("Welcome to VideoGen, your AI-powered video creation assistant.", VOICE)
                        .speech_language_code("en-US")
                        .voice_speed(1.25)
                        .pronunciation_replacements(vec![PronunciationReplacement::new("VideoGen", "video jen")])
                        .auto_expand_pronunciation_replacements(true);
                tool_job(c.tools().text_to_speech(request).await?)
            }),
        O::GenerateSoundEffect => Case { response: Example("generateSoundEffect"), ..case }
            .body(json!({
                "prompt": "A short thunderclap with a deep rumble",
                "durationSeconds": 2.5,
                "promptInfluence": 0.7,
                "numResults": 1,
                "isOutputTemporary": false
            }))
            .call("tools().generate_sound_effect", |c, _| async move {
                let request = GenerateSoundEffectRequest::new("A short thunderclap with a deep rumble")
                    .duration_seconds(2.5)
                    .prompt_influence(0.7);
                tool_job(c.tools().generate_sound_effect(request).await?)
            }),
        O::GenerateMusic => Case { response: Example("generateMusic"), ..case }
            .body(json!({
                "prompt": "Calm ambient piano with soft pads for a product demo intro",
                "isOutputTemporary": true,
                "numResults": 1
            }))
            .call("tools().generate_music", |c, _| async move {
                let request =
                    GenerateMusicRequest::new("Calm ambient piano with soft pads for a product demo intro").is_output_temporary(true);
                tool_job(c.tools().generate_music(request).await?)
            }),
        O::GenerateAvatar => Case { response: Example("generateAvatar"), ..case }
            .body(json!({
                "avatarPresenterId": PRESENTER,
                "audioStorageFileId": FILE,
                "watermarkMode": "VIDEO_GEN",
                "numResults": 1,
                "isOutputTemporary": false
            }))
            .call("tools().generate_avatar", |c, _| async move {
                let request = GenerateAvatarRequest::new(PRESENTER, FILE).watermark_mode(WatermarkMode::VideoGen);
                tool_job(c.tools().generate_avatar(request).await?)
            }),
        O::VectorizeImage => Case { response: Example("vectorizeImage"), ..case }
            .body(json!({"imageStorageFileId": FILE, "numResults": 1, "isOutputTemporary": false}))
            .call("tools().vectorize_image", |c, _| async move {
                tool_job(c.tools().vectorize_image(ImageAssetRequest::new(FILE)).await?)
            }),
        O::RemoveImageBackground => Case { response: Example("removeImageBackground"), ..case }
            .body(json!({"imageStorageFileId": FILE, "watermarkMode": "NONE", "numResults": 1, "isOutputTemporary": false}))
            .call("tools().remove_image_background", |c, _| async move {
                let request = ImageAssetRequest::new(FILE).watermark_mode(WatermarkMode::None);
                tool_job(c.tools().remove_image_background(request).await?)
            }),
        O::RemoveVideoBackground => Case { response: Example("removeVideoBackground"), ..case }
            .body(json!({"videoStorageFileId": VIDEO_FILE, "numResults": 1, "isOutputTemporary": true}))
            .call("tools().remove_video_background", |c, _| async move {
                let request = VideoAssetRequest::new(VIDEO_FILE).is_output_temporary(true);
                tool_job(c.tools().remove_video_background(request).await?)
            }),
        O::UpscaleImage => Case { response: Example("upscaleImage"), ..case }
            .body(json!({"imageStorageFileId": FILE, "numResults": 3, "isOutputTemporary": false}))
            .call("tools().upscale_image", |c, _| async move {
                tool_job(c.tools().upscale_image(ImageAssetRequest::new(FILE).num_results(nz(3))).await?)
            }),
        O::UpscaleVideo => Case { response: Example("upscaleVideo"), ..case }
            .body(json!({"videoStorageFileId": VIDEO_FILE, "watermarkMode": "AUTO", "numResults": 1, "isOutputTemporary": false}))
            .call("tools().upscale_video", |c, _| async move {
                let request = VideoAssetRequest::new(VIDEO_FILE).watermark_mode(WatermarkMode::Auto);
                tool_job(c.tools().upscale_video(request).await?)
            }),
        O::Image3dEffect => Case { response: Example("image3dEffect"), ..case }
            .body(json!({"imageStorageFileId": FILE, "numResults": 1, "isOutputTemporary": true}))
            .call("tools().image_3d_effect", |c, _| async move {
                let request = ImageAssetRequest::new(FILE).is_output_temporary(true);
                tool_job(c.tools().image_3d_effect(request).await?)
            }),
        O::CancelToolExecution => Case { response: Example("cancelToolExecution"), ..case }
            .call("tools().cancel", |c, ids| async move { to_json(c.tools().cancel(&ids[0]).await?) })
            .call("tools().job(..).cancel", |c, ids| async move {
                to_json(c.tools().job(&ids[0]).cancel().await?)
            }),
        O::ListToolExecutions => Case {
            response: Hand(json!({
                "toolExecutions": [
                    {
                        "toolExecutionId": "vg_tool_ccm3abc123defcm3xyz789ghi",
                        "status": "succeeded",
                        "toolType": "GENERATE_VIDEO_CLIP",
                        "progressPercentage": 100,
                        "attemptIndex": 0,
                        "results": [
                            {"fileId": "vg_file_summit000000000000001", "type": "VIDEO", "file": full_video("vg_file_summit000000000000001")},
                            {"fileId": "vg_file_summit000000000000002", "type": "VIDEO"}
                        ],
                        "error": null
                    },
                    {
                        "toolExecutionId": "vg_tool_zz9abc123defcm3xyz789ghi",
                        "status": "failed",
                        "toolType": "TEXT_TO_SPEECH",
                        "progressPercentage": 0,
                        "attemptIndex": 2,
                        "error": api_error()
                    },
                    {
                        "toolExecutionId": "vg_tool_yy8abc123defcm3xyz789ghi",
                        "status": "running",
                        "toolType": "GENERATE_IMAGE",
                        "progressPercentage": 12.5,
                        "attemptIndex": 0
                    }
                ],
                "hasMore": false,
                "nextCursor": null
            })),
            ..case
        }
        .query(&[("limit", "25"), ("selfOnly", "false")])
        .call("tools().list()", |c, _| async move {
            to_json(c.tools().list().limit(25).self_only(false).await?)
        })
        .call("tools().list().all()", |c, _| async move {
            all(c.tools().list().limit(25).self_only(false), "toolExecutions").await
        }),
        O::GetToolExecutionInfo => Case { response: Example("getToolExecutionInfo"), ..case }
            .call("tools().get", |c, ids| async move { to_json(c.tools().get(&ids[0]).await?) })
            .call("tools().job(..).get", |c, ids| async move { to_json(c.tools().job(&ids[0]).get().await?) }),

        // ----- Files -----
        O::GetFiles => Case { response: Example("getFiles"), ..case }
            .query(&[("limit", "200"), ("cursor", "eyJvZmZzZXQiOjUwfQ==")])
            .call("files().list()", |c, _| async move {
                to_json(c.files().list().limit(200).cursor("eyJvZmZzZXQiOjUwfQ==").await?)
            })
            .call("files().list().all()", |c, _| async move {
                all(c.files().list().limit(200).cursor("eyJvZmZzZXQiOjUwfQ=="), "files").await
            }),
        O::SearchFiles => Case { response: Example("searchFiles"), ..case }
            .body(json!({"query": "sunset over mountains", "numResults": 5, "selfOnly": true}))
            .call("files().search", |c, _| async move {
                let results = c.files().search("sunset over mountains").num_results(5).self_only(true).await?;
                to_json(SearchFilesResponse { results })
            }),
        O::GetFile => Case { response: Example("getFile"), ..case }
            .call("files().get", |c, ids| async move { to_json(c.files().get(&ids[0]).await?) }),
        O::CreateFileUpload => Case { response: Example("createFileUpload"), ..case }
            .body(json!({"displayName": "My Campaign Video", "type": "VIDEO", "isTemporary": false}))
            .call("files().create_upload", |c, _| async move {
                let request = CreateFileUploadRequest::new("My Campaign Video").type_(UploadFileType::Video);
                to_json(c.files().create_upload(request).await?)
            }),
        O::HydrateFile => Case { response: Example("hydrateFile"), ..case }
            .call("files().hydrate", |c, ids| async move { to_json(c.files().hydrate(&ids[0]).await?) }),
        O::ArchiveFile => Case { response: Example("archiveFile"), ..case }
            .call("files().archive", |c, ids| async move { to_json(c.files().archive(&ids[0]).await?) }),
        O::EnablePublicPreview => Case { response: Example("enablePublicPreview"), ..case }
            .call("files().enable_public_preview", |c, ids| async move {
                to_json(c.files().enable_public_preview(&ids[0]).await?)
            }),
        O::DisablePublicPreview => Case { response: Example("disablePublicPreview"), ..case }
            .call("files().disable_public_preview", |c, ids| async move {
                to_json(c.files().disable_public_preview(&ids[0]).await?)
            }),

        // ----- Entities -----
        O::ListEntities => Case { response: Example("listEntities"), ..case }
            .query(&[("entityType", "ACTOR"), ("limit", "10")])
            .call("entities().list()", |c, _| async move {
                to_json(c.entities().list().entity_type(EntityType::Actor).limit(10).await?)
            })
            .call("entities().list().all()", |c, _| async move {
                all(c.entities().list().entity_type(EntityType::Actor).limit(10), "entities").await
            }),
        O::CreateEntity => Case { response: Example("createEntity"), ..case }
            .body(json!({
                "entityType": "VISUAL_STYLE",
                "name": "Pastel watercolor",
                "description": "Soft pastel watercolor look for lifestyle clips."
            }))
            .call("entities().create", |c, _| async move {
                let name = "Pastel watercolor";
                let request = CreateEntityRequest::new(EntityType::VisualStyle, name)
                    .description("Soft pastel watercolor look for lifestyle clips.");
                to_json(c.entities().create(request).await?)
            }),
        O::GetEntity => Case { response: Example("getEntity"), ..case }
            .call("entities().get", |c, ids| async move { to_json(c.entities().get(&ids[0]).await?) }),
        O::UpdateEntity => Case { response: Example("updateEntity"), ..case }
            .body(json!({
                "name": "Maya the presenter",
                "description": "Friendly on-camera host for product explainers and demos."
            }))
            .call("entities().update", |c, ids| async move {
                let request = UpdateEntityRequest::new()
                    .name("Maya the presenter")
                    .description("Friendly on-camera host for product explainers and demos.");
                to_json(c.entities().update(&ids[0], request).await?)
            }),
        O::ArchiveEntity => Case { response: Example("archiveEntity"), ..case }
            .call("entities().archive", |c, ids| async move { to_json(c.entities().archive(&ids[0]).await?) }),
        O::AddEntityReference => Case { response: Example("addEntityReference"), ..case }
            .body(json!({
                "fileId": "vg_file_mot8bV5POiscDeHyo7TF1g",
                "description": "Side profile, studio lighting.",
                "isDefault": false
            }))
            .call("entities().add_reference", |c, ids| async move {
                let request =
                    AddEntityReferenceRequest::new("vg_file_mot8bV5POiscDeHyo7TF1g").description("Side profile, studio lighting.");
                to_json(c.entities().add_reference(&ids[0], request).await?)
            }),
        O::RemoveEntityReference => Case { response: Example("removeEntityReference"), ..case }
            .body(json!({"fileId": "vg_file_mot8bV5POiscDeHyo7TF1g"}))
            .call("entities().remove_reference", |c, ids| async move {
                let request = RemoveEntityReferenceRequest::new("vg_file_mot8bV5POiscDeHyo7TF1g");
                to_json(c.entities().remove_reference(&ids[0], request).await?)
            }),

        // ----- Text, resources, webhooks, account -----
        O::GenerateText => Case { response: Example("generateText"), ..case }
            .body(json!({
                "prompt": "Write a concise title for a video about staying hydrated.",
                "system": "You write short, punchy titles.",
                "quality": "STANDARD",
                "maxOutputTokens": 32,
                "temperature": 0.4
            }))
            .call("text().generate", |c, _| async move {
                let request = GenerateTextRequest::new("Write a concise title for a video about staying hydrated.")
                    .system("You write short, punchy titles.")
                    .max_output_tokens(nz(32))
                    .temperature(0.4);
                to_json(c.text().generate(request).await?)
            }),
        O::ListAvatarPresenters => Case { response: Example("listAvatarPresenters"), ..case }
            .query(&[("voiceId", VOICE), ("limit", "50")])
            .call("resources().avatar_presenters()", |c, _| async move {
                to_json(c.resources().avatar_presenters().voice_id(VOICE).limit(50).await?)
            })
            .call("resources().avatar_presenters().all()", |c, _| async move {
                all(c.resources().avatar_presenters().voice_id(VOICE).limit(50), "avatarPresenters").await
            }),
        O::ListTtsVoices => Case { response: Example("listTtsVoices"), ..case }
            .query(&[("includeDeprecatedVoices", "true")])
            .call("resources().tts_voices()", |c, _| async move {
                to_json(c.resources().tts_voices().include_deprecated_voices(true).await?)
            })
            .call("resources().tts_voices().all()", |c, _| async move {
                all(c.resources().tts_voices().include_deprecated_voices(true), "ttsVoices").await
            }),
        O::ListLanguages => Case {
            response: Hand(json!({
                "languages": [
                    {"languageCode": "es", "name": "Spanish"},
                    {"languageCode": "ja", "name": "Japanese"},
                    {"languageCode": "pt-BR", "name": "Portuguese (Brazil)"}
                ]
            })),
            ..case
        }
        .call("resources().languages", |c, _| async move {
            to_json(LanguageListResponse { languages: c.resources().languages().await? })
        }),
        O::ListWebhookEndpoints => Case { response: Example("listWebhookEndpoints"), ..case }
            .query(&[("limit", "1"), ("cursor", "ep_cursor_2")])
            .call("webhooks().list_endpoints()", |c, _| async move {
                to_json(c.webhooks().list_endpoints().limit(1).cursor("ep_cursor_2").await?)
            })
            .call("webhooks().list_endpoints().all()", |c, _| async move {
                all(c.webhooks().list_endpoints().limit(1).cursor("ep_cursor_2"), "endpoints").await
            }),
        O::CreateWebhookEndpoint => Case { response: Example("createWebhookEndpoint"), ..case }
            .body(json!({
                "url": "https://webhooks.myapp.com/videogen",
                "events": ["tool_execution.succeeded", "tool_execution.failed", "file.upload.completed"],
                "description": "Production receiver"
            }))
            .call("webhooks().create_endpoint", |c, _| async move {
                let events = vec![
                    WebhookEventName::ToolExecutionSucceeded,
                    WebhookEventName::ToolExecutionFailed,
                    WebhookEventName::FileUploadCompleted,
                ];
                let request = CreateWebhookEndpointRequest::new("https://webhooks.myapp.com/videogen", events)
                    .description("Production receiver");
                to_json(c.webhooks().create_endpoint(request).await?)
            }),
        O::DeleteWebhookEndpoint => Case { response: Empty, ..case }
            .call("webhooks().delete_endpoint", |c, ids| async move {
                c.webhooks().delete_endpoint(&ids[0]).await?;
                Ok(Value::Null)
            }),
        O::GetMe => Case { response: Example("getMe"), ..case }
            .call("account().me", |c, _| async move { to_json(c.account().me().await?) }),

        _ => return None,
    })
}

/// Runs one call, bounded by [`CALL_LIMIT`].
pub async fn run(call: &Call, client: &Client, ids: &[String]) -> Result<Value, Error> {
    match tokio::time::timeout(CALL_LIMIT, call(client.clone(), ids.to_vec())).await {
        Ok(result) => result,
        Err(_) => panic!("a call took longer than {CALL_LIMIT:?}"),
    }
}

/// A client for `base_url` with retries off, short timeouts and the test key.
pub fn client(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(base_url)
        .disable_retries()
        .timeout(Duration::from_secs(10))
        .call_timeout(Duration::from_secs(15))
        .build()
        .expect("a test client")
}
