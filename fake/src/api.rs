//! The API operations: one arm per operation, each reading its request
//! through [`validate`](crate::validate) and answering with `videogen` types
//! at the operation's documented success status.

use axum::{
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use videogen::{
    types::{
        AddEntityReferenceRequest, AvatarPresenterListResponse, CreateEntityRequest, CreateFileUploadRequest,
        CreateWebhookEndpointRequest, ExportProjectRequest, ExportProjectResponse, GenerateAvatarRequest,
        GenerateImageRequest, GenerateMusicRequest, GenerateSoundEffectRequest, GenerateTextRequest,
        GenerateTextResponse, GenerateVideoClipRequest, ImageAssetRequest, LanguageListResponse, ListEntitiesResponse,
        ListProjectsResponse, ListRemixActionsResponse, MeResponse, RemixActionType, RemixProjectRequest,
        RemixProjectResponse, RemoveEntityReferenceRequest, ScriptToVideoRequest, SearchFilesRequest,
        SearchFilesResponse, SlideshowToVideoRequest, StoryboardToVideoRequest, TextToSpeechRequest,
        ToolExecutionListResponse, TtsVoiceListResponse, UpdateEntityRequest, VideoAssetRequest,
        VoiceoverToVideoRequest, WebhookEndpointListResponse, WorkflowRunListResponse, WorkflowType,
    },
    FileType, Operation,
};

use crate::{
    catalog,
    content::fnv1a,
    paging::page,
    store::{Reject, Store},
    validate,
    world::{aspect_ratio, pixels, ToolStart, WorkflowStart, World},
    Shared,
};

/// Path parameter values of a request, by name.
pub(crate) type Params = [(&'static str, String)];

fn param<'a>(params: &'a Params, name: &str) -> &'a str {
    params.iter().find(|(n, _)| *n == name).map_or("", |(_, v)| v.as_str())
}

/// Answers one API operation.
pub(crate) fn handle(
    shared: &Shared,
    op: Operation,
    key: &str,
    params: &Params,
    query: Option<&str>,
    body: &[u8],
) -> Response {
    let status = StatusCode::from_u16(op.info().success_status).unwrap_or(StatusCode::OK);
    match answer(shared, op, key, params, query, body) {
        Ok(Answer::Json(bytes)) => {
            (status, [(axum::http::header::CONTENT_TYPE, "application/json")], bytes).into_response()
        }
        Ok(Answer::Empty) => status.into_response(),
        Err(reject) => reject.into_response(),
    }
}

enum Answer {
    /// A JSON body, serialised once, straight from the `videogen` type.
    Json(Vec<u8>),
    Empty,
}

fn json<T: Serialize>(value: T) -> Result<Answer, Reject> {
    serde_json::to_vec(&value).map(Answer::Json).map_err(|e| {
        Reject::new(
            500,
            "internal_error",
            format!("the fake could not encode its answer: {e}"),
        )
    })
}

/// The body as checked JSON (normalised), and as the operation's type.
fn body<T: DeserializeOwned>(op: Operation, raw: &[u8]) -> Result<(T, Value), Reject> {
    let value =
        validate::body::<Value>(op, raw)?.ok_or_else(|| Reject::bad_request("a JSON request body is required"))?;
    let typed =
        serde_json::from_value(value.clone()).map_err(|e| Reject::bad_request(format!("invalid request body: {e}")))?;
    Ok((typed, value))
}

fn answer(
    shared: &Shared,
    op: Operation,
    key: &str,
    params: &Params,
    raw_query: Option<&str>,
    raw: &[u8],
) -> Result<Answer, Reject> {
    let query = validate::query(op, raw_query)?;
    let base = shared.base_url.clone();
    shared.with_world(|world, store, now| {
        use Operation as O;
        match op {
            // ---- files -------------------------------------------------------
            O::GetFiles => {
                let (limit, cursor) = query.page();
                json(store.list(now, limit, cursor)?)
            }
            O::SearchFiles => {
                let (request, _): (SearchFilesRequest, _) = body(op, raw)?;
                let results = store.search(now, &request)?;
                json(SearchFilesResponse { results })
            }
            O::GetFile => json(store.get(param(params, "fileId"), now)?),
            O::CreateFileUpload => {
                let (request, _): (CreateFileUploadRequest, _) = body(op, raw)?;
                json(store.create_upload(request, now))
            }
            O::HydrateFile => json(store.hydrate(param(params, "fileId"), now)?),
            O::ArchiveFile => json(store.archive(param(params, "fileId"), now)?),
            O::EnablePublicPreview => json(store.set_public_preview(param(params, "fileId"), true, now)?),
            O::DisablePublicPreview => json(store.set_public_preview(param(params, "fileId"), false, now)?),

            // ---- tools -------------------------------------------------------
            O::GenerateImage
            | O::GenerateVideoClip
            | O::TextToSpeech
            | O::GenerateSoundEffect
            | O::GenerateMusic
            | O::GenerateAvatar
            | O::VectorizeImage
            | O::RemoveImageBackground
            | O::RemoveVideoBackground
            | O::UpscaleImage
            | O::UpscaleVideo
            | O::Image3dEffect => {
                let start = tool_start(op, raw, world, store)?;
                json(world.start_tool(start, now))
            }
            O::GetToolExecutionInfo => json(world.get_tool(param(params, "toolExecutionId"), store, now)?),
            O::CancelToolExecution => json(world.cancel_tool(param(params, "toolExecutionId"), store, now)?),
            O::ListToolExecutions => {
                let (limit, cursor) = query.page();
                let found = world.list_tools(limit, cursor, store, now)?;
                json(ToolExecutionListResponse {
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                    tool_executions: found.items,
                })
            }

            // ---- workflows ---------------------------------------------------
            O::ScriptToVideo
            | O::AddVisualsNarrationsAndCaptionsToScript
            | O::VoiceoverToVideo
            | O::AddVisualsAndCaptionsToVoiceover
            | O::SlideshowToVideo
            | O::AddNarrationTransitionsAndCaptionsToSlideshow
            | O::StoryboardToVideo
            | O::GenerateScenesFromStoryboard => {
                let start = workflow_start(op, raw, world, store)?;
                json(world.start_workflow(start, now))
            }
            O::GetWorkflowRun => json(world.get_workflow(param(params, "workflowRunId"), now)?),
            O::CancelWorkflowRun => json(world.cancel_workflow(param(params, "workflowRunId"), store, now)?),
            O::ListWorkflowRuns => {
                let (limit, cursor) = query.page();
                let found = world.list_workflows(limit, cursor, now)?;
                json(WorkflowRunListResponse {
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                    workflow_runs: found.items,
                })
            }

            // ---- projects ----------------------------------------------------
            O::ListProjects => {
                let (limit, cursor) = query.page();
                let found =
                    world.list_projects(limit, cursor, query.bool("selfOnly"), query.bool("includeUiProjects"))?;
                json(ListProjectsResponse {
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                    projects: found.items,
                })
            }
            O::GetProject => json(world.get_project(param(params, "projectId"))?),
            O::ExportProject => {
                let _request: Option<ExportProjectRequest> = validate::body(op, raw)?;
                let export_id = world.export(param(params, "projectId"), now)?;
                json(ExportProjectResponse { export_id })
            }
            O::GetProjectExport => json(world.get_export(
                param(params, "projectId"),
                param(params, "exportId"),
                store,
                store.settings.url_ttl,
                now,
            )?),
            O::RemixProject => {
                let (request, value): (RemixProjectRequest, _) = body(op, raw)?;
                check_references(&value, world, store)?;
                let actions = remix_actions(&value);
                let project = param(params, "projectId");
                let save_as_new = request.save_as_new_project.unwrap_or(false);
                let (project_url, project_id, remix_action_ids) = world.remix(project, actions, save_as_new, now)?;
                json(RemixProjectResponse {
                    project_id,
                    project_url,
                    remix_action_ids,
                })
            }
            O::ListProjectRemixActions => json(ListRemixActionsResponse {
                remix_actions: world.remix_actions(param(params, "projectId"), now)?,
            }),

            // ---- entities ----------------------------------------------------
            O::ListEntities => {
                let (limit, cursor) = query.page();
                let found = world.list_entities(limit, cursor, query.str("entityType"))?;
                json(ListEntitiesResponse {
                    entities: found.items,
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                })
            }
            O::CreateEntity => {
                let (request, _): (CreateEntityRequest, _) = body(op, raw)?;
                json(world.create_entity(request, now))
            }
            O::GetEntity => json(world.get_entity(param(params, "entityId"))?),
            O::UpdateEntity => {
                let (request, _): (UpdateEntityRequest, _) = body(op, raw)?;
                json(world.update_entity(param(params, "entityId"), request, now)?)
            }
            O::ArchiveEntity => json(world.archive_entity(param(params, "entityId"), now)?),
            O::AddEntityReference => {
                let (request, _): (AddEntityReferenceRequest, _) = body(op, raw)?;
                let id = param(params, "entityId");
                world.get_entity(id)?;
                // 409, not 404: the entity exists (a 404 here would read as "the
                // entity just created is gone"), but the file it should point at does not.
                if !store.contains(&request.file_id) {
                    return Err(Reject::new(
                        409,
                        "file_not_found",
                        format!("no file with id {:?} to reference", request.file_id),
                    ));
                }
                json(world.add_reference(id, request.file_id, request.description, request.is_default, now)?)
            }
            O::RemoveEntityReference => {
                let (request, _): (RemoveEntityReferenceRequest, _) = body(op, raw)?;
                json(world.remove_reference(param(params, "entityId"), &request.file_id, now)?)
            }

            // ---- text, resources, account ------------------------------------
            O::GenerateText => {
                let (request, _): (GenerateTextRequest, _) = body(op, raw)?;
                json(GenerateTextResponse {
                    text: generate_text(&request),
                })
            }
            O::ListAvatarPresenters => {
                let (limit, cursor) = query.page();
                let all = catalog::presenters_for(&base, query.str("voiceId"));
                let count = all.len() as u64;
                let ranked = all.into_iter().enumerate().map(|(i, p)| (count - i as u64, p));
                let found = page("presenters", ranked, limit, cursor)?;
                json(AvatarPresenterListResponse {
                    avatar_presenters: found.items,
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                })
            }
            O::ListTtsVoices => {
                let (limit, cursor) = query.page();
                let deprecated = query.bool("includeDeprecatedVoices");
                let all = catalog::voices();
                let count = all.len() as u64;
                let listed = all
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| deprecated || !v.is_deprecated)
                    .map(|(i, v)| (count - i as u64, v.clone()));
                let found = page("voices", listed, limit, cursor)?;
                json(TtsVoiceListResponse {
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                    tts_voices: found.items,
                })
            }
            O::ListLanguages => json(LanguageListResponse {
                languages: catalog::languages(),
            }),
            O::GetMe => json(me(key)),

            // ---- webhook endpoints -------------------------------------------
            O::ListWebhookEndpoints => {
                let (limit, cursor) = query.page();
                let found = world.list_endpoints(limit, cursor)?;
                json(WebhookEndpointListResponse {
                    endpoints: found.items,
                    has_more: found.has_more,
                    next_cursor: found.next_cursor,
                })
            }
            O::CreateWebhookEndpoint => {
                let (request, _): (CreateWebhookEndpointRequest, _) = body(op, raw)?;
                let created = world.create_endpoint(request, now);
                // The sender sleeps while there is no endpoint; it has work to watch now.
                shared.kick.notify_one();
                json(created)
            }
            O::DeleteWebhookEndpoint => {
                let id = param(params, "endpointId");
                world.delete_endpoint(id)?;
                // Retries still waiting for it are dropped with it.
                shared.outbox().forget_endpoint(id);
                Ok(Answer::Empty)
            }
            other => Err(Reject::new(
                501,
                "not_implemented",
                format!("videogen-fake does not serve {} yet", other.id()),
            )),
        }
    })
}

/// `me` for a key: stable ids derived from the key.
fn me(key: &str) -> MeResponse {
    let hash = fnv1a(key.as_bytes());
    MeResponse {
        api_key_id: format!("vg_key_{hash:016x}"),
        api_key_nickname: "videogen-fake".to_owned(),
        display_name: Some("Fake Developer".to_owned()),
        email: "developer@example.com".to_owned(),
        team_id: format!("vg_team_{:016x}", hash.rotate_left(17)),
    }
}

/// The texts of a request that scripts match (prompts, scripts, text to speak).
fn prompt_text(value: &Value) -> String {
    const KEYS: &[&str] = &[
        "prompt",
        "ttsText",
        "script",
        "stylePrompt",
        "motionPrompt",
        "voiceoverScript",
        "slideScripts",
        "workflowAgentContext",
    ];
    let mut out = Vec::new();
    fn walk<'a>(value: &'a Value, take: bool, out: &mut Vec<&'a str>) {
        match value {
            Value::String(s) if take => out.push(s),
            Value::Array(items) => items.iter().for_each(|v| walk(v, take, out)),
            Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, KEYS.contains(&k.as_str()), out)),
            _ => {}
        }
    }
    walk(value, false, &mut out);
    out.join(" ")
}

/// Checks that every file, voice, presenter and entity a request names exists: 404 otherwise.
fn check_references(value: &Value, world: &World, store: &Store) -> Result<(), Reject> {
    fn missing(key: &str, id: &str, world: &World, store: &Store) -> Option<Reject> {
        let lower = key.to_ascii_lowercase();
        if lower.ends_with("fileid") || lower.ends_with("fileids") {
            return (!store.contains(id)).then(|| Reject::not_found(id));
        }
        match key {
            "voiceId" => catalog::voice(id)
                .is_none()
                .then(|| Reject::new(404, "not_found", format!("no voice with id {id:?}"))),
            "avatarPresenterId" => (!catalog::presenter_exists(id))
                .then(|| Reject::new(404, "not_found", format!("no avatar presenter with id {id:?}"))),
            "entityId" | "actorEntityId" | "visualStyleEntityId" => {
                (!world.entity_exists(id)).then(|| Reject::new(404, "not_found", format!("no entity with id {id:?}")))
            }
            _ => None,
        }
    }
    fn walk(value: &Value, key: &str, world: &World, store: &Store) -> Result<(), Reject> {
        match value {
            Value::String(id) => missing(key, id, world, store).map_or(Ok(()), Err),
            Value::Array(items) => items.iter().try_for_each(|v| walk(v, key, world, store)),
            Value::Object(map) => map.iter().try_for_each(|(k, v)| walk(v, k, world, store)),
            _ => Ok(()),
        }
    }
    walk(value, "", world, store)
}

/// `(type, prompt text)` of each remix action in a request.
fn remix_actions(value: &Value) -> Vec<(RemixActionType, String)> {
    value["remixActions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            (
                RemixActionType::from(a["type"].as_str().unwrap_or_default()),
                prompt_text(a),
            )
        })
        .collect()
}

fn number(value: &Value, key: &str) -> Option<f64> {
    value.get(key).and_then(Value::as_f64)
}

fn tool_start(op: Operation, raw: &[u8], world: &World, store: &Store) -> Result<ToolStart, Reject> {
    use Operation as O;
    // Each request type is read once to be sure it parses; the details come from the JSON.
    let value = match op {
        O::GenerateImage => body::<GenerateImageRequest>(op, raw)?.1,
        O::GenerateVideoClip => body::<GenerateVideoClipRequest>(op, raw)?.1,
        O::TextToSpeech => body::<TextToSpeechRequest>(op, raw)?.1,
        O::GenerateSoundEffect => body::<GenerateSoundEffectRequest>(op, raw)?.1,
        O::GenerateMusic => body::<GenerateMusicRequest>(op, raw)?.1,
        O::GenerateAvatar => body::<GenerateAvatarRequest>(op, raw)?.1,
        O::RemoveVideoBackground | O::UpscaleVideo => body::<VideoAssetRequest>(op, raw)?.1,
        _ => body::<ImageAssetRequest>(op, raw)?.1,
    };
    check_references(&value, world, store)?;
    let aspect: Option<videogen::types::AspectRatio> = serde_json::from_value(value["aspectRatio"].clone()).ok();
    let source = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .and_then(|id| store.peek_file(id))
    };
    let source_pixels = |key: &str| {
        source(key)
            .and_then(|f| f.download_source.as_ref().and_then(|s| Some((s.width?, s.height?))))
            .unwrap_or((1920, 1080))
    };
    let source_seconds = |key: &str| source(key).and_then(|f| f.duration_seconds).unwrap_or(10.0);
    let words = |text: &str| text.split_whitespace().count() as f64;
    let (tool_type, result_type, dimensions, seconds) = match op {
        O::GenerateImage => ("GENERATE_IMAGE", FileType::Image, pixels(aspect.as_ref()), 0.0),
        O::GenerateVideoClip => (
            "GENERATE_VIDEO_CLIP",
            FileType::Video,
            pixels(aspect.as_ref()),
            number(&value, "durationSeconds").unwrap_or(6.0),
        ),
        O::TextToSpeech => (
            "TEXT_TO_SPEECH",
            FileType::Audio,
            (0, 0),
            (words(value["ttsText"].as_str().unwrap_or_default()) / 2.5).max(1.0),
        ),
        O::GenerateSoundEffect => (
            "GENERATE_SOUND_EFFECT",
            FileType::Audio,
            (0, 0),
            number(&value, "durationSeconds").unwrap_or(5.0),
        ),
        O::GenerateMusic => ("GENERATE_MUSIC", FileType::Audio, (0, 0), 30.0),
        O::GenerateAvatar => (
            "GENERATE_AVATAR",
            FileType::Video,
            (1920, 1080),
            source_seconds("audioStorageFileId"),
        ),
        O::VectorizeImage => (
            "VECTORIZE_IMAGE",
            FileType::Image,
            source_pixels("imageStorageFileId"),
            0.0,
        ),
        O::RemoveImageBackground => (
            "REMOVE_IMAGE_BACKGROUND",
            FileType::Image,
            source_pixels("imageStorageFileId"),
            0.0,
        ),
        O::UpscaleImage => {
            let (w, h) = source_pixels("imageStorageFileId");
            (
                "UPSCALE_IMAGE",
                FileType::Image,
                ((w * 2).min(8192), (h * 2).min(8192)),
                0.0,
            )
        }
        O::Image3dEffect => (
            "IMAGE_3D_EFFECT",
            FileType::Video,
            source_pixels("imageStorageFileId"),
            5.0,
        ),
        O::RemoveVideoBackground => (
            "REMOVE_VIDEO_BACKGROUND",
            FileType::Video,
            source_pixels("videoStorageFileId"),
            source_seconds("videoStorageFileId"),
        ),
        _ => {
            let (w, h) = source_pixels("videoStorageFileId");
            (
                "UPSCALE_VIDEO",
                FileType::Video,
                ((w * 2).min(8192), (h * 2).min(8192)),
                source_seconds("videoStorageFileId"),
            )
        }
    };
    let num_results = value["numResults"].as_u64().unwrap_or(1).clamp(1, 100);
    Ok(ToolStart {
        tool_type,
        result_type,
        num_results,
        temporary: value["isOutputTemporary"].as_bool().unwrap_or(false),
        prompt: prompt_text(&value),
        dimensions,
        seconds,
    })
}

fn workflow_start(op: Operation, raw: &[u8], world: &World, store: &Store) -> Result<WorkflowStart, Reject> {
    use Operation as O;
    let (workflow_type, value) = match op {
        O::ScriptToVideo | O::AddVisualsNarrationsAndCaptionsToScript => {
            (WorkflowType::ScriptToVideo, body::<ScriptToVideoRequest>(op, raw)?.1)
        }
        O::VoiceoverToVideo | O::AddVisualsAndCaptionsToVoiceover => (
            WorkflowType::VoiceoverToVideo,
            body::<VoiceoverToVideoRequest>(op, raw)?.1,
        ),
        O::SlideshowToVideo | O::AddNarrationTransitionsAndCaptionsToSlideshow => (
            WorkflowType::SlideshowToVideo,
            body::<SlideshowToVideoRequest>(op, raw)?.1,
        ),
        _ => (
            WorkflowType::StoryboardToVideo,
            body::<StoryboardToVideoRequest>(op, raw)?.1,
        ),
    };
    check_references(&value, world, store)?;
    let aspect: Option<videogen::types::AspectRatio> = serde_json::from_value(value["aspectRatio"].clone()).ok();
    let prompt = prompt_text(&value);
    let title = match value
        .get("fileId")
        .and_then(Value::as_str)
        .and_then(|id| store.peek_file(id))
    {
        Some(file) => file.display_name.unwrap_or_else(|| "Untitled".to_owned()),
        None => {
            let main = value["script"]
                .as_str()
                .or_else(|| value["scenes"][0]["prompt"].as_str())
                .unwrap_or_default();
            let words: Vec<&str> = main.split_whitespace().take(6).collect();
            if words.is_empty() {
                "Untitled video".to_owned()
            } else {
                words.join(" ")
            }
        }
    };
    Ok(WorkflowStart {
        workflow_type,
        prompt,
        title,
        aspect_ratio: aspect.unwrap_or_else(|| aspect_ratio(16, 9)),
        remix_actions: remix_actions(&value),
    })
}

/// Deterministic text: the same request always gets the same answer, built
/// from the prompt's own words and capped by `maxOutputTokens` (a token
/// counted as a word).
fn generate_text(request: &GenerateTextRequest) -> String {
    const OPENERS: &[&str] = &[
        "Here is a short take on",
        "A few thoughts about",
        "In brief, on the subject of",
        "To sum up",
    ];
    const LINKS: &[&str] = &[
        "It brings together",
        "The key ideas are",
        "It is worth looking at",
        "Most of all, consider",
    ];
    let seed = fnv1a(
        format!(
            "{}\n{}\n{}",
            request.prompt,
            request.system.as_deref().unwrap_or_default(),
            request.quality
        )
        .as_bytes(),
    );
    let words: Vec<String> = request
        .prompt
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect();
    let topic = if words.is_empty() {
        "your request".to_owned()
    } else {
        words.iter().take(4).cloned().collect::<Vec<_>>().join(" ")
    };
    let pick = |list: &[&'static str], n: u64| list[((seed >> (n * 8)) % list.len() as u64) as usize];
    let mut text = format!("{} {topic}.", pick(OPENERS, 0));
    for (n, pair) in words.chunks(2).enumerate().take(6) {
        text.push_str(&format!(" {} {}.", pick(LINKS, n as u64 + 1), pair.join(" and ")));
    }
    let limit = request.max_output_tokens.get() as usize;
    let capped: Vec<&str> = text.split_whitespace().take(limit).collect();
    capped.join(" ")
}
