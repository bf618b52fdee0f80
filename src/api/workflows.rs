//! `client.workflows()`: the four video workflows (and their deprecated
//! aliases) and their runs.

use std::future::Future;

use crate::{
    api::jobs::many::WaitMany,
    api::jobs::WorkflowJob,
    generated::paging::ListWorkflowRunsQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{
        ScriptToVideoRequest, SlideshowToVideoRequest, StartWorkflowRunResponse, StoryboardToVideoRequest,
        VoiceoverToVideoRequest, WorkflowRun,
    },
    Error,
};

/// The Workflows resource. Get one from [`Client::workflows`](crate::Client::workflows).
#[derive(Clone, Debug)]
pub struct Workflows {
    runtime: Runtime,
}

macro_rules! workflow_starts {
    ($($(#[$attr:meta])* $method:ident($body:ty) => $op:ident / $generated:ident, $alias:literal;)*) => {$(
        $(#[$attr])*
        #[doc(alias = $alias)]
        pub fn $method(&self, request: $body) -> impl Future<Output = Result<WorkflowJob, Error>> + Send + 'static {
            let runtime = self.runtime.clone();
            async move {
                #[allow(deprecated)]
                let start = call!(runtime, $op, |g| g.$generated(&request))?;
                Ok(WorkflowJob::new(runtime, start))
            }
        }
    )*};
}

impl Workflows {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Workflows { runtime }
    }

    workflow_starts! {
        /// Makes a narrated video project from a script.
        script_to_video(ScriptToVideoRequest) => ScriptToVideo / script_to_video, "scriptToVideo";
        /// Makes a video project around an uploaded voiceover.
        voiceover_to_video(VoiceoverToVideoRequest) => VoiceoverToVideo / voiceover_to_video, "voiceoverToVideo";
        /// Makes a narrated video project from an uploaded slide deck.
        slideshow_to_video(SlideshowToVideoRequest) => SlideshowToVideo / slideshow_to_video, "slideshowToVideo";
        /// Makes a video project from a list of scenes.
        storyboard_to_video(StoryboardToVideoRequest) => StoryboardToVideo / storyboard_to_video, "storyboardToVideo";
        /// The older name of [`script_to_video`](Self::script_to_video).
        #[deprecated(note = "use `script_to_video` (the API's `scriptToVideo`)")]
        add_visuals_narrations_and_captions_to_script(ScriptToVideoRequest)
            => AddVisualsNarrationsAndCaptionsToScript / add_visuals_narrations_and_captions_to_script,
            "addVisualsNarrationsAndCaptionsToScript";
        /// The older name of [`voiceover_to_video`](Self::voiceover_to_video).
        #[deprecated(note = "use `voiceover_to_video` (the API's `voiceoverToVideo`)")]
        add_visuals_and_captions_to_voiceover(VoiceoverToVideoRequest)
            => AddVisualsAndCaptionsToVoiceover / add_visuals_and_captions_to_voiceover,
            "addVisualsAndCaptionsToVoiceover";
        /// The older name of [`slideshow_to_video`](Self::slideshow_to_video).
        #[deprecated(note = "use `slideshow_to_video` (the API's `slideshowToVideo`)")]
        add_narration_transitions_and_captions_to_slideshow(SlideshowToVideoRequest)
            => AddNarrationTransitionsAndCaptionsToSlideshow / add_narration_transitions_and_captions_to_slideshow,
            "addNarrationTransitionsAndCaptionsToSlideshow";
        /// The older name of [`storyboard_to_video`](Self::storyboard_to_video).
        #[deprecated(note = "use `storyboard_to_video` (the API's `storyboardToVideo`)")]
        generate_scenes_from_storyboard(StoryboardToVideoRequest)
            => GenerateScenesFromStoryboard / generate_scenes_from_storyboard,
            "generateScenesFromStoryboard";
    }

    /// Waits for many workflow runs at once, yielding `(id, result)` as each ends.
    ///
    /// From 4 jobs on, each round reads the paged list (newest first, 200 a
    /// page) instead of one GET per job, and GETs only the jobs the pages did
    /// not reach: 1,000 jobs cost about 5 requests a round, not 1,000. Each
    /// job resolves exactly once; a duplicate id counts once.
    pub fn wait_many(&self, jobs: impl IntoIterator<Item = impl AsRef<str>>) -> WaitMany<WorkflowJob> {
        let jobs = jobs.into_iter().map(|job| self.job(job.as_ref())).collect();
        WaitMany::new(self.runtime.clone(), jobs)
    }

    /// A handle on a run started earlier, from its stored id.
    pub fn job(&self, workflow_run_id: impl Into<String>) -> WorkflowJob {
        WorkflowJob::attach(self.runtime.clone(), workflow_run_id.into())
    }

    /// One run's current state.
    #[doc(alias = "getWorkflowRun")]
    pub fn get(
        &self,
        workflow_run_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<WorkflowRun, Error>> + Send + 'static {
        let (runtime, id) = (
            self.runtime.clone(),
            ids::owned("workflowRunId", workflow_run_id.as_ref()),
        );
        async move {
            let id = id?;
            call!(runtime, GetWorkflowRun, |g| g.get_workflow_run(&id))
        }
    }

    /// Asks the API to stop a run.
    #[doc(alias = "cancelWorkflowRun")]
    pub fn cancel(
        &self,
        workflow_run_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<StartWorkflowRunResponse, Error>> + Send + 'static {
        let (runtime, id) = (
            self.runtime.clone(),
            ids::owned("workflowRunId", workflow_run_id.as_ref()),
        );
        async move {
            let id = id?;
            call!(runtime, CancelWorkflowRun, |g| g.cancel_workflow_run(&id))
        }
    }

    /// One page of runs started through the API, newest first.
    #[doc(alias = "listWorkflowRuns")]
    pub fn list(&self) -> ListRequest<ListWorkflowRunsQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every run, as a stream (see [`ListRequest::all`]).
    pub fn list_all(&self) -> impl futures_util::Stream<Item = Result<WorkflowRun, Error>> + Send + 'static {
        self.list().all()
    }
}
