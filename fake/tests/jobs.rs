//! Jobs on the fake's clock: the lifecycle of every kind (tools, workflow
//! runs, exports, remix actions), scripting, cancellation and determinism.
//! Every test runs under a time limit and moves time with the fake's clock.

use std::{
    future::Future,
    time::{Duration, UNIX_EPOCH},
};

use videogen::{
    types::{
        ExecutedToolStatus, ExportProjectRequest, GenerateAvatarRequest, GenerateImageRequest, GenerateMusicRequest,
        GenerateSoundEffectRequest, GenerateVideoClipRequest, ImageAssetRequest, ProjectExportStatus, ProjectStatus,
        RemixAction, RemixActionDisableCaptions, RemixActionGenerateMusic, RemixActionStatus, RemixProjectRequest,
        ScriptToVideoRequest, SlideshowToVideoRequest, TextToSpeechRequest, VideoAssetRequest, VoiceoverToVideoRequest,
        WorkflowRunStatus, WorkflowVisualStyle,
    },
    FileType, Operation,
};
use videogen_fake::{Clock, FakeVideoGen, JobKind, JobStatus, SeedFile};

const T0: u64 = 1_900_000_000;

/// Runs a test body under a time limit: no test can hang.
async fn bounded<F: Future<Output = ()>>(body: F) {
    tokio::time::timeout(Duration::from_secs(60), body)
        .await
        .expect("the test took longer than 60 s");
}

async fn fake() -> FakeVideoGen {
    FakeVideoGen::builder()
        .clock(Clock::frozen(UNIX_EPOCH + Duration::from_secs(T0)))
        .job_duration(Duration::from_secs(10))
        .rng_seed(7)
        .export_bytes(64 << 10)
        .files([
            SeedFile::image("vg_file_img"),
            SeedFile::video("vg_file_vid").duration_seconds(20.0),
            SeedFile::audio("vg_file_aud").duration_seconds(8.0),
            SeedFile::slideshow("vg_file_deck").display_name("Quarterly deck.pptx"),
        ])
        .start()
        .await
}

fn stock() -> WorkflowVisualStyle {
    WorkflowVisualStyle::new(videogen::types::VisualStyleType::Stock)
}

fn voice() -> String {
    "vg_voic_en_us_ava".to_owned()
}

#[tokio::test]
async fn every_tool_goes_pending_running_succeeded_with_files_of_its_type() {
    bounded(async {
        let fake = fake().await;
        let tools = fake.client().tools();
        let started = vec![
            (
                tools
                    .generate_image(GenerateImageRequest::new("a red fox in snow").num_results(2))
                    .await,
                FileType::Image,
                2,
            ),
            (
                tools
                    .generate_video_clip(GenerateVideoClipRequest::new().prompt("waves at dusk"))
                    .await,
                FileType::Video,
                1,
            ),
            (
                tools
                    .text_to_speech(TextToSpeechRequest::new("Hello there, welcome.", voice()))
                    .await,
                FileType::Audio,
                1,
            ),
            (
                tools
                    .generate_sound_effect(GenerateSoundEffectRequest::new("a door creaks"))
                    .await,
                FileType::Audio,
                1,
            ),
            (
                tools.generate_music(GenerateMusicRequest::new("calm piano")).await,
                FileType::Audio,
                1,
            ),
            (
                tools
                    .generate_avatar(GenerateAvatarRequest::new("vg_pres_amara", "vg_file_aud"))
                    .await,
                FileType::Video,
                1,
            ),
            (
                tools.vectorize_image(ImageAssetRequest::new("vg_file_img")).await,
                FileType::Image,
                1,
            ),
            (
                tools
                    .remove_image_background(ImageAssetRequest::new("vg_file_img"))
                    .await,
                FileType::Image,
                1,
            ),
            (
                tools
                    .remove_video_background(VideoAssetRequest::new("vg_file_vid"))
                    .await,
                FileType::Video,
                1,
            ),
            (
                tools.upscale_image(ImageAssetRequest::new("vg_file_img")).await,
                FileType::Image,
                1,
            ),
            (
                tools.upscale_video(VideoAssetRequest::new("vg_file_vid")).await,
                FileType::Video,
                1,
            ),
            (
                tools.image_3d_effect(ImageAssetRequest::new("vg_file_img")).await,
                FileType::Video,
                1,
            ),
        ];
        let mut jobs = Vec::new();
        for (job, kind, n) in started {
            let job = job.expect("the start is accepted");
            assert!(job.id().starts_with("vg_tool_"));
            let state = job.get().await.unwrap();
            assert_eq!(
                (state.status, state.progress_percentage),
                (ExecutedToolStatus::Pending, 0.0)
            );
            jobs.push((job, kind, n));
        }
        fake.advance(Duration::from_secs(3));
        let mut progress = Vec::new();
        for (job, _, _) in &jobs {
            let state = job.get().await.unwrap();
            assert_eq!(state.status, ExecutedToolStatus::Running);
            assert!(state.results.is_empty());
            progress.push(state.progress_percentage);
        }
        fake.advance(Duration::from_secs(3));
        for ((job, _, _), before) in jobs.iter().zip(&progress) {
            let state = job.get().await.unwrap();
            assert!(
                state.progress_percentage > *before,
                "progress rises: {before} -> {}",
                state.progress_percentage
            );
            assert!(state.progress_percentage < 100.0);
        }
        fake.advance(Duration::from_secs(5));
        for (job, kind, n) in &jobs {
            let state = job.get().await.unwrap();
            assert_eq!(
                (state.status.clone(), state.progress_percentage),
                (ExecutedToolStatus::Succeeded, 100.0),
                "{}",
                state.tool_type
            );
            assert_eq!(state.results.len(), *n);
            for result in &state.results {
                assert_eq!(&result.type_, kind, "{}", state.tool_type);
                let file = result.file.as_ref().expect("results carry a hydrated file");
                assert_eq!(file.type_.as_ref(), Some(kind));
                assert!(file.download_url().is_some(), "hydrated: signed URLs present");
                assert_eq!(file.source_tool_execution_id.as_deref(), Some(job.id()));
                // The file exists in the fake and downloads.
                let stored = fake.client().files().get(&result.file_id).await.unwrap();
                assert_eq!(stored.file_id, result.file_id);
            }
        }
        // Polls were counted per operation and per job.
        assert_eq!(fake.count(Operation::GetToolExecutionInfo), 12 * 4);
        let first = fake.job(jobs[0].0.id()).unwrap();
        assert_eq!(
            (first.kind, first.status, first.polls),
            (JobKind::Tool, JobStatus::Succeeded, 4)
        );
        assert_eq!(first.job_type, "GENERATE_IMAGE");
        assert_eq!(fake.jobs().of_kind(JobKind::Tool).len(), 12);
        assert_eq!(fake.jobs().in_progress(), 0);
    })
    .await;
}

#[tokio::test]
async fn tools_referring_to_unknown_files_voices_or_presenters_are_404() {
    bounded(async {
        let fake = fake().await;
        let tools = fake.client().tools();
        for result in [
            tools.upscale_image(ImageAssetRequest::new("vg_file_nope")).await.err(),
            tools
                .text_to_speech(TextToSpeechRequest::new("hi", "vg_voic_nobody"))
                .await
                .err(),
            tools
                .generate_avatar(GenerateAvatarRequest::new("vg_pres_nobody", "vg_file_aud"))
                .await
                .err(),
        ] {
            let err = result.expect("refused");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");
        }
        assert!(fake.jobs().all().is_empty());
    })
    .await;
}

#[tokio::test]
async fn scripts_fail_stall_time_and_cancel_jobs() {
    bounded(async {
        let fake = fake().await;
        let tools = fake.client().tools();
        fake.jobs().next().fail("content_policy", "the prompt was refused");
        fake.jobs().prompt("SLOW").take(Duration::from_secs(60));
        fake.jobs().prompt("stuck").stall();
        let failing = tools.generate_image(GenerateImageRequest::new("a fox")).await.unwrap();
        let slow = tools
            .generate_music(GenerateMusicRequest::new("a slow waltz"))
            .await
            .unwrap();
        let stuck = tools
            .generate_music(GenerateMusicRequest::new("stuck record"))
            .await
            .unwrap();
        let normal = tools.generate_music(GenerateMusicRequest::new("jazz")).await.unwrap();
        let to_cancel = tools.generate_music(GenerateMusicRequest::new("rock")).await.unwrap();
        assert!(fake.jobs().id(to_cancel.id()).cancel());
        assert!(!fake.jobs().id("vg_tool_unknown").cancel(), "no such job");

        fake.advance(Duration::from_secs(10));
        let state = failing.get().await.unwrap();
        assert_eq!(state.status, ExecutedToolStatus::Failed);
        let error = state.error.unwrap();
        assert_eq!(
            (error.code.as_deref(), error.message.as_str()),
            (Some("content_policy"), "the prompt was refused")
        );
        assert!(state.results.is_empty());
        assert_eq!(normal.get().await.unwrap().status, ExecutedToolStatus::Succeeded);
        assert_eq!(to_cancel.get().await.unwrap().status, ExecutedToolStatus::Cancelled);
        assert_eq!(slow.get().await.unwrap().status, ExecutedToolStatus::Running);
        let info = fake.job(slow.id()).unwrap();
        assert_eq!(info.ends_at, Some(UNIX_EPOCH + Duration::from_secs(T0 + 60)));

        fake.advance(Duration::from_secs(3600));
        assert_eq!(slow.get().await.unwrap().status, ExecutedToolStatus::Succeeded);
        let stalled = stuck.get().await.unwrap();
        assert_eq!(
            (stalled.status, stalled.progress_percentage),
            (ExecutedToolStatus::Running, 50.0)
        );
        assert!(fake.job(stuck.id()).unwrap().stalled);
        // The cancel operation ends it; cancelling again changes nothing.
        let answer = stuck.cancel().await.unwrap();
        assert_eq!(answer.tool_execution_id, stuck.id());
        assert_eq!(stuck.get().await.unwrap().status, ExecutedToolStatus::Cancelled);
        stuck.cancel().await.unwrap();
        normal.cancel().await.unwrap();
        assert_eq!(
            normal.get().await.unwrap().status,
            ExecutedToolStatus::Succeeded,
            "an ended job stays ended"
        );

        // A job scripted by id while it runs.
        let later = tools.generate_music(GenerateMusicRequest::new("blues")).await.unwrap();
        assert!(fake
            .jobs()
            .id(later.id())
            .after(Duration::from_secs(2))
            .fail("boom", "it broke"));
        fake.advance(Duration::from_secs(2));
        assert_eq!(later.get().await.unwrap().status, ExecutedToolStatus::Failed);
        fake.jobs().clear_scripts();
    })
    .await;
}

#[tokio::test]
async fn workflow_runs_build_projects_then_their_remix_actions_run_in_order() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let request = ScriptToVideoRequest::new("A short film about foxes in winter.", stock()).remix_actions(vec![
            RemixAction::from(RemixActionDisableCaptions::new()),
            RemixAction::from(RemixActionGenerateMusic::new("gentle strings")),
        ]);
        let run = client.workflows().script_to_video(request).await.unwrap();
        assert!(run.id().starts_with("vg_work_"));
        let project = run.project_id().unwrap().to_owned();
        assert_eq!(run.remix_action_ids().len(), 2);
        let got = client.projects().get(&project).await.unwrap();
        assert_eq!(got.status, ProjectStatus::Generating);
        assert_eq!(got.title, "A short film about foxes in");
        assert!(got.project_url.starts_with(fake.base_url()));

        assert_eq!(run.get().await.unwrap().status, WorkflowRunStatus::Pending);
        fake.advance(Duration::from_secs(5));
        let state = run.get().await.unwrap();
        assert_eq!(state.status, WorkflowRunStatus::Running);
        assert!(state.progress_percentage > 0.0);
        let actions = client.projects().remix_actions(&project).await.unwrap();
        assert!(
            actions.iter().all(|a| a.status == RemixActionStatus::Pending),
            "they wait for the run"
        );

        fake.advance(Duration::from_secs(5));
        assert_eq!(run.get().await.unwrap().status, WorkflowRunStatus::Succeeded);
        let job = client.projects().remix_job(&project, run.remix_action_ids().to_vec());
        let states = job.get().await.unwrap();
        assert_eq!(
            states[0].status,
            RemixActionStatus::Pending,
            "started, in its pending tenth"
        );
        fake.advance(Duration::from_secs(2));
        let states = job.get().await.unwrap();
        assert_eq!(
            (states[0].status.clone(), states[1].status.clone()),
            (RemixActionStatus::Running, RemixActionStatus::Pending)
        );
        assert_eq!(
            client.projects().get(&project).await.unwrap().status,
            ProjectStatus::Generating
        );
        fake.advance(Duration::from_secs(20));
        let states = job.get().await.unwrap();
        assert!(states.iter().all(|a| a.status == RemixActionStatus::Succeeded));
        assert_eq!(
            client.projects().get(&project).await.unwrap().status,
            ProjectStatus::Ready
        );

        // Other workflows, and their validation of referenced files.
        let voiceover = client
            .workflows()
            .voiceover_to_video(VoiceoverToVideoRequest::new("vg_file_aud", stock()))
            .await
            .unwrap();
        let slides = client
            .workflows()
            .slideshow_to_video(SlideshowToVideoRequest::new("vg_file_deck"))
            .await
            .unwrap();
        let deck = client.projects().get(slides.project_id().unwrap()).await.unwrap();
        assert_eq!(deck.title, "Quarterly deck.pptx");
        let missing = client
            .workflows()
            .slideshow_to_video(SlideshowToVideoRequest::new("vg_file_missing"))
            .await
            .unwrap_err();
        assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));

        // Cancelling a run cancels it and the actions waiting for it.
        let cancelled = client
            .workflows()
            .script_to_video(
                ScriptToVideoRequest::new("never mind", stock())
                    .remix_actions(vec![RemixAction::from(RemixActionDisableCaptions::new())]),
            )
            .await
            .unwrap();
        cancelled.cancel().await.unwrap();
        assert_eq!(cancelled.get().await.unwrap().status, WorkflowRunStatus::Cancelled);
        let actions = client
            .projects()
            .remix_actions(cancelled.project_id().unwrap())
            .await
            .unwrap();
        assert_eq!(actions[0].status, RemixActionStatus::Cancelled);

        // The list shows every run, newest first.
        let runs = client.workflows().list().await.unwrap();
        let ids: Vec<_> = runs.workflow_runs.iter().map(|r| r.workflow_run_id.clone()).collect();
        assert_eq!(ids, [cancelled.id(), slides.id(), voiceover.id(), run.id()]);
    })
    .await;
}

#[tokio::test]
async fn exports_wait_for_the_project_then_serve_an_mp4_with_range() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let run = client
            .workflows()
            .script_to_video(ScriptToVideoRequest::new("Export me", stock()))
            .await
            .unwrap();
        let project = run.project_id().unwrap().to_owned();
        let export = client
            .projects()
            .export(&project, ExportProjectRequest::new())
            .await
            .unwrap();
        assert!(export.id().starts_with("vg_expo_"));
        fake.advance(Duration::from_secs(5));
        let state = export.get().await.unwrap();
        assert_eq!(
            (state.status, state.download_url),
            (ProjectExportStatus::Pending, None),
            "waits for the run"
        );
        fake.advance(Duration::from_secs(5));
        assert_eq!(export.get().await.unwrap().status, ProjectExportStatus::Pending);
        fake.advance(Duration::from_secs(10));
        let done = export.get().await.unwrap();
        assert_eq!(
            (done.status, done.progress_percentage),
            (ProjectExportStatus::Succeeded, 100.0)
        );
        let url = done.download_url.expect("a signed MP4 URL");
        assert!(done.thumbnail_url.is_some());

        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let whole = http.get(&url).send().await.unwrap();
        assert_eq!(whole.status(), 200);
        assert_eq!(whole.headers()["content-type"], "video/mp4");
        let bytes = whole.bytes().await.unwrap();
        assert_eq!(bytes.len(), 64 << 10);
        assert_eq!(&bytes[4..8], b"ftyp", "an MP4 file type box");
        let part = http.get(&url).header("range", "bytes=4-11").send().await.unwrap();
        assert_eq!(part.status(), 206);
        assert_eq!(&part.bytes().await.unwrap()[..], &bytes[4..12]);
        let tampered = url.replace("sig=", "sig=00");
        assert_eq!(http.get(&tampered).send().await.unwrap().status(), 403);
        fake.advance(Duration::from_secs(7200));
        assert_eq!(http.get(&url).send().await.unwrap().status(), 403, "expired");

        // A scripted export failure; exports of unknown projects are 404.
        fake.jobs()
            .next_of(JobKind::Export)
            .fail("render_failed", "the renderer crashed");
        let failing = client
            .projects()
            .export(&project, ExportProjectRequest::new())
            .await
            .unwrap();
        fake.advance(Duration::from_secs(10));
        let state = failing.get().await.unwrap();
        assert_eq!(state.status, ProjectExportStatus::Failed);
        assert_eq!(state.error.unwrap().code.as_deref(), Some("render_failed"));
        let err = client
            .projects()
            .export("vg_proj_nope", ExportProjectRequest::new())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    })
    .await;
}

#[tokio::test]
async fn remixing_a_ready_project_or_a_copy_runs_each_action() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let project = fake.add_project("Launch video", (16, 9), false);
        let actions = vec![
            RemixAction::from(RemixActionDisableCaptions::new()),
            RemixAction::from(RemixActionGenerateMusic::new("upbeat")),
        ];
        let remix = client
            .projects()
            .remix(&project, RemixProjectRequest::new(actions.clone()))
            .await
            .unwrap();
        assert_eq!((remix.project_id(), remix.ids().len()), (project.as_str(), 2));
        fake.advance(Duration::from_secs(10));
        let states = remix.get().await.unwrap();
        assert_eq!(
            (states[0].status.clone(), states[1].status.clone()),
            (RemixActionStatus::Succeeded, RemixActionStatus::Pending)
        );
        fake.advance(Duration::from_secs(10));
        assert!(remix
            .get()
            .await
            .unwrap()
            .iter()
            .all(|a| a.status == RemixActionStatus::Succeeded));

        let copy = client
            .projects()
            .remix(&project, RemixProjectRequest::new(actions).save_as_new_project(true))
            .await
            .unwrap();
        assert_ne!(copy.project_id(), project);
        assert_eq!(
            client.projects().get(copy.project_id()).await.unwrap().title,
            "Launch video (remix)"
        );
        assert_eq!(
            client.projects().remix_actions(&project).await.unwrap().len(),
            2,
            "the original is untouched"
        );
        let listed = client.projects().list().await.unwrap();
        assert_eq!(listed.projects[0].project_id, copy.project_id(), "newest update first");
    })
    .await;
}

#[tokio::test]
async fn the_same_seed_gives_the_same_ids() {
    bounded(async {
        let mut ids = Vec::new();
        for _ in 0..2 {
            let fake = fake().await;
            let job = fake
                .client()
                .tools()
                .generate_image(GenerateImageRequest::new("same"))
                .await
                .unwrap();
            let run = fake
                .client()
                .workflows()
                .script_to_video(ScriptToVideoRequest::new("same", stock()))
                .await
                .unwrap();
            fake.advance(Duration::from_secs(10));
            let results = job.get().await.unwrap().results;
            ids.push((job.id().to_owned(), run.id().to_owned(), results[0].file_id.clone()));
        }
        assert_eq!(ids[0], ids[1]);
    })
    .await;
}

#[tokio::test]
async fn a_zero_job_duration_ends_jobs_on_their_first_read() {
    bounded(async {
        let fake = FakeVideoGen::builder().job_duration(Duration::ZERO).start().await;
        let job = fake
            .client()
            .tools()
            .generate_music(GenerateMusicRequest::new("now"))
            .await
            .unwrap();
        assert_eq!(job.get().await.unwrap().status, ExecutedToolStatus::Succeeded);
    })
    .await;
}

#[tokio::test]
async fn an_export_of_a_cancelled_build_fails_and_says_why() {
    bounded(async {
        let fake = fake().await;
        let client = fake.client();
        let run = client
            .workflows()
            .script_to_video(ScriptToVideoRequest::new("Stop me", stock()))
            .await
            .unwrap();
        let export = client
            .projects()
            .export(run.project_id().unwrap(), ExportProjectRequest::new())
            .await
            .unwrap();
        run.cancel().await.unwrap();
        let state = export.get().await.unwrap();
        assert_eq!(state.status, ProjectExportStatus::Failed);
        assert_eq!(state.error.unwrap().code.as_deref(), Some("cancelled"));
        assert_eq!(fake.job(export.id()).unwrap().status, JobStatus::Failed);
    })
    .await;
}
