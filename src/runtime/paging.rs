//! Cursor paging, once for every list: one page as a request builder, or
//! every item as a `Stream` that follows `nextCursor` and refuses to loop.
//! What differs per list (its options, its generated method, the field that
//! holds its items) is generated into src/generated/paging.rs.

use std::{
    collections::HashSet,
    fmt,
    future::{Future, IntoFuture},
    num::NonZeroU64,
    pin::Pin,
};

use futures_util::{stream, Stream, StreamExt};
use progenitor_client::{Error as GeneratedError, ResponseValue};

use super::Runtime;
use crate::{
    generated::{self, operations::Operation, types::ApiError},
    Error,
};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A cursor-paged list operation (implemented by the generated query types).
pub trait Paged: Clone + fmt::Debug + Default + Send + Sync + 'static {
    /// One page as the API returns it.
    type Page: serde::de::DeserializeOwned + Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// The operation, for retries, rate limits and tracing.
    const OPERATION: Operation;

    /// Calls the generated method with these options.
    #[doc(hidden)]
    fn send<'a>(
        &'a self,
        client: &'a generated::Client,
        cursor: Option<&'a str>,
        limit: Option<NonZeroU64>,
    ) -> impl Future<Output = Result<ResponseValue<Self::Page>, GeneratedError<ApiError>>> + Send + 'a;

    /// The page's items, `hasMore` and `nextCursor`.
    #[doc(hidden)]
    fn into_parts(page: Self::Page) -> (Vec<Self::Item>, bool, Option<String>);
}

/// A request for one page of a list: set options, then `.await` it (or call
/// [`send`](Self::send)); [`all`](Self::all) streams every item instead.
#[must_use = "a request does nothing until awaited"]
#[derive(Clone)]
pub struct ListRequest<Q> {
    runtime: Runtime,
    query: Q,
    limit: Option<u32>,
    cursor: Option<String>,
}

impl<Q: fmt::Debug> fmt::Debug for ListRequest<Q> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("query", &self.query)
            .field("limit", &self.limit)
            .field("cursor", &self.cursor)
            .finish()
    }
}

impl<Q: Paged> ListRequest<Q> {
    pub(crate) fn new(runtime: Runtime) -> Self {
        ListRequest {
            runtime,
            query: Q::default(),
            limit: None,
            cursor: None,
        }
    }

    /// Page size, 1 to 200 (the server's default is 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Continue after a previous page: pass its `next_cursor` unchanged.
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// The list's own options, for the generated setters.
    pub(crate) fn query_mut(&mut self) -> &mut Q {
        &mut self.query
    }

    /// Sends the request for one page.
    pub async fn send(self) -> Result<Q::Page, Error> {
        let limit = match self.limit {
            None => None,
            Some(n @ 1..=200) => NonZeroU64::new(u64::from(n)),
            Some(n) => {
                return Err(Error::invalid_input(format!(
                    "list limit {n} is out of range; use 1 to 200"
                )))
            }
        };
        call!(self.runtime, operation = Q::OPERATION, |g| self.query.send(
            g,
            self.cursor.as_deref(),
            limit
        ))
    }

    /// Every item, page after page, as a stream (starting at the cursor, if
    /// one is set).
    ///
    /// Follows `nextCursor` while `hasMore` is true and ends with
    /// [`Error::Protocol`] if the server repeats a cursor or sends an empty
    /// one while claiming more, rather than looping forever.
    pub fn all(self) -> impl Stream<Item = Result<Q::Item, Error>> + Send + 'static {
        struct State<Q> {
            request: Option<ListRequest<Q>>,
            seen: HashSet<String>,
        }
        let state = State {
            request: Some(self),
            seen: HashSet::new(),
        };
        let pages = stream::unfold(state, |mut state| async move {
            let request = state.request.take()?;
            let next = request.clone();
            let page = match request.send().await {
                Ok(page) => page,
                Err(error) => return Some((vec![Err(error)], state)),
            };
            let (items, has_more, cursor) = Q::into_parts(page);
            let mut items: Vec<Result<Q::Item, Error>> = items.into_iter().map(Ok).collect();
            match (has_more, cursor) {
                (false, _) => {}
                (true, Some(cursor)) if !cursor.is_empty() && state.seen.insert(cursor.clone()) => {
                    state.request = Some(next.cursor(cursor));
                }
                (true, cursor) => {
                    let what = if cursor.unwrap_or_default().is_empty() {
                        "no"
                    } else {
                        "a repeated"
                    };
                    items.push(Err(Error::Protocol {
                        message: format!(
                            "{}: the server said more items follow but sent {what} cursor; \
                             stopped listing to avoid a loop",
                            Q::OPERATION.id()
                        ),
                    }));
                }
            }
            Some((items, state))
        });
        pages.flat_map(stream::iter)
    }
}

impl<Q: Paged> IntoFuture for ListRequest<Q> {
    type Output = Result<Q::Page, Error>;
    type IntoFuture = BoxFuture<Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
