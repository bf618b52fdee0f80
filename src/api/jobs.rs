//! Job handles: what a start operation returns. Each holds the start
//! response and can fetch the job's current state or cancel it. (Waiting
//! for the end is built on these.)

use std::fmt;

use crate::{
    runtime::{ids, Runtime},
    types::{
        ExecutedTool, ProjectExport, RemixActionRun, RemixProjectResponse, StartToolExecutionResponse,
        StartWorkflowRunResponse,
    },
    Error,
};

/// A started tool execution (image, clip, speech, ...).
///
/// ```no_run
/// # async fn run(client: videogen::Client) -> Result<(), videogen::Error> {
/// use videogen::types::GenerateImageRequest;
/// let job = client.tools().generate_image(GenerateImageRequest::new("a red fox in snow")).await?;
/// println!("started {}", job.id());
/// let state = job.get().await?;
/// println!("{} at {}%", state.status, state.progress_percentage);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ToolJob {
    runtime: Runtime,
    start: StartToolExecutionResponse,
}

impl ToolJob {
    pub(crate) fn new(runtime: Runtime, start: StartToolExecutionResponse) -> Self {
        ToolJob { runtime, start }
    }

    /// The tool execution id (`vg_tool_...`): store it to come back later.
    pub fn id(&self) -> &str {
        &self.start.tool_execution_id
    }

    /// What the start (or re-attach) returned.
    pub fn start_response(&self) -> &StartToolExecutionResponse {
        &self.start
    }

    /// The execution's current state, fetched once.
    #[doc(alias = "getToolExecutionInfo")]
    pub async fn get(&self) -> Result<ExecutedTool, Error> {
        let id = ids::check("toolExecutionId", self.id())?;
        call!(self.runtime, GetToolExecutionInfo, |g| g.get_tool_execution_info(id))
    }

    /// Asks the API to stop the execution; it ends as `cancelled`.
    #[doc(alias = "cancelToolExecution")]
    pub async fn cancel(&self) -> Result<StartToolExecutionResponse, Error> {
        let id = ids::check("toolExecutionId", self.id())?;
        call!(self.runtime, CancelToolExecution, |g| g.cancel_tool_execution(id))
    }
}

/// A started workflow run. It makes a project, whose id and URL the start
/// reports at once (a job re-attached by id learns them from [`get`](Self::get)).
#[derive(Clone)]
pub struct WorkflowJob {
    runtime: Runtime,
    id: String,
    start: Option<StartWorkflowRunResponse>,
}

impl WorkflowJob {
    pub(crate) fn new(runtime: Runtime, start: StartWorkflowRunResponse) -> Self {
        WorkflowJob {
            runtime,
            id: start.workflow_run_id.clone(),
            start: Some(start),
        }
    }

    pub(crate) fn attach(runtime: Runtime, id: String) -> Self {
        WorkflowJob {
            runtime,
            id,
            start: None,
        }
    }

    /// The workflow run id (`vg_work_...`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The project the run builds (`vg_proj_...`), when the start reported it.
    pub fn project_id(&self) -> Option<&str> {
        self.start.as_ref().map(|s| s.project_id.as_str())
    }

    /// Where the project opens in the VideoGen app, when the start reported it.
    pub fn project_url(&self) -> Option<&str> {
        self.start.as_ref().map(|s| s.project_url.as_str())
    }

    /// One remix action id per requested remix action, in request order.
    pub fn remix_action_ids(&self) -> &[String] {
        self.start.as_ref().map_or(&[], |s| s.remix_action_ids.as_slice())
    }

    /// What the start returned (`None` for a job re-attached by id).
    pub fn start_response(&self) -> Option<&StartWorkflowRunResponse> {
        self.start.as_ref()
    }

    /// The run's current state, fetched once.
    #[doc(alias = "getWorkflowRun")]
    pub async fn get(&self) -> Result<crate::types::WorkflowRun, Error> {
        let id = ids::check("workflowRunId", self.id())?;
        call!(self.runtime, GetWorkflowRun, |g| g.get_workflow_run(id))
    }

    /// Asks the API to stop the run; it ends as `cancelled`.
    #[doc(alias = "cancelWorkflowRun")]
    pub async fn cancel(&self) -> Result<StartWorkflowRunResponse, Error> {
        let id = ids::check("workflowRunId", self.id())?;
        call!(self.runtime, CancelWorkflowRun, |g| g.cancel_workflow_run(id))
    }
}

/// A started export of a project to MP4. Exports cannot be cancelled.
#[derive(Clone)]
pub struct ExportJob {
    runtime: Runtime,
    project_id: String,
    export_id: String,
}

impl ExportJob {
    pub(crate) fn new(runtime: Runtime, project_id: String, export_id: String) -> Self {
        ExportJob {
            runtime,
            project_id,
            export_id,
        }
    }

    /// The export id (`vg_expo_...`).
    pub fn id(&self) -> &str {
        &self.export_id
    }

    /// The exported project's id.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The export's current state (with `downloadUrl` once it succeeded).
    #[doc(alias = "getProjectExport")]
    pub async fn get(&self) -> Result<ProjectExport, Error> {
        let project = ids::check("projectId", &self.project_id)?;
        let export = ids::check("exportId", &self.export_id)?;
        call!(self.runtime, GetProjectExport, |g| g
            .get_project_export(project, export))
    }

    pub(crate) async fn get_owned(self) -> Result<ProjectExport, Error> {
        self.get().await
    }
}

/// Started remix actions of one project. The job is done when every one of
/// its actions has ended.
#[derive(Clone)]
pub struct RemixJob {
    runtime: Runtime,
    project_id: String,
    action_ids: Vec<String>,
    project_url: Option<String>,
}

impl RemixJob {
    pub(crate) fn new(
        runtime: Runtime,
        project_id: String,
        action_ids: Vec<String>,
        project_url: Option<String>,
    ) -> Self {
        RemixJob {
            runtime,
            project_id,
            action_ids,
            project_url,
        }
    }

    pub(crate) fn started(runtime: Runtime, start: RemixProjectResponse) -> Self {
        RemixJob::new(
            runtime,
            start.project_id,
            start.remix_action_ids,
            Some(start.project_url),
        )
    }

    /// The project the actions apply to (a new one when the remix saved a copy).
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// The project's URL in the VideoGen app, when the start reported it.
    pub fn project_url(&self) -> Option<&str> {
        self.project_url.as_deref()
    }

    /// The remix action ids (`vg_rmix_...`), in request order.
    pub fn ids(&self) -> &[String] {
        &self.action_ids
    }

    /// The current state of this job's actions, in the job's order. An id
    /// the project does not list (yet) is left out.
    #[doc(alias = "listProjectRemixActions")]
    pub async fn get(&self) -> Result<Vec<RemixActionRun>, Error> {
        let project = ids::check("projectId", &self.project_id)?;
        let all = call!(self.runtime, ListProjectRemixActions, |g| g
            .list_project_remix_actions(project))?;
        let mut runs = all.remix_actions;
        runs.retain(|run| self.action_ids.contains(&run.remix_action_id));
        runs.sort_by_key(|run| self.action_ids.iter().position(|id| id == &run.remix_action_id));
        Ok(runs)
    }
}

macro_rules! debug_job {
    ($($job:ident { $($field:ident),* })*) => {$(
        impl fmt::Debug for $job {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($job))$(.field(stringify!($field), &self.$field))*.finish_non_exhaustive()
            }
        }
    )*};
}

debug_job! {
    ToolJob { start }
    WorkflowJob { id, start }
    ExportJob { project_id, export_id }
    RemixJob { project_id, action_ids }
}
