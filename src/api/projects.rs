//! `client.projects()`: projects, their MP4 exports and remix edits.

use std::future::Future;

use crate::{
    api::jobs::{ExportJob, RemixJob},
    generated::paging::ListProjectsQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{ExportProjectRequest, ProjectExport, ProjectResponse, RemixActionRun, RemixProjectRequest},
    Error,
};

/// The Projects resource. Get one from [`Client::projects`](crate::Client::projects).
#[derive(Clone, Debug)]
pub struct Projects {
    runtime: Runtime,
}

impl Projects {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Projects { runtime }
    }

    /// One page of projects, newest update first.
    #[doc(alias = "listProjects")]
    pub fn list(&self) -> ListRequest<ListProjectsQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every project, as a stream (see [`ListRequest::all`]).
    pub fn list_all(&self) -> impl futures_util::Stream<Item = Result<ProjectResponse, Error>> + Send + 'static {
        self.list().all()
    }

    /// One project.
    #[doc(alias = "getProject")]
    pub fn get(
        &self,
        project_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<ProjectResponse, Error>> + Send + 'static {
        let (runtime, id) = (self.runtime.clone(), ids::owned("projectId", project_id.as_ref()));
        async move {
            let id = id?;
            call!(runtime, GetProject, |g| g.get_project(&id))
        }
    }

    /// Starts rendering the project to MP4 (`ExportProjectRequest::new()` for the defaults).
    #[doc(alias = "exportProject")]
    pub fn export(
        &self,
        project_id: impl AsRef<str>,
        request: ExportProjectRequest,
    ) -> impl Future<Output = Result<ExportJob, Error>> + Send + 'static {
        let (runtime, id) = (self.runtime.clone(), ids::owned("projectId", project_id.as_ref()));
        async move {
            let id = id?;
            let start = call!(runtime, ExportProject, |g| g.export_project(&id, &request))?;
            Ok(ExportJob::new(runtime, id, start.export_id))
        }
    }

    /// One export's current state.
    #[doc(alias = "getProjectExport")]
    pub fn get_export(
        &self,
        project_id: impl AsRef<str>,
        export_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<ProjectExport, Error>> + Send + 'static {
        self.export_job(project_id.as_ref(), export_id.as_ref()).get_owned()
    }

    /// A handle on an export started earlier.
    pub fn export_job(&self, project_id: impl Into<String>, export_id: impl Into<String>) -> ExportJob {
        ExportJob::new(self.runtime.clone(), project_id.into(), export_id.into())
    }

    /// Applies edits (captions, music, logo, ...) to a project; they run in order.
    #[doc(alias = "remixProject")]
    pub fn remix(
        &self,
        project_id: impl AsRef<str>,
        request: RemixProjectRequest,
    ) -> impl Future<Output = Result<RemixJob, Error>> + Send + 'static {
        let (runtime, id) = (self.runtime.clone(), ids::owned("projectId", project_id.as_ref()));
        async move {
            let id = id?;
            let start = call!(runtime, RemixProject, |g| g.remix_project(&id, &request))?;
            Ok(RemixJob::started(runtime, start))
        }
    }

    /// A handle on remix actions started earlier.
    pub fn remix_job(&self, project_id: impl Into<String>, remix_action_ids: impl Into<Vec<String>>) -> RemixJob {
        RemixJob::new(self.runtime.clone(), project_id.into(), remix_action_ids.into(), None)
    }

    /// Every remix action of a project, with its state.
    #[doc(alias = "listProjectRemixActions")]
    pub fn remix_actions(
        &self,
        project_id: impl AsRef<str>,
    ) -> impl Future<Output = Result<Vec<RemixActionRun>, Error>> + Send + 'static {
        let (runtime, id) = (self.runtime.clone(), ids::owned("projectId", project_id.as_ref()));
        async move {
            let id = id?;
            Ok(call!(runtime, ListProjectRemixActions, |g| g.list_project_remix_actions(&id))?.remix_actions)
        }
    }
}
