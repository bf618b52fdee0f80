//! `client.entities()`: reusable actors, products and visual styles.

use std::future::Future;

use crate::{
    generated::paging::ListEntitiesQuery,
    runtime::{ids, paging::ListRequest, Runtime},
    types::{
        AddEntityReferenceRequest, CreateEntityRequest, Entity, EntityArchiveResponse, RemoveEntityReferenceRequest,
        UpdateEntityRequest,
    },
    Error,
};

/// The Entities resource. Get one from [`Client::entities`](crate::Client::entities).
#[derive(Clone, Debug)]
pub struct Entities {
    runtime: Runtime,
}

/// Operations on one entity id, with or without a body.
macro_rules! entity_calls {
    ($($(#[$doc:meta])* $method:ident($($body:ty)?) -> $out:ty => $op:ident / $generated:ident, $alias:literal;)*) => {$(
        $(#[$doc])*
        #[doc(alias = $alias)]
        pub fn $method(
            &self,
            entity_id: impl AsRef<str>,
            $(request: $body,)?
        ) -> impl Future<Output = Result<$out, Error>> + Send + 'static {
            let (runtime, id) = (self.runtime.clone(), ids::owned("entityId", entity_id.as_ref()));
            async move {
                let id = id?;
                call!(runtime, $op, |g| g.$generated(&id $(, { let _: Option<$body> = None; &request })?))
            }
        }
    )*};
}

impl Entities {
    pub(crate) fn new(runtime: Runtime) -> Self {
        Entities { runtime }
    }

    /// One page of entities; `.entity_type(..)` narrows it to one kind.
    #[doc(alias = "listEntities")]
    pub fn list(&self) -> ListRequest<ListEntitiesQuery> {
        ListRequest::new(self.runtime.clone())
    }

    /// Every entity, as a stream (see [`ListRequest::all`]).
    pub fn list_all(&self) -> impl futures_util::Stream<Item = Result<Entity, Error>> + Send + 'static {
        self.list().all()
    }

    /// Creates an entity. Not repeated unless the server cannot have acted.
    #[doc(alias = "createEntity")]
    pub fn create(&self, request: CreateEntityRequest) -> impl Future<Output = Result<Entity, Error>> + Send + 'static {
        let runtime = self.runtime.clone();
        async move { call!(runtime, CreateEntity, |g| g.create_entity(&request)) }
    }

    entity_calls! {
        /// One entity with its references.
        get() -> Entity => GetEntity / get_entity, "getEntity";
        /// Changes an entity's name, description or settings.
        update(UpdateEntityRequest) -> Entity => UpdateEntity / update_entity, "updateEntity";
        /// Archives an entity: it leaves listings and can no longer be used.
        archive() -> EntityArchiveResponse => ArchiveEntity / archive_entity, "archiveEntity";
        /// Attaches a reference image (a file id) to an entity.
        add_reference(AddEntityReferenceRequest) -> Entity => AddEntityReference / add_entity_reference, "addEntityReference";
        /// Detaches a reference image from an entity.
        remove_reference(RemoveEntityReferenceRequest) -> Entity => RemoveEntityReference / remove_entity_reference, "removeEntityReference";
    }
}
