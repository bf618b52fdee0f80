//! `client.resources()`: catalogues of voices, presenters and languages.

use std::future::Future;

use crate::{
    generated::paging::{ListAvatarPresentersQuery, ListTtsVoicesQuery},
    runtime::{paging::ListRequest, Runtime},
    types::{AvatarPresenter, Language, TtsVoice},
    Error,
};

/// The Resources resource. Get one from [`Client::resources`](crate::Client::resources).
#[derive(Clone, Debug)]
pub struct Resources {
    runtime: Runtime,
}

impl Resources {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Resources { runtime }
    }

    /// One page of avatar presenters; `.voice_id(..)` ranks them by fit to a voice.
    #[doc(alias = "listAvatarPresenters")]
    pub fn avatar_presenters(&self) -> ListRequest<ListAvatarPresentersQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every avatar presenter, as a stream.
    pub fn avatar_presenters_all(
        &self,
    ) -> impl futures_util::Stream<Item = Result<AvatarPresenter, Error>> + Send + 'static {
        self.avatar_presenters().all()
    }

    /// One page of text-to-speech voices; `.include_deprecated_voices(true)` for retired ones.
    #[doc(alias = "listTtsVoices")]
    pub fn tts_voices(&self) -> ListRequest<ListTtsVoicesQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every text-to-speech voice, as a stream.
    pub fn tts_voices_all(&self) -> impl futures_util::Stream<Item = Result<TtsVoice, Error>> + Send + 'static {
        self.tts_voices().all()
    }

    /// Every supported language (not paged).
    #[doc(alias = "listLanguages")]
    pub fn languages(&self) -> impl Future<Output = Result<Vec<Language>, Error>> + Send + 'static {
        let runtime = self.runtime.clone();
        async move { Ok(call!(runtime, ListLanguages, |g| g.list_languages())?.languages) }
    }
}
