//! `client.account()`: who the API key belongs to.

use std::future::Future;

use crate::{runtime::Runtime, types::MeResponse, Error};

/// The Account resource. Get one from [`Client::account`](crate::Client::account).
#[derive(Clone, Debug)]
pub struct Account {
    runtime: Runtime,
}

impl Account {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Account { runtime }
    }

    /// The key's user and team; a cheap way to check that a key works.
    #[doc(alias = "getMe")]
    pub fn me(&self) -> impl Future<Output = Result<MeResponse, Error>> + Send + 'static {
        let runtime = self.runtime.clone();
        async move { call!(runtime, GetMe, |g| g.get_me()) }
    }
}
