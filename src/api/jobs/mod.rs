//! Job handles: what a start operation returns. Each holds the start
//! response, fetches the job's current state, cancels it where the API can,
//! and waits for its end (wait.rs).

pub(crate) mod many;
pub(crate) mod wait;

use std::fmt;

use futures_util::future::try_join_all;

use crate::{
    api::files::Files,
    error::{JobFailure, JobKind},
    runtime::{ids, Runtime},
    types::{
        ExecutedTool, ProjectExport, RemixActionRun, RemixProjectResponse, StartToolExecutionResponse,
        StartWorkflowRunResponse,
    },
    Error, File,
};
use many::Listed;
use wait::{Pollable, Polled, Wait};

/// A status as the API spells it, read the same for every kind of job.
fn polled<T>(
    kind: JobKind,
    id: &str,
    status: &str,
    progress: f64,
    error: Option<crate::types::ApiError>,
    done: impl FnOnce() -> T,
) -> Polled<T> {
    match status {
        "succeeded" => Polled::Done(done()),
        "failed" | "cancelled" => Polled::Failed(JobFailure {
            kind,
            id: id.to_owned(),
            status: status.to_owned(),
            error,
        }),
        // pending, running, and a status this crate does not know yet.
        _ => Polled::Running(progress),
    }
}

impl Pollable for ToolJob {
    fn job_id(&self) -> &str {
        self.id()
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    type Output = ExecutedTool;
    async fn poll_once(&self) -> Result<Polled<ExecutedTool>, Error> {
        let tool = self.get().await?;
        let (status, progress, error) = (tool.status.to_string(), tool.progress_percentage, tool.error.clone());
        Ok(polled(
            JobKind::ToolExecution,
            self.id(),
            &status,
            progress,
            error,
            || tool,
        ))
    }
}

impl Listed for ToolJob {
    type Query = crate::generated::paging::ListToolExecutionsQuery;
    fn item_id(item: &ExecutedTool) -> &str {
        &item.tool_execution_id
    }
    fn classify(item: ExecutedTool) -> Polled<ExecutedTool> {
        let (status, progress, error) = (item.status.to_string(), item.progress_percentage, item.error.clone());
        let id = item.tool_execution_id.clone();
        polled(JobKind::ToolExecution, &id, &status, progress, error, || item)
    }
}

impl Listed for WorkflowJob {
    type Query = crate::generated::paging::ListWorkflowRunsQuery;
    fn item_id(item: &crate::types::WorkflowRun) -> &str {
        &item.workflow_run_id
    }
    fn classify(item: crate::types::WorkflowRun) -> Polled<crate::types::WorkflowRun> {
        let (status, progress, error) = (item.status.to_string(), item.progress_percentage, item.error.clone());
        let id = item.workflow_run_id.clone();
        polled(JobKind::WorkflowRun, &id, &status, progress, error, || item)
    }
}

impl Pollable for WorkflowJob {
    fn job_id(&self) -> &str {
        self.id()
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    type Output = crate::types::WorkflowRun;
    async fn poll_once(&self) -> Result<Polled<crate::types::WorkflowRun>, Error> {
        let run = self.get().await?;
        let (status, progress, error) = (run.status.to_string(), run.progress_percentage, run.error.clone());
        Ok(polled(
            JobKind::WorkflowRun,
            self.id(),
            &status,
            progress,
            error,
            || run,
        ))
    }
}

impl Pollable for ExportJob {
    fn job_id(&self) -> &str {
        self.id()
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    type Output = ProjectExport;
    async fn poll_once(&self) -> Result<Polled<ProjectExport>, Error> {
        let export = self.get().await?;
        let (status, progress, error) = (
            export.status.to_string(),
            export.progress_percentage,
            export.error.clone(),
        );
        Ok(polled(JobKind::Export, self.id(), &status, progress, error, || export))
    }
}

impl Pollable for RemixJob {
    fn job_id(&self) -> &str {
        &self.project_id
    }

    fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    type Output = Vec<RemixActionRun>;
    /// Done when every action of the job has ended (each with its own
    /// status); progress is their mean.
    async fn poll_once(&self) -> Result<Polled<Vec<RemixActionRun>>, Error> {
        let runs = self.get().await?;
        let ended = |run: &RemixActionRun| matches!(run.status.as_str(), "succeeded" | "failed" | "cancelled");
        if runs.len() == self.action_ids.len() && runs.iter().all(ended) {
            return Ok(Polled::Done(runs));
        }
        let total: f64 = runs
            .iter()
            .map(|run| if ended(run) { 100.0 } else { run.progress_percentage })
            .sum();
        Ok(Polled::Running(total / self.action_ids.len().max(1) as f64))
    }
}

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

    /// Waits until the execution ends; see [`Wait`] for the options.
    pub fn wait(&self) -> Wait<ToolJob> {
        Wait::new(self.clone())
    }

    /// Waits with the defaults, then returns the outputs as hydrated files:
    /// the `file` a result carries when its URLs are fresh, otherwise one
    /// hydrate per output (through the hydration cache when it is on), all
    /// at once.
    pub async fn files(&self) -> Result<Vec<File>, Error> {
        let done = self.wait().await?;
        let files = Files::new(self.runtime.clone());
        try_join_all(done.results.into_iter().map(|result| {
            let files = files.clone();
            async move {
                match result.file {
                    Some(file) => files.ensure_hydrated(file).await,
                    None => files.get_hydrated(&result.file_id).await,
                }
            }
        }))
        .await
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

    /// Waits until the run ends; see [`Wait`] for the options.
    pub fn wait(&self) -> Wait<WorkflowJob> {
        Wait::new(self.clone())
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

    /// Waits until the export ends; the result carries `download_url`.
    pub fn wait(&self) -> Wait<ExportJob> {
        Wait::new(self.clone())
    }

    /// Waits for the export (with the default wait), then streams the MP4 to
    /// `dest` with the guarantees of [`Files::download`]: a temporary file
    /// renamed into place only when complete, a size check against
    /// `Content-Length`, `Range` resumes, a progress callback, and a fresh
    /// `downloadUrl` from the API when the signed one has expired.
    pub fn download(&self, dest: impl AsRef<std::path::Path>) -> crate::DownloadRequest {
        crate::DownloadRequest::export(self.clone(), self.runtime.http().clone(), dest)
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

    /// Waits until every action of the job has ended and returns them all.
    pub fn wait(&self) -> Wait<RemixJob> {
        Wait::new(self.clone())
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

impl AsRef<str> for ToolJob {
    /// The tool execution id, so jobs and ids mix in `wait_many`.
    fn as_ref(&self) -> &str {
        self.id()
    }
}

impl AsRef<str> for WorkflowJob {
    /// The workflow run id, so jobs and ids mix in `wait_many`.
    fn as_ref(&self) -> &str {
        self.id()
    }
}
