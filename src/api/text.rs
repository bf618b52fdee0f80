//! `client.text()`: text generation (answers at once, no job).

use std::future::Future;

use crate::{
    runtime::Runtime,
    types::{GenerateTextRequest, GenerateTextResponse},
    Error,
};

/// The Text resource. Get one from [`Client::text`](crate::Client::text).
#[derive(Clone, Debug)]
pub struct Text {
    runtime: Runtime,
}

impl Text {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Text { runtime }
    }

    /// Generates text from a prompt. Not repeated unless the server cannot
    /// have acted (each answer costs credits).
    #[doc(alias = "generateText")]
    pub fn generate(
        &self,
        request: GenerateTextRequest,
    ) -> impl Future<Output = Result<GenerateTextResponse, Error>> + Send + 'static {
        let runtime = self.runtime.clone();
        async move { call!(runtime, GenerateText, |g| g.generate_text(&request)) }
    }
}
