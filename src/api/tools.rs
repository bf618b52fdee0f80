//! `client.tools()`: the twelve generation tools and their executions.

use std::future::Future;

use crate::{
    api::jobs::many::WaitMany,
    api::jobs::ToolJob,
    generated::paging::ListToolExecutionsQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{
        ExecutedTool, GenerateAvatarRequest, GenerateImageRequest, GenerateMusicRequest, GenerateSoundEffectRequest,
        GenerateVideoClipRequest, ImageAssetRequest, TextToSpeechRequest, VideoAssetRequest,
    },
    Error,
};

/// The Tools resource: single generation jobs. Get one from
/// [`Client::tools`](crate::Client::tools); cheap to clone.
#[derive(Clone, Debug)]
pub struct Tools {
    runtime: Runtime,
}

/// Each start: its doc, method, operation, generated method and body type.
/// A start is never sent twice unless the server cannot have acted on it.
macro_rules! tool_starts {
    ($($(#[$doc:meta])* $method:ident($body:ty) => $op:ident / $generated:ident, $alias:literal;)*) => {$(
        $(#[$doc])*
        #[doc(alias = $alias)]
        pub fn $method(&self, request: $body) -> impl Future<Output = Result<ToolJob, Error>> + Send + 'static {
            let runtime = self.runtime.clone();
            async move {
                let start = call!(runtime, $op, |g| g.$generated(&request))?;
                Ok(ToolJob::new(runtime, start))
            }
        }
    )*};
}

impl Tools {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Tools { runtime }
    }

    tool_starts! {
        /// Generates still images from a prompt (and optional reference images).
        generate_image(GenerateImageRequest) => GenerateImage / generate_image, "generateImage";
        /// Generates a short video clip from a prompt, images or clips.
        generate_video_clip(GenerateVideoClipRequest) => GenerateVideoClip / generate_video_clip, "generateVideoClip";
        /// Speaks a text with a chosen voice.
        text_to_speech(TextToSpeechRequest) => TextToSpeech / text_to_speech, "textToSpeech";
        /// Generates a sound effect from a description.
        generate_sound_effect(GenerateSoundEffectRequest) => GenerateSoundEffect / generate_sound_effect, "generateSoundEffect";
        /// Generates a music track from a description.
        generate_music(GenerateMusicRequest) => GenerateMusic / generate_music, "generateMusic";
        /// Makes a talking avatar clip from a presenter and a script or audio.
        generate_avatar(GenerateAvatarRequest) => GenerateAvatar / generate_avatar, "generateAvatar";
        /// Turns an image into a vector graphic.
        vectorize_image(ImageAssetRequest) => VectorizeImage / vectorize_image, "vectorizeImage";
        /// Cuts the background out of an image.
        remove_image_background(ImageAssetRequest) => RemoveImageBackground / remove_image_background, "removeImageBackground";
        /// Cuts the background out of a video.
        remove_video_background(VideoAssetRequest) => RemoveVideoBackground / remove_video_background, "removeVideoBackground";
        /// Upscales an image.
        upscale_image(ImageAssetRequest) => UpscaleImage / upscale_image, "upscaleImage";
        /// Upscales a video.
        upscale_video(VideoAssetRequest) => UpscaleVideo / upscale_video, "upscaleVideo";
        /// Gives a still image a 3D parallax motion.
        image_3d_effect(ImageAssetRequest) => Image3dEffect / image3d_effect, "image3dEffect";
    }

    /// Waits for many tool executions at once, yielding `(id, result)` as each ends.
    ///
    /// From 4 jobs on, each round reads the paged list (newest first, 200 a
    /// page) instead of one GET per job, and GETs only the jobs the pages did
    /// not reach: 1,000 jobs cost about 5 requests a round, not 1,000. Each
    /// job resolves exactly once; a duplicate id counts once.
    pub fn wait_many(&self, jobs: impl IntoIterator<Item = impl AsRef<str>>) -> WaitMany<ToolJob> {
        let jobs = jobs.into_iter().map(|job| self.job(job.as_ref())).collect();
        WaitMany::new(self.runtime.clone(), jobs)
    }

    /// A handle on an execution started earlier, from its stored id.
    pub fn job(&self, tool_execution_id: impl Into<String>) -> ToolJob {
        let start = crate::types::StartToolExecutionResponse {
            tool_execution_id: tool_execution_id.into(),
        };
        ToolJob::new(self.runtime.clone(), start)
    }

    /// One execution's current state.
    #[doc(alias = "getToolExecutionInfo")]
    pub fn get(
        &self,
        tool_execution_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<ExecutedTool, Error>> + Send + 'static {
        let (runtime, id) = (
            self.runtime.clone(),
            ids::owned("toolExecutionId", tool_execution_id.as_ref()),
        );
        async move {
            let id = id?;
            call!(runtime, GetToolExecutionInfo, |g| g.get_tool_execution_info(&id))
        }
    }

    /// Asks the API to stop an execution.
    #[doc(alias = "cancelToolExecution")]
    pub fn cancel(
        &self,
        tool_execution_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<crate::types::StartToolExecutionResponse, Error>> + Send + 'static {
        let (runtime, id) = (
            self.runtime.clone(),
            ids::owned("toolExecutionId", tool_execution_id.as_ref()),
        );
        async move {
            let id = id?;
            call!(runtime, CancelToolExecution, |g| g.cancel_tool_execution(&id))
        }
    }

    /// One page of executions, newest first; `.self_only(true)` for the key's own.
    #[doc(alias = "listToolExecutions")]
    pub fn list(&self) -> ListRequest<ListToolExecutionsQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every execution, as a stream (see [`ListRequest::all`]).
    pub fn list_all(&self) -> impl futures_util::Stream<Item = Result<ExecutedTool, Error>> + Send + 'static {
        self.list().all()
    }
}
