//! The running call's context while it is polled: its span (entered when
//! anything listens) and its [`AttemptRecord`], which the generated client's
//! `post` hook fills in and the retry loop reads back.
//!
//! Not tokio's `task_local!`: its scope hands the call's result through a
//! closure and a `Result` of its own, and with many calls in flight those
//! extra moves of every result (a `File` is close to a kilobyte) showed up
//! in profiles. Here the wrapper returns the inner poll as it is.

use std::{
    cell::Cell,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use super::hooks::AttemptRecord;

thread_local! {
    /// The record of the call being polled on this thread (`None`: no call).
    static CURRENT: Cell<Option<AttemptRecord>> = const { Cell::new(None) };
}

pin_project_lite::pin_project! {
    /// A call's future with its span and attempt record installed around
    /// every poll.
    pub(crate) struct InCall<F> {
        span: tracing::Span,
        // `Some` between polls; during a poll it sits in `CURRENT`.
        record: Option<AttemptRecord>,
        #[pin]
        inner: F,
    }
}

impl<F> InCall<F> {
    // Inlined with `Runtime::call` (see there).
    #[inline(always)]
    pub(crate) fn new(span: tracing::Span, inner: F) -> Self {
        InCall {
            span,
            record: Some(AttemptRecord::default()),
            inner,
        }
    }
}

impl<F: Future> Future for InCall<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // A disabled span (nothing listens) need not be entered and left on every poll.
        let _entered = (!this.span.is_disabled()).then(|| this.span.enter());
        let _installed = Installed::swap(this.record);
        this.inner.poll(cx)
    }
}

/// Swaps the call's record into `CURRENT` and, when dropped (also by a
/// panic), swaps it back out, restoring whatever an enclosing call had.
struct Installed<'a>(&'a mut Option<AttemptRecord>);

impl<'a> Installed<'a> {
    fn swap(slot: &'a mut Option<AttemptRecord>) -> Self {
        *slot = CURRENT.replace(slot.take());
        Installed(slot)
    }
}

impl Drop for Installed<'_> {
    fn drop(&mut self) {
        *self.0 = CURRENT.replace(self.0.take());
    }
}

/// Takes what the running call's latest attempt saw, leaving the record
/// empty for the next attempt (one cut off by its timeout never reaches
/// `post`). Empty outside a call.
pub(crate) fn take_record() -> AttemptRecord {
    CURRENT.with(|current| match current.take() {
        Some(record) => {
            current.set(Some(AttemptRecord::default()));
            record
        }
        None => AttemptRecord::default(),
    })
}

/// Stores what an attempt saw in the running call's record; outside a call
/// there is no one to tell.
pub(crate) fn set_record(seen: AttemptRecord) {
    CURRENT.with(|current| {
        if current.take().is_some() {
            current.set(Some(seen));
        }
    })
}

#[cfg(test)]
mod tests {
    use std::future::poll_fn;

    use http::StatusCode;

    use super::*;

    fn seen(code: u16) -> AttemptRecord {
        AttemptRecord {
            status: Some(StatusCode::from_u16(code).unwrap()),
            ..AttemptRecord::default()
        }
    }

    #[tokio::test]
    async fn each_call_sees_only_its_own_record_and_nothing_leaks_out() {
        let outer = InCall::new(tracing::Span::none(), async {
            set_record(seen(503));
            // A call polled inside another (nested) has a record of its own.
            let inner = InCall::new(tracing::Span::none(), async {
                assert_eq!(take_record().status, None);
                set_record(seen(429));
                take_record().status
            })
            .await;
            assert_eq!(inner, Some(StatusCode::TOO_MANY_REQUESTS));
            // Kept across a pending poll, and taken once.
            let mut yielded = false;
            poll_fn(|cx| {
                if yielded {
                    Poll::Ready(())
                } else {
                    yielded = true;
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            })
            .await;
            let first = take_record().status;
            (first, take_record().status)
        });
        assert_eq!(outer.await, (Some(StatusCode::SERVICE_UNAVAILABLE), None));
        // Outside any call nothing is stored.
        set_record(seen(500));
        assert_eq!(take_record().status, None);
    }

    #[test]
    fn a_panicking_poll_still_uninstalls_the_record() {
        let mut call = Box::pin(InCall::new(tracing::Span::none(), async {
            set_record(seen(502));
            panic!("planted");
        }));
        let waker = std::task::Waker::noop();
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = call.as_mut().poll(&mut Context::from_waker(waker));
        }));
        assert!(polled.is_err());
        set_record(seen(500));
        assert_eq!(take_record().status, None, "no call is current after the panic");
    }
}
